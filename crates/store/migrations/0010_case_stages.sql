-- The facts of the later stages of a penalty case.
ALTER TABLE cases ADD COLUMN prior_notice_on TEXT;
ALTER TABLE cases ADD COLUMN hearing_right BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN waived BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hearing_requested BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hearing_held_on TEXT;
ALTER TABLE cases ADD COLUMN review_triggers TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN legal_review_on TEXT;
ALTER TABLE cases ADD COLUMN delivered_on TEXT;
