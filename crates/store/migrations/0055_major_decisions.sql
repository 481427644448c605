-- Major administrative decisions (重大行政决策, 国务院令第713号): a workflow record through the
-- procedures of chapters 2–3 (public participation, expert review, risk assessment, legality
-- review, collective decision), publication, archive and post-evaluation.
CREATE TABLE major_decisions (
    id {id},
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('drafting', 'decided', 'rejected', 'published', 'archived', 'withdrawn')),
    -- Each procedure of chapter 2 is required unless the unit said why not when registering.
    participation_exempt TEXT,
    expert_exempt TEXT,
    risk_exempt TEXT,
    expert_on TEXT,
    expert_note TEXT,
    risk_on TEXT,
    risk_level TEXT CHECK (risk_level IN ('low', 'medium', 'high')),
    risk_note TEXT,
    review_id BIGINT REFERENCES legality_reviews(id),
    decided_on TEXT,
    meeting TEXT,
    published_on TEXT,
    archived_on TEXT,
    close_note TEXT,
    evaluation_started_on TEXT,
    evaluation_reason TEXT,
    evaluated_on TEXT,
    evaluation_report TEXT,
    evaluation_follow_up TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A decision's public consultation (公开征求意见, art. 15): the draft, the period, and why it
-- is shorter than 30 days when it is.
CREATE TABLE decision_consultations (
    decision_id BIGINT PRIMARY KEY REFERENCES major_decisions(id),
    draft TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    short_reason TEXT,
    closed_on TEXT
);

-- A public comment, anchored to an article (0: the draft as a whole). `shown` is the text with
-- personal data redacted, the only form shown anywhere; `body` is what was sent. Every comment
-- gets a disposition with a reason before the consultation can close.
CREATE TABLE decision_comments (
    id {id},
    decision_id BIGINT NOT NULL REFERENCES major_decisions(id),
    article BIGINT NOT NULL,
    body TEXT NOT NULL,
    shown TEXT NOT NULL,
    redactions TEXT NOT NULL,
    author TEXT,
    device TEXT NOT NULL,
    origin TEXT NOT NULL,
    disposition TEXT CHECK (disposition IN ('adopted', 'partly_adopted', 'not_adopted')),
    reason TEXT,
    disposed_by TEXT,
    disposed_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX decision_comments_decision ON decision_comments (decision_id, id);
CREATE INDEX decision_comments_origin ON decision_comments (origin, created_at);

-- A unit's annual catalog (目录): of major decisions (art. 3) or of the matters needing legality
-- review (a town's 合法性审查事项目录). The supervisor names the units required to issue one;
-- the unit records its issue, publication and filing.
CREATE TABLE unit_catalogs (
    id {id},
    kind TEXT NOT NULL CHECK (kind IN ('major_decision', 'legality_review')),
    year BIGINT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    issued_on TEXT,
    published_on TEXT,
    filed_on TEXT,
    items TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX unit_catalogs_unit ON unit_catalogs (kind, year, department_id);
