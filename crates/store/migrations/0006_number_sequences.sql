-- Sequences of case and document numbers, per prefix (issuer abbreviation + document kind,
-- 诸市监罚) and year: 诸市监罚〔2024〕1号, 2号 …
CREATE TABLE number_sequences (
    prefix TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);
