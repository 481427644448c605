-- Cleanups of normative documents (规范性文件清理): a campaign over the documents issued in a
-- range, a verdict per document with its reason and reviewer, and the follow-up of each verdict
-- to repeal or revise until it is done. The campaign is a workflow record (stage, version).
CREATE TABLE normative_cleanups (
    id {id},
    title TEXT NOT NULL,
    issued_from TEXT NOT NULL,
    issued_until TEXT NOT NULL,
    issuer TEXT,
    stage TEXT NOT NULL CHECK (stage IN ('reviewing', 'following', 'closed')),
    started_on TEXT NOT NULL,
    review_ended_on TEXT,
    closed_on TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE normative_cleanup_items (
    cleanup_id BIGINT NOT NULL REFERENCES normative_cleanups(id),
    document_id BIGINT NOT NULL REFERENCES normative_documents(id),
    verdict TEXT CHECK (verdict IN ('retain', 'repealed', 'to_repeal', 'to_revise')),
    reason TEXT,
    reviewer TEXT,
    decided_on TEXT,
    -- The document's version when judged: a revision is done when a later version is registered.
    judged_version BIGINT,
    done_on TEXT,
    done_note TEXT,
    PRIMARY KEY (cleanup_id, document_id)
);
CREATE INDEX normative_cleanup_items_document ON normative_cleanup_items (document_id);
