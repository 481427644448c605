-- Every record that moves through stages carries a version, moved on by `Tx::bump_version` in the
-- transaction of each change (the workflow primitive): disclosures (review → published →
-- withdrawn), random draws (results published) and joint plans (published) join cases,
-- notices, self-inspections and transfers.
ALTER TABLE disclosures ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE disclosures ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE random_draws ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE random_draws ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE joint_plans ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE joint_plans ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
