-- A citizen's verified identity on the public portal, bound to the browser's anonymous visit
-- nonce: only blind indexes of the nonce, the identity (ID, name and mobile) and the one-time
-- code are kept, the mobile number sealed, the ID masked for the screen.
CREATE TABLE portal_identities (
    id {id},
    visit_index TEXT NOT NULL,
    identity_index TEXT NOT NULL,
    name TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    mobile_sealed TEXT NOT NULL,
    code_index TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    verified_at BIGINT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX portal_identities_visit ON portal_identities (visit_index);

-- Each code asked for, to limit them per ID, per browser, per mobile number and per address.
CREATE TABLE portal_identity_starts (
    id {id},
    id_index TEXT NOT NULL,
    visit_index TEXT NOT NULL,
    mobile_index TEXT NOT NULL,
    origin_index TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX portal_identity_starts_at ON portal_identity_starts (created_at);
