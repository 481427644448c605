-- Administrative suits defended (行政诉讼应诉): a workflow record (stage, version) with the
-- answer's limit (行政诉讼法 art. 67, deadline subject 'litigation'), the loss-risk rating, the
-- leader who takes the case (领导包案), the hearing and who appeared for the defendant, the
-- judgment and, after a loss, the accountability that followed.
CREATE TABLE litigations (
    id {id},
    court TEXT NOT NULL,
    court_number TEXT NOT NULL,
    plaintiff TEXT NOT NULL,
    defendant_id BIGINT NOT NULL REFERENCES departments(id),
    act TEXT NOT NULL,
    claim TEXT NOT NULL,
    reconsideration_id BIGINT REFERENCES reconsiderations(id),
    served_on TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('pending', 'judged', 'closed')),
    answered_on TEXT,
    risk TEXT CHECK (risk IN ('high', 'medium', 'low')),
    risk_reason TEXT,
    leader TEXT,
    hearing_on TEXT,
    appearance TEXT CHECK (appearance IN ('responsible', 'staff', 'lawyer_only', 'absent')),
    appeared_name TEXT,
    appeared_title TEXT,
    absence_reason TEXT,
    judged_on TEXT,
    judgment TEXT CHECK (judgment IN ('won', 'lost', 'withdrawn', 'mediated')),
    judgment_note TEXT,
    accountability TEXT,
    accountability_on TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX litigations_court_number ON litigations (court_number);

INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'litigation.handle' FROM roles WHERE code = 'supervisor';
