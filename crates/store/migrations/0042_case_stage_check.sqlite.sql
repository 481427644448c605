-- A case's stage is one of `enforcement::stage::Stage` (a test keeps the two lists equal).
-- SQLite cannot add a CHECK to an existing table: triggers refuse the rest.
CREATE TRIGGER cases_stage_known_insert BEFORE INSERT ON cases
WHEN NEW.stage NOT IN ('filed', 'investigation', 'legal_review', 'prior_notice', 'decided', 'delivered', 'executed', 'closed', 'archived')
BEGIN SELECT RAISE(ABORT, 'unknown case stage'); END;
CREATE TRIGGER cases_stage_known_update BEFORE UPDATE OF stage ON cases
WHEN NEW.stage NOT IN ('filed', 'investigation', 'legal_review', 'prior_notice', 'decided', 'delivered', 'executed', 'closed', 'archived')
BEGIN SELECT RAISE(ABORT, 'unknown case stage'); END;
