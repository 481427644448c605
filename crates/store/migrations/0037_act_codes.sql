-- 行政行为码: the signed code of each drawn inspection task and each recorded inspection (the
-- code itself carries its SM2 signature; the signing key is never stored), what it shows the
-- entity, and the entity's ratings and complaints through it.
CREATE TABLE act_codes (
    id {id},
    code TEXT NOT NULL UNIQUE,
    entity_uscc TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    items TEXT NOT NULL,
    officers TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    draw_task_id BIGINT REFERENCES random_draw_tasks(id),
    inspection_id BIGINT REFERENCES inspections(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX act_codes_inspection ON act_codes (inspection_id);
CREATE INDEX act_codes_task ON act_codes (draw_task_id);
CREATE TABLE act_feedback (
    id {id},
    act_id BIGINT NOT NULL REFERENCES act_codes(id),
    stars BIGINT CHECK (stars BETWEEN 1 AND 5),
    complaint TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX act_feedback_act ON act_feedback (act_id);
