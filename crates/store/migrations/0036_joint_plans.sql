-- 综合查一次: the departments' pending inspection tasks (entity, items, the window of dates it may
-- happen in, officers needed), and the joint-visit plans made from them — the capacity each
-- department gave, whether the joint-inspection scenarios limited who may share a visit, the
-- figures, and when the plan was published to the departments. A planned task carries its
-- plan and date.
CREATE TABLE inspection_tasks (
    id {id},
    entity_uscc TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    items TEXT NOT NULL,
    window_from TEXT NOT NULL,
    window_to TEXT NOT NULL,
    officers BIGINT NOT NULL,
    plan_id BIGINT,
    planned_on TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX inspection_tasks_pending ON inspection_tasks (plan_id, window_from);
CREATE TABLE joint_plans (
    id {id},
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    capacity TEXT NOT NULL,
    with_scenarios BIGINT NOT NULL,
    tasks BIGINT NOT NULL,
    visits BIGINT NOT NULL,
    lower_bound BIGINT NOT NULL,
    visits_saved BIGINT NOT NULL,
    unmerged TEXT NOT NULL,
    published_on TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
