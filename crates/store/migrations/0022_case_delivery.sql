-- How and where the decision was delivered (送达方式、送达地点), and why no penalty was given
-- (不予行政处罚的理由): the delivery receipt and the no-penalty decision state them.
ALTER TABLE cases ADD COLUMN delivery_method TEXT;
ALTER TABLE cases ADD COLUMN delivery_place TEXT;
ALTER TABLE cases ADD COLUMN no_penalty_reason TEXT;
