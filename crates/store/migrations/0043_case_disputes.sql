-- The party's reconsideration application or suit against a decision (行政处罚法第七十三条第三款:
-- the days it is pending do not count towards the late-payment surcharge): what, since when, when
-- it ended and how.
ALTER TABLE cases ADD COLUMN dispute_kind TEXT;
ALTER TABLE cases ADD COLUMN dispute_on TEXT;
ALTER TABLE cases ADD COLUMN dispute_concluded_on TEXT;
ALTER TABLE cases ADD COLUMN dispute_outcome TEXT;
