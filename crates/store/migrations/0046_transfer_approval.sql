-- Art. 5 of 《行政执法机关移送涉嫌犯罪案件的规定》: the handler reports a suspected crime to the
-- agency's head, who decides within 3 days; an approved transfer is sent within 24 hours.
-- Transfers recorded before this migration keep these empty.
ALTER TABLE criminal_transfers ADD COLUMN reported_on TEXT;
ALTER TABLE criminal_transfers ADD COLUMN approved_on TEXT;
ALTER TABLE criminal_transfers ADD COLUMN approver TEXT;
