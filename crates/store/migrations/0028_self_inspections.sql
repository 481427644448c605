-- Self-inspection (部门自查, kind 'self': one task per agency per month, due at the month's end
-- on the deadline engine) and supervisory inspection (执法检查, kind 'supervisory': recorded by
-- the supervisor per quarter), each with the files checked and the problems found and
-- rectified. Scoped by the inspected agency.
CREATE TABLE self_inspections (
    id {id},
    kind TEXT NOT NULL CHECK (kind IN ('self', 'supervisory')),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    period TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'done')),
    done_on TEXT,
    files_checked BIGINT NOT NULL DEFAULT 0,
    problems_found BIGINT NOT NULL DEFAULT 0,
    problems_rectified BIGINT NOT NULL DEFAULT 0,
    summary TEXT,
    done_by BIGINT REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One self-inspection per agency and month, whoever plans it first.
CREATE UNIQUE INDEX self_inspections_monthly ON self_inspections (department_id, period) WHERE kind = 'self';
CREATE INDEX self_inspections_period ON self_inspections (period, id);
