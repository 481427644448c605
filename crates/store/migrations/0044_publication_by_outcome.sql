-- What a department publishes, by outcome, alongside its publication limit and from the same
-- effective date: whether a decision that imposes only a warning is published (《市场监督管理
-- 行政处罚信息公示规定》第二条: it is not). NULL on earlier rows: the default (not published).
ALTER TABLE publication_limits ADD COLUMN publish_warnings BIGINT;
