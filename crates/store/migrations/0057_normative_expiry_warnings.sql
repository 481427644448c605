-- When the register's keepers were told that a document's validity ends soon (once per
-- document; a new expiry date after a revision warns again).
ALTER TABLE normative_documents ADD COLUMN expiry_warned_on TEXT;
