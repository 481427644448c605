-- Penalty cases (行政处罚案件): the key dates of each stage as columns (for lists and figures),
-- the parties (identity and phone numbers sealed, see core::vault), and the timeline of who did
-- what when (流程记录). `source_system` + `source_id` identify cases imported from other systems;
-- cases handled in fazhi have source_system 'fazhi'.
CREATE TABLE cases (
    id {id},
    source_system TEXT NOT NULL,
    source_id TEXT NOT NULL,
    procedure TEXT NOT NULL CHECK (procedure IN ('general', 'summary')),
    stage TEXT NOT NULL,
    item_code TEXT NOT NULL,
    cause TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    decision_number TEXT,
    act_ended_on TEXT NOT NULL,
    discovered_on TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    grave BIGINT NOT NULL DEFAULT 0,
    decided_on TEXT,
    outcome TEXT,
    fine_fen BIGINT NOT NULL DEFAULT 0,
    illegal_gains_fen BIGINT NOT NULL DEFAULT 0,
    closed_on TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX cases_source ON cases (source_system, source_id);
CREATE INDEX cases_region ON cases (region_id, stage, id);
CREATE INDEX cases_item ON cases (item_code, id);
CREATE INDEX cases_department ON cases (department_id, id);

CREATE TABLE case_parties (
    id {id},
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    name TEXT NOT NULL,
    resident_id_sealed TEXT,
    resident_id_index TEXT,
    resident_id_masked TEXT,
    uscc TEXT
);
CREATE UNIQUE INDEX case_parties_ordinal ON case_parties (case_id, ordinal);
CREATE INDEX case_parties_resident_id ON case_parties (resident_id_index);
CREATE INDEX case_parties_uscc ON case_parties (uscc);

CREATE TABLE case_events (
    id {id},
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);
