-- The prior notice's and the rectification order's own numbers (诸市监罚告〔2024〕3号,
-- 诸市监责改〔2024〕5号), and the order's date and the day by which to correct (责令改正).
ALTER TABLE cases ADD COLUMN prior_notice_number TEXT;
ALTER TABLE cases ADD COLUMN rectification_number TEXT;
ALTER TABLE cases ADD COLUMN rectification_on TEXT;
ALTER TABLE cases ADD COLUMN rectify_by TEXT;
