-- A case's stage is one of `enforcement::stage::Stage` (a test keeps the two lists equal).
ALTER TABLE cases ADD CONSTRAINT cases_stage_known CHECK (stage IN ('filed', 'investigation', 'legal_review', 'prior_notice', 'decided', 'delivered', 'executed', 'closed', 'archived'));
