-- The people the review centre consults beyond its staff: legal advisers (法律顾问), the expert
-- pool (专家库), and each town's "1+3+N" review team. Conflicts of interest are recorded per
-- unit and enforced when an adviser is consulted on a request; each consultation keeps the
-- adviser's written opinion.
CREATE TABLE review_advisers (
    id {id},
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('legal_adviser', 'expert', 'town_team')),
    organisation TEXT NOT NULL,
    specialty TEXT NOT NULL DEFAULT '',
    town_id BIGINT REFERENCES departments(id),
    active BIGINT NOT NULL DEFAULT 1,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE review_adviser_conflicts (
    adviser_id BIGINT NOT NULL REFERENCES review_advisers(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    reason TEXT NOT NULL,
    PRIMARY KEY (adviser_id, department_id)
);

CREATE TABLE legality_review_advisers (
    review_id BIGINT NOT NULL REFERENCES legality_reviews(id),
    adviser_id BIGINT NOT NULL REFERENCES review_advisers(id),
    opinion TEXT NOT NULL,
    by_name TEXT NOT NULL,
    on_date TEXT NOT NULL,
    PRIMARY KEY (review_id, adviser_id)
);
