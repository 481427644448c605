ALTER TABLE long_jobs ADD COLUMN content BLOB;
