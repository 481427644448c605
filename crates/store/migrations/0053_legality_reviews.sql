-- Legality review requests (合法性审查): a workflow record moving through its kind's configured
-- stages (review/procedures.toml), the materials provided per stage, the reviewer (who may not
-- be of the requesting unit, and declares no conflict of interest), returns for revision, and
-- the signed opinion. The reviewer's limit is a deadline (subject 'legality_review').
CREATE TABLE legality_reviews (
    id {id},
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    draft TEXT NOT NULL,
    stage_index BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'returned', 'concluded')),
    returns BIGINT NOT NULL DEFAULT 0,
    return_reason TEXT,
    submitted_on TEXT NOT NULL,
    accepted_on TEXT,
    reviewer_id BIGINT REFERENCES users(id),
    reviewer_name TEXT,
    conclusion TEXT CHECK (conclusion IN ('lawful', 'lawful_if_revised', 'unlawful')),
    opinion TEXT,
    opinion_number TEXT,
    signed_by TEXT,
    signed_on TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX legality_reviews_kind ON legality_reviews (kind, id);

CREATE TABLE legality_review_materials (
    review_id BIGINT NOT NULL REFERENCES legality_reviews(id),
    stage TEXT NOT NULL,
    material TEXT NOT NULL,
    note TEXT NOT NULL,
    by_name TEXT NOT NULL,
    on_date TEXT NOT NULL,
    PRIMARY KEY (review_id, stage, material)
);

-- A normative document registered from its legality review keeps the link.
ALTER TABLE normative_documents ADD COLUMN review_id BIGINT REFERENCES legality_reviews(id);
