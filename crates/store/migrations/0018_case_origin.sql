-- How a case came to the agency (案件来源) and the brief account the filing approval gives
-- (简要案情), both stated at filing.
ALTER TABLE cases ADD COLUMN origin TEXT;
ALTER TABLE cases ADD COLUMN summary TEXT;
