-- Hardening (issue 14).
-- An API token acts for a holder and carries at most the holder's permissions and scope.
ALTER TABLE api_tokens ADD COLUMN holder_user_id BIGINT REFERENCES users(id);
-- The last passwords of each user (argon2 hashes), so an old one is not used again.
CREATE TABLE password_history (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
-- Failed sign-ins per account and address, per address and per account: a delay that grows
-- with each failure, and for an account and address the lockout after the configured count.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One rating per inspection and device (the anonymous session's key, hashed), and the attempts
-- the public page refused, for the supervisor's desk.
ALTER TABLE act_feedback ADD COLUMN device TEXT;
CREATE UNIQUE INDEX act_feedback_device ON act_feedback (act_id, device) WHERE stars IS NOT NULL;
CREATE TABLE act_feedback_refusals (
    id {id},
    act_id BIGINT REFERENCES act_codes(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX act_feedback_refusals_act ON act_feedback_refusals (act_id);
-- Where feedback came from (the address, HMAC'd: enough to count, not to identify).
ALTER TABLE act_feedback ADD COLUMN origin TEXT;
CREATE INDEX act_feedback_origin ON act_feedback (origin, created_at);
