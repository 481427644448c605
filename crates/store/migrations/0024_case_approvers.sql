-- Who approved the filing and the closure (立案、结案审批人): the approval forms name them.
ALTER TABLE cases ADD COLUMN filing_approver TEXT;
ALTER TABLE cases ADD COLUMN closure_approver TEXT;
