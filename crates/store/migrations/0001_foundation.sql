-- Foundation: organisation, sign-in, audit chain, background jobs.
-- One schema for SQLite and PostgreSQL. Integers are BIGINT everywhere (SQLite returns every
-- integer as 64-bit), instants are Unix milliseconds (UTC), civil dates ISO text, flags 0/1.
-- `{id}` is the only dialect token: an auto-increment primary key.

CREATE TABLE regions (
    id {id},
    parent_id BIGINT REFERENCES regions(id),
    kind TEXT NOT NULL CHECK (kind IN ('city', 'town', 'village')),
    name TEXT NOT NULL,
    division_code TEXT NOT NULL,
    stat_code TEXT,
    path TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX regions_stat_code ON regions (stat_code);
CREATE INDEX regions_path ON regions (path);

CREATE TABLE departments (
    id {id},
    parent_id BIGINT REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    name TEXT NOT NULL,
    issuer_abbr TEXT,
    path TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX departments_name ON departments (region_id, name);
CREATE INDEX departments_path ON departments (path);

CREATE TABLE users (
    id {id},
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    disabled BIGINT NOT NULL DEFAULT 0,
    password_changed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_department ON users (department_id);

CREATE TABLE roles (
    id {id},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    admin_kind TEXT CHECK (admin_kind IN ('system', 'security', 'audit')),
    data_scope TEXT NOT NULL CHECK (data_scope IN ('all', 'region', 'department', 'department_tree', 'own')),
    builtin BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_code ON roles (code);

CREATE TABLE role_permissions (
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles(id),
    PRIMARY KEY (user_id, role_id)
);

-- Session ids and API tokens are stored only as SM3 digests: a copy of the database signs nobody in.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    ip TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE api_tokens (
    id {id},
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    permissions TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id {id},
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    ip TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_name);

CREATE TABLE jobs (
    id {id},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE periodic_jobs (
    name TEXT PRIMARY KEY,
    interval_secs BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL,
    last_run_at BIGINT,
    last_run_by TEXT
);
