-- A transferred case of a suspected economic crime: public security reviews it within 10 days
-- (《公安机关办理经济犯罪案件的若干规定》第十六条), not the general 3 (移送规定第八条).
ALTER TABLE criminal_transfers ADD COLUMN economic BIGINT NOT NULL DEFAULT 0;
