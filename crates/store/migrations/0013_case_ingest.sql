-- Cases from other systems (归集) and the discretion check of every decision: the content hash
-- that makes re-imports idempotent, the facts the discretion engine looked at, its verdict
-- ('unchecked' | 'within' | 'outside') with the recommendation, and the written reason a
-- decision outside the recommendation needs. Confiscations in fen. The hearing's notice and
-- date (art. 64: notice 7 WD before).
ALTER TABLE cases ADD COLUMN content_hash TEXT;
ALTER TABLE cases ADD COLUMN facts TEXT;
ALTER TABLE cases ADD COLUMN discretion TEXT NOT NULL DEFAULT 'unchecked';
ALTER TABLE cases ADD COLUMN recommendation TEXT;
ALTER TABLE cases ADD COLUMN deviation_reason TEXT;
ALTER TABLE cases ADD COLUMN confiscated_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hearing_notice_on TEXT;
ALTER TABLE cases ADD COLUMN hearing_on TEXT;
-- Imports look cases up by source key in batches: the case id of the other system first, so
-- the lookup is selective whatever the statistics say (one system may hold every case).
DROP INDEX cases_source;
CREATE UNIQUE INDEX cases_source ON cases (source_id, source_system);
-- Case lists filter by town, item and stage in any combination, newest first by keyset: an
-- index for each combination that ends in id, so a page reads about a page of rows.
CREATE INDEX cases_region_id ON cases (region_id, id);
CREATE INDEX cases_stage ON cases (stage, id);
CREATE INDEX cases_item_stage ON cases (item_code, stage, id);
CREATE INDEX cases_region_item ON cases (region_id, item_code, stage, id);
