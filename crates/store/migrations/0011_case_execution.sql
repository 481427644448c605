-- Execution and archive of a penalty case.
ALTER TABLE cases ADD COLUMN paid_on TEXT;
ALTER TABLE cases ADD COLUMN paid_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN surcharge_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN archived_on TEXT;
