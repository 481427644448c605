-- Deadlines (时限) of every module's records, their changes (suspension, resumption, extension,
-- meeting them), the warnings raised on them (each raised once, so a year's warnings are a
-- count), and the in-app message centre that tells the responsible people.
CREATE TABLE deadlines (
    id {id},
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    law TEXT NOT NULL,
    article TEXT NOT NULL,
    start_event TEXT NOT NULL,
    start_on TEXT NOT NULL,
    period TEXT NOT NULL,
    due_on TEXT NOT NULL,
    yellow_on TEXT NOT NULL,
    rule TEXT NOT NULL,
    confirmed BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'suspended', 'met', 'overdue')),
    warning TEXT NOT NULL DEFAULT 'none' CHECK (warning IN ('none', 'yellow', 'red')),
    met_on TEXT,
    responsible_user_id BIGINT REFERENCES users(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX deadlines_subject ON deadlines (subject_type, subject_id);
CREATE INDEX deadlines_yellow ON deadlines (state, warning, yellow_on);
CREATE INDEX deadlines_due ON deadlines (state, warning, due_on);
CREATE INDEX deadlines_responsible ON deadlines (responsible_user_id, state, due_on);

CREATE TABLE deadline_changes (
    id {id},
    deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
    kind TEXT NOT NULL CHECK (kind IN ('suspend', 'resume', 'extend', 'met')),
    on_date TEXT NOT NULL,
    period TEXT,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX deadline_changes_deadline ON deadline_changes (deadline_id, id);

CREATE TABLE deadline_warnings (
    id {id},
    deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
    level TEXT NOT NULL CHECK (level IN ('yellow', 'red')),
    raised_on TEXT NOT NULL,
    raised_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX deadline_warnings_once ON deadline_warnings (deadline_id, level);
CREATE INDEX deadline_warnings_raised ON deadline_warnings (raised_on);

CREATE TABLE messages (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX messages_user ON messages (user_id, id);
