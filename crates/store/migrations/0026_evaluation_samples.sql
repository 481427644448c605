-- Samples drawn for manual case-file evaluation (人工评查抽样). The inputs and the seed are
-- recorded, so anyone can draw again from the same files and get the same sample; each sampled
-- file is scored by a reviewer on the sheet pre-filled with the automatic findings, which the
-- reviewer confirms, removes (with a reason) or adds to. Scoped by the drawing supervisor's
-- department.
CREATE TABLE evaluation_samples (
    id {id},
    drawn_on TEXT NOT NULL,
    seed BIGINT NOT NULL,
    department_filter BIGINT REFERENCES departments(id),
    filed_from TEXT NOT NULL,
    filed_until TEXT NOT NULL,
    requested BIGINT NOT NULL,
    candidates BIGINT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE TABLE evaluation_sample_cases (
    sample_id BIGINT NOT NULL REFERENCES evaluation_samples(id) ON DELETE CASCADE,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    ordinal BIGINT NOT NULL,
    auto_score BIGINT NOT NULL,
    auto_grade TEXT NOT NULL,
    score BIGINT,
    grade TEXT,
    reviewed_by BIGINT REFERENCES users(id),
    reviewed_at BIGINT,
    PRIMARY KEY (sample_id, case_id)
);
CREATE TABLE evaluation_sample_findings (
    sample_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    rule_code TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'removed', 'added')),
    detail TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (sample_id, case_id, rule_code),
    FOREIGN KEY (sample_id, case_id) REFERENCES evaluation_sample_cases (sample_id, case_id) ON DELETE CASCADE
);
