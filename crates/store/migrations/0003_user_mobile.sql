-- A user's mobile number, for notices: sealed with SM4 (the key is not in the database), a
-- keyed blind index for exact look-up, and the display mask (138****5678).
ALTER TABLE users ADD COLUMN mobile_sealed TEXT;
ALTER TABLE users ADD COLUMN mobile_index TEXT;
ALTER TABLE users ADD COLUMN mobile_masked TEXT;
CREATE INDEX users_mobile_index ON users (mobile_index);
