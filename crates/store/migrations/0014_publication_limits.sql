-- Each department's limit for publishing penalty decisions, in working days (国办发〔2018〕118号:
-- 7 by default; market regulation and some provinces use 20), kept with the date each value took
-- effect: the limit of a decision is the one in force on its date.
CREATE TABLE publication_limits (
    id {id},
    department_id BIGINT NOT NULL REFERENCES departments(id),
    working_days BIGINT NOT NULL CHECK (working_days BETWEEN 1 AND 60),
    effective_from TEXT NOT NULL,
    set_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX publication_limits_once ON publication_limits (department_id, effective_from);
