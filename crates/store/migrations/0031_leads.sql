-- Violation leads (线索): one row per lead model and record, kept across runs — open while the
-- model finds it, resolved when it no longer does, handled or dismissed by a supervisor (with
-- a note; a dismissal with its reason). Scoped by the record's region and department.
CREATE TABLE leads (
    id {id},
    model TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('normal', 'simplified', 'warning')),
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    detail TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'handled', 'dismissed')),
    found_on TEXT NOT NULL,
    note TEXT,
    handled_on TEXT,
    handled_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX leads_subject ON leads (model, subject_type, subject_id);
CREATE INDEX leads_open ON leads (state, model, id);
