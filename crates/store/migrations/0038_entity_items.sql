-- The inspection items an entity of the register falls under (its licences' scope, comma-
-- separated codes; empty: every item), which a draw filtered by item keeps to; and how many
-- of a joint-visit plan's tasks were left out because their entity is on the leave-alone list.
ALTER TABLE inspection_entities ADD COLUMN items TEXT NOT NULL DEFAULT '';
ALTER TABLE joint_plans ADD COLUMN left_alone BIGINT NOT NULL DEFAULT 0;
-- A published joint-visit plan's tasks carry act codes too.
ALTER TABLE act_codes ADD COLUMN plan_task_id BIGINT REFERENCES inspection_tasks(id);
