-- 双随机一公开. The register of entities subject to inspection (检查对象名录库): USCC, name, town,
-- industry and credit risk class (信用风险分类 A–D, as the credit system rates them). Officers'
-- recorded relations to entities (回避), which exclude them from drawing that entity. And the
-- draws: their inputs, seed and the snapshots they drew from (the pool of entities and the
-- roster of certified officers, as text, with the pool's SM3), so anyone can draw again and
-- get the same result; the tasks drawn, each later linked to the inspection that carried it
-- out; the results published within the configured limit.
CREATE TABLE inspection_entities (
    id {id},
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    industry TEXT NOT NULL,
    credit_class TEXT NOT NULL CHECK (credit_class IN ('A', 'B', 'C', 'D')),
    updated_at BIGINT NOT NULL
);
CREATE INDEX inspection_entities_region ON inspection_entities (region_id, uscc);
CREATE TABLE officer_conflicts (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users(id),
    entity_uscc TEXT NOT NULL,
    relation TEXT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX officer_conflicts_pair ON officer_conflicts (user_id, entity_uscc);
CREATE TABLE random_draws (
    id {id},
    title TEXT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    items TEXT NOT NULL,
    town_id BIGINT REFERENCES regions(id),
    industry TEXT,
    rates TEXT NOT NULL,
    departments TEXT NOT NULL,
    seed TEXT NOT NULL,
    inspect_from TEXT NOT NULL,
    inspect_until TEXT NOT NULL,
    publication_days BIGINT NOT NULL,
    results_due TEXT NOT NULL,
    pool TEXT NOT NULL,
    pool_sm3 TEXT NOT NULL,
    roster TEXT NOT NULL,
    left_alone BIGINT NOT NULL,
    results_published_on TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX random_draws_until ON random_draws (inspect_until, id);
CREATE TABLE random_draw_tasks (
    id {id},
    draw_id BIGINT NOT NULL REFERENCES random_draws(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    entity_uscc TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    credit_class TEXT NOT NULL,
    officers TEXT NOT NULL,
    inspection_id BIGINT REFERENCES inspections(id)
);
CREATE UNIQUE INDEX random_draw_tasks_ordinal ON random_draw_tasks (draw_id, ordinal);
CREATE INDEX random_draw_tasks_entity ON random_draw_tasks (entity_uscc);
