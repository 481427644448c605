-- Enforcement document templates (执法文书模板): shipped with fazhi, editable by an administrator
-- without a rebuild. The body is a template with the markers of `enforcement::documents`.
CREATE TABLE document_templates (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);
