-- The register of normative documents (行政规范性文件): one row per document, every version of
-- its text, what it amends or repeals. `revision` is the register's change counter: each write
-- takes the next value of `register_revisions`, whose row lock orders the writers, so the
-- full-text index can catch up with everything after the revision it holds.
CREATE TABLE register_revisions (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO register_revisions (name, value) VALUES ('normative_documents', 0);

CREATE TABLE normative_documents (
    id {id},
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    issued_on TEXT NOT NULL,
    published_on TEXT,
    effective_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_force', 'repealed', 'expired', 'to_repeal', 'to_revise')),
    filed_on TEXT,
    current_version BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX normative_documents_number ON normative_documents (number);
CREATE INDEX normative_documents_revision ON normative_documents (revision);
CREATE INDEX normative_documents_issued ON normative_documents (issued_on, id);

CREATE TABLE normative_document_versions (
    id {id},
    document_id BIGINT NOT NULL REFERENCES normative_documents(id),
    version BIGINT NOT NULL,
    effective_on TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX normative_document_versions_key ON normative_document_versions (document_id, version);

CREATE TABLE normative_document_links (
    document_id BIGINT NOT NULL REFERENCES normative_documents(id),
    kind TEXT NOT NULL CHECK (kind IN ('amends', 'repeals')),
    target_number TEXT NOT NULL,
    PRIMARY KEY (document_id, kind, target_number)
);
CREATE INDEX normative_document_links_target ON normative_document_links (target_number);

-- The justice bureau's supervisors keep the register (fresh databases get it from the built-in
-- role; this gives it to one made before).
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'normative.manage' FROM roles WHERE code = 'supervisor';
