-- Publication of penalty decisions (行政处罚决定信息公开): the redacted text prepared by the
-- pre-publication review, what the review removed, who approved it, and withdrawal with reason.
CREATE TABLE disclosures (
    id {id},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    decision_number TEXT NOT NULL,
    party_name TEXT NOT NULL,
    item_code TEXT NOT NULL,
    department_name TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    redacted_text TEXT NOT NULL,
    findings TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('reviewing', 'published', 'withdrawn')),
    reviewed_by TEXT,
    published_on TEXT,
    withdrawn_on TEXT,
    withdrawal_reason TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX disclosures_case ON disclosures (case_id);
CREATE INDEX disclosures_public ON disclosures (state, decided_on, id);
