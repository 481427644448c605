-- Administrative reconsideration (行政复议): an application and its case, a workflow record
-- (stage, version) under the 2023 law (the 2017 text for applications received before 2024);
-- each statutory limit is a deadline of subject 'reconsideration', told apart by its article.
CREATE TABLE reconsiderations (
    id {id},
    law TEXT NOT NULL CHECK (law IN ('2023', '2017')),
    channel TEXT NOT NULL CHECK (channel IN ('window', 'online', 'post')),
    applicant TEXT NOT NULL,
    respondent_id BIGINT NOT NULL REFERENCES departments(id),
    act TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    request TEXT NOT NULL,
    known_on TEXT NOT NULL,
    right_explained BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('received', 'completing', 'accepted', 'not_accepted',
        'decided', 'settled', 'withdrawn')),
    completion_requested_on TEXT,
    completion_items TEXT,
    completed_on TEXT,
    accepted_on TEXT,
    number TEXT,
    delay_reason TEXT,
    procedure TEXT CHECK (procedure IN ('simplified', 'ordinary')),
    simplified_ground TEXT,
    copy_sent_on TEXT,
    answered_on TEXT,
    hearing_notice_on TEXT,
    hearing_on TEXT,
    heard_on TEXT,
    extended_on TEXT,
    extension_days BIGINT,
    extension_reason TEXT,
    closed_on TEXT,
    outcome TEXT CHECK (outcome IN ('maintain', 'revoke', 'change', 'confirm_illegal',
        'order_performance', 'dismiss')),
    decision_text TEXT,
    decision_number TEXT,
    close_note TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reconsiderations_closed ON reconsiderations (closed_on);

-- The justice bureau's supervisors run the reconsideration body's work (fresh databases get
-- it from the built-in role; this gives it to one made before).
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'reconsideration.handle' FROM roles WHERE code = 'supervisor';
