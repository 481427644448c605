-- Discretion benchmarks (裁量基准): per catalog item, versions by effective date; each version's
-- entries are its grades by severity and its places on the three lists.
CREATE TABLE discretion_benchmarks (
    id {id},
    item_code TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    basis TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX discretion_benchmarks_version ON discretion_benchmarks (item_code, effective_from);

CREATE TABLE discretion_entries (
    benchmark_id BIGINT NOT NULL REFERENCES discretion_benchmarks(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('grade', 'minor_violation_pledge', 'first_offence_warning', 'mitigated')),
    severity TEXT CHECK (severity IN ('minor', 'ordinary', 'serious', 'grave')),
    circumstances TEXT NOT NULL,
    warning BIGINT NOT NULL DEFAULT 0,
    fine_kind TEXT NOT NULL CHECK (fine_kind IN ('none', 'fixed', 'times_gains')),
    fine_min BIGINT NOT NULL DEFAULT 0,
    fine_max BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (benchmark_id, ordinal)
);
