-- A review of a major enforcement decision (法制审核, 行政处罚法 art. 58) names its case; the
-- case's legal-review step waits for it and is not dated before its opinion.
ALTER TABLE legality_reviews ADD COLUMN case_id BIGINT REFERENCES cases(id);
CREATE INDEX legality_reviews_case ON legality_reviews (case_id);
