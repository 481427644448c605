-- The case file's contents (卷内文件): each document and record in the file as the handler
-- registers it — its kind, number, date, the party it names, the amount it states, how many
-- enforcement officers signed it and how many of them with their certificate number, whether
-- the party signed it (or the refusal is noted) and whether it bears the organ's seal. The
-- evaluation sheet compares them with the case record.
CREATE TABLE case_file_documents (
    id {id},
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    number TEXT,
    dated_on TEXT NOT NULL,
    party_name TEXT,
    amount_fen BIGINT,
    officers BIGINT NOT NULL DEFAULT 0,
    certified BIGINT NOT NULL DEFAULT 0,
    party_signed BIGINT NOT NULL DEFAULT 0,
    sealed BIGINT NOT NULL DEFAULT 0,
    pages BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX case_file_documents_case ON case_file_documents (case_id, id);
