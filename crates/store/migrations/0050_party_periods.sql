-- A party's period (当事人的期间: the days a party has to state its case or ask for a hearing,
-- 行政处罚法 art. 64) is not the agency's duty: it raises no yellow or red light and, when it
-- passes, ends rather than falls overdue — the agency may then proceed.
ALTER TABLE deadlines ADD COLUMN party_period BIGINT NOT NULL DEFAULT 0;
