-- What the investigation (调查取证) established: the facts as the documents state them, and the
-- evidence, one item per line. Documents fill 经查… from these.
ALTER TABLE cases ADD COLUMN facts_found TEXT;
ALTER TABLE cases ADD COLUMN evidence TEXT;
