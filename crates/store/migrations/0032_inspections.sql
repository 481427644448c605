-- Enforcement certificates (执法证) of officers, and inspection records (行政检查记录): the
-- entity by its USCC, the department, the items, the officers with the certificate each held
-- that day, the result (a filed case linked), and whether the visit was joint or drawn at
-- random. Scoped by the holder's and the inspecting department.
CREATE TABLE enforcement_certificates (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users(id),
    number TEXT NOT NULL UNIQUE,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    revoked_on TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX enforcement_certificates_user ON enforcement_certificates (user_id);
CREATE TABLE inspections (
    id {id},
    entity_uscc TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    inspected_on TEXT NOT NULL,
    items TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('no_problem', 'rectification', 'case_filed')),
    case_id BIGINT REFERENCES cases(id),
    note TEXT,
    joint BIGINT NOT NULL DEFAULT 0,
    random_draw BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX inspections_entity ON inspections (entity_uscc, inspected_on);
CREATE INDEX inspections_department ON inspections (department_id, id);
CREATE TABLE inspection_officers (
    inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    certificate_id BIGINT NOT NULL REFERENCES enforcement_certificates(id),
    PRIMARY KEY (inspection_id, user_id)
);
