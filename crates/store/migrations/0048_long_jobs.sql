-- Long jobs (长任务): a web import or export of more than a few seconds runs beside the request
-- and the page it leaves shows the rows done and the errors so far, then the result — an
-- export's file (kept here, so any `fazhi serve` process can hand it out; the column's type is
-- per backend, BLOB / BYTEA, in the files beside this) or an import's report (JSON).
-- Only the user who started a job sees it: it holds what their scope showed them.
CREATE TABLE long_jobs (
    id {id},
    kind TEXT NOT NULL CHECK (kind IN ('export', 'import')),
    title TEXT NOT NULL,
    file_name TEXT,
    -- The list or form the job was started from: the job's page links back to it.
    return_to TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    rows_done BIGINT NOT NULL DEFAULT 0,
    errors_so_far BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    report TEXT,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX long_jobs_by_requester ON long_jobs (requested_by, id);
