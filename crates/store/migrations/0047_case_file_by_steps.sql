-- Documents enter the case file themselves: each step of a case registers the document it
-- makes or records, marked with the step (`step`; NULL for one the handler registered by hand),
-- and the handler completes in one table what only paper knows (signatures, seal, pages).
-- The prior notice states the penalty proposed (行政处罚法 art. 44), which the decision may not
-- exceed (art. 45 ¶2); the party's statement and defence (陈述、申辩) is a step of its own.
ALTER TABLE case_file_documents ADD COLUMN step TEXT;
ALTER TABLE cases ADD COLUMN proposed_outcome TEXT;
ALTER TABLE cases ADD COLUMN proposed_fine_fen BIGINT;
ALTER TABLE cases ADD COLUMN stated_on TEXT;
