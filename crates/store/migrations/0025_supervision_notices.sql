-- Supervision notices (行政执法监督通知书): the justice bureau tells an agency what its
-- supervision found, with a rectification deadline; the agency replies with what it rectified
-- and its evidence; the supervisor accepts the rectification or returns it with a reason.
-- Scoped like every record: region and department are the supervised agency's.
CREATE TABLE supervision_notices (
    id {id},
    number TEXT NOT NULL UNIQUE,
    issuer_department_id BIGINT NOT NULL REFERENCES departments(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    issued_on TEXT NOT NULL,
    subject TEXT NOT NULL,
    problems TEXT NOT NULL,
    rectify_days BIGINT NOT NULL,
    rectify_by TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('issued', 'replied', 'returned', 'accepted')),
    reply TEXT,
    evidence TEXT,
    replied_on TEXT,
    replied_by BIGINT REFERENCES users(id),
    review_note TEXT,
    reviewed_on TEXT,
    reviewed_by BIGINT REFERENCES users(id),
    returns BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX supervision_notices_department ON supervision_notices (department_id, id);
CREATE INDEX supervision_notices_issued ON supervision_notices (issued_on, id);
-- The evaluated case files a notice names, with the findings as they stood when it was issued.
CREATE TABLE supervision_notice_cases (
    notice_id BIGINT NOT NULL REFERENCES supervision_notices(id) ON DELETE CASCADE,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    findings TEXT NOT NULL,
    PRIMARY KEY (notice_id, case_id)
);
-- The built-in roles gain the new permissions: the supervisor issues and accepts, the town and
-- department clerks reply for their own office.
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'supervision.manage' FROM roles WHERE code = 'supervisor' AND builtin = 1;
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'supervision.reply' FROM roles WHERE code IN ('town_clerk', 'department_clerk') AND builtin = 1;
