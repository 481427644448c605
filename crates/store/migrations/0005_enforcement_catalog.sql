-- The enforcement catalog (执法事项目录): items in versions by effective date — the version in
-- force on a day is the latest that took effect on or before it; a repealed item has a version
-- with `repealed = 1` — and delegations of items to towns (赋权) with their own dates.
CREATE TABLE enforcement_items (
    id {id},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('penalty', 'coercion', 'inspection', 'levy', 'other')),
    catalog TEXT NOT NULL CHECK (catalog IN ('comprehensive', 'professional')),
    law TEXT NOT NULL,
    article TEXT NOT NULL,
    basis_text TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    effective_from TEXT NOT NULL,
    repealed BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX enforcement_items_version ON enforcement_items (code, effective_from);
CREATE INDEX enforcement_items_department ON enforcement_items (department_id, code);

CREATE TABLE delegations (
    id {id},
    item_code TEXT NOT NULL,
    town_id BIGINT NOT NULL REFERENCES regions(id),
    effective_from TEXT NOT NULL,
    effective_until TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX delegations_once ON delegations (item_code, town_id, effective_from);
CREATE INDEX delegations_town ON delegations (town_id, item_code);
