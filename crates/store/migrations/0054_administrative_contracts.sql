-- Administrative contracts (行政合同) of the government, departments and towns: a workflow
-- record (stage, version); a major one cannot be signed without a concluded legality review of
-- kind 'contract'; its milestones are deadlines (subject 'contract_milestone').
CREATE TABLE administrative_contracts (
    id {id},
    title TEXT NOT NULL,
    counterparty TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    major BIGINT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('drafting', 'signed', 'completed', 'terminated')),
    review_id BIGINT REFERENCES legality_reviews(id),
    signed_on TEXT,
    filed_on TEXT,
    closed_on TEXT,
    close_note TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE contract_milestones (
    contract_id BIGINT NOT NULL REFERENCES administrative_contracts(id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    note TEXT,
    PRIMARY KEY (contract_id, seq)
);
