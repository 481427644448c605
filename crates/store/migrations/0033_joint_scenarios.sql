-- Joint-inspection scenarios (综合查一次清单): published reference data, like the catalog — the
-- kinds of entity a scenario applies to, the items (codes, 、-separated) and the departments
-- that inspect together.
CREATE TABLE joint_scenarios (
    id {id},
    name TEXT NOT NULL UNIQUE,
    entity_kinds TEXT NOT NULL,
    items TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE joint_scenario_departments (
    scenario_id BIGINT NOT NULL REFERENCES joint_scenarios(id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    PRIMARY KEY (scenario_id, department_id)
);
