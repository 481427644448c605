-- What a department's decisions tell the party besides the case: where to pay the fine, and to
-- whom to apply for reconsideration or bring suit (the court may be a designated one, not the
-- local court, so it is set, never guessed).
CREATE TABLE document_settings (
    department_id BIGINT PRIMARY KEY REFERENCES departments(id),
    payment_bank TEXT,
    payment_account TEXT,
    reconsideration_body TEXT,
    court TEXT,
    contact_phone TEXT,
    contact_address TEXT,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
