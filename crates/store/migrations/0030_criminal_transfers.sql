-- Administrative-to-criminal transfer (行刑衔接): an item's criminal threshold on the illegal
-- gains (published reference data, like the catalog), and each case transferred to public
-- security with its evidence list and public security's decision. Transfers are scoped by the
-- case's region and department; a case is transferred once.
CREATE TABLE criminal_thresholds (
    item_code TEXT PRIMARY KEY,
    illegal_gains_fen BIGINT NOT NULL,
    basis TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
CREATE TABLE criminal_transfers (
    id {id},
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    transferred_on TEXT NOT NULL,
    receiver TEXT NOT NULL,
    suspected_crime TEXT NOT NULL,
    evidence TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('transferred', 'accepted', 'returned')),
    decided_on TEXT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
