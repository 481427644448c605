-- The day of the party's written waiver of statement, defence and hearing: a decision that rests
-- on it may not be dated before it (行政处罚法 arts. 45, 64). Cases waived before this column
-- existed keep NULL (the check is skipped for them).
ALTER TABLE cases ADD COLUMN waived_on TEXT;
