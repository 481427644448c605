-- Working-day calendar additions made at run time: a newly published year's arrangement
-- (fazhi calendar import, or the administrator's page) and a city's own non-working days.
CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

CREATE TABLE local_rest_days (
    day TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
