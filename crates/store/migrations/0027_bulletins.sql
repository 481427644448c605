-- Bulletins (工作通报): a period's supervision written up from the records, stored as issued
-- (the text, and the figures it was written from as JSON), numbered from the issuing
-- department's abbreviation. Scoped by the issuing department.
CREATE TABLE bulletins (
    id {id},
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_until TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    body TEXT NOT NULL,
    figures TEXT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX bulletins_issued ON bulletins (issued_on, id);
