-- The day of the case's latest investigation step (调查取证): the prior notice, which states
-- the facts found, may not be dated before it.
ALTER TABLE cases ADD COLUMN investigated_on TEXT;
