-- The one window (一站式纠纷综合受理): every dispute taken in at the window, online or from the
-- 12345 hotline, routed by the rules (kept in settings, key 'dispute_routing') to a handler,
-- mediated up to three levels (village → town → city), and closed with its outcome. A workflow
-- record (stage, version); each level's limit is a deadline of subject 'dispute'.
CREATE TABLE disputes (
    id {id},
    channel TEXT NOT NULL CHECK (channel IN ('window', 'portal', 'hotline')),
    hotline_ref TEXT,
    kind TEXT NOT NULL,
    town_id BIGINT NOT NULL REFERENCES departments(id),
    village TEXT NOT NULL,
    description TEXT NOT NULL,
    amount BIGINT,
    party_count BIGINT NOT NULL,
    -- The blind index of the applicant's verified resident ID (online), to list their own.
    applicant_index TEXT,
    received_on TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('simple', 'complex')),
    handler TEXT NOT NULL CHECK (handler IN ('village', 'town', 'city', 'department', 'court',
        'reconsideration', 'arbitration')),
    handler_name TEXT NOT NULL,
    level_since TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('open', 'agreed', 'referred', 'withdrawn')),
    escalations BIGINT NOT NULL DEFAULT 0,
    closed_on TEXT,
    agreement TEXT,
    oral_agreement BIGINT,
    confirm_applied_on TEXT,
    confirmed_on TEXT,
    confirm_court_ref TEXT,
    referred_to TEXT,
    close_note TEXT,
    followed_up_on TEXT,
    satisfaction TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    follow_up_note TEXT,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    created_by BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX disputes_hotline_ref ON disputes (hotline_ref);
CREATE INDEX disputes_received ON disputes (received_on);
CREATE INDEX disputes_applicant ON disputes (applicant_index);

-- The parties; a phone number is sealed (vault), shown masked.
CREATE TABLE dispute_parties (
    id {id},
    dispute_id BIGINT NOT NULL REFERENCES disputes(id),
    side TEXT NOT NULL CHECK (side IN ('applicant', 'respondent')),
    name TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT
);
CREATE INDEX dispute_parties_dispute ON dispute_parties (dispute_id);

-- Every routing of a dispute, the first by the rules and each later one with its cause and
-- reason: an escalation, a change of kind, an override (FixMyStreet's lesson: re-routing is
-- recorded, never overwritten).
CREATE TABLE dispute_routings (
    id {id},
    dispute_id BIGINT NOT NULL REFERENCES disputes(id),
    routed_on TEXT NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('rules', 'override', 'kind_changed', 'escalation')),
    handler TEXT NOT NULL,
    handler_name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    track TEXT NOT NULL,
    rule_no BIGINT,
    explanation TEXT NOT NULL,
    reason TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_routings_dispute ON dispute_routings (dispute_id);

-- The window's supervisors route and see every dispute; town clerks mediate their town's
-- (fresh databases get it from the built-in roles; this gives it to roles made before).
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'dispute.handle' FROM roles WHERE code IN ('supervisor', 'town_clerk');
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'dispute.manage' FROM roles WHERE code = 'supervisor';
