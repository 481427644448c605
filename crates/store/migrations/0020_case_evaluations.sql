-- Case-file evaluation (案卷评查): each case's latest automatic evaluation — the record version
-- it saw, its score and grade — and the findings behind it.
CREATE TABLE case_evaluations (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    case_version BIGINT NOT NULL,
    score BIGINT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('excellent', 'pass', 'fail')),
    veto BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    evaluated_at BIGINT NOT NULL
);
CREATE TABLE case_findings (
    id {id},
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    rule_code TEXT NOT NULL,
    deduction BIGINT NOT NULL,
    veto BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX case_findings_case ON case_findings (case_id);
CREATE INDEX case_findings_rule ON case_findings (rule_code, case_id);
-- Each run of the evaluation, for the record.
CREATE TABLE evaluation_runs (
    id {id},
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    every_case BIGINT NOT NULL,
    evaluated BIGINT NOT NULL,
    findings BIGINT NOT NULL
);
-- Finding the cases changed since their evaluation reads this narrow index, not the table.
CREATE INDEX cases_version ON cases (id, version);
