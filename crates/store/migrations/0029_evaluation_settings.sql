-- The evaluation sheet as configured (评查表配置): grade thresholds, which rules apply and what
-- each deducts, in versions by effective date (the version in force on a day is the latest that
-- took effect on or before it; none: the sheet as written). `rules` is JSON:
-- {"D10": {"enabled": false}, "E01": {"deduction": 20}}. Each evaluation run records the
-- version it used, so a new version in force re-evaluates every file once.
CREATE TABLE evaluation_settings (
    id {id},
    effective_from TEXT NOT NULL UNIQUE,
    excellent BIGINT NOT NULL,
    pass BIGINT NOT NULL,
    rules TEXT NOT NULL,
    note TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
ALTER TABLE evaluation_runs ADD COLUMN settings_id BIGINT NOT NULL DEFAULT 0;
