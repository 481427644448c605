-- What the decision and the delivery receipt name besides the party's identifier: the
-- address (住所/住址) and a telephone (both personal data for a person, so sealed and shown
-- masked), and an organisation's legal representative (法定代表人), which is public.
ALTER TABLE case_parties ADD COLUMN address_sealed TEXT;
ALTER TABLE case_parties ADD COLUMN phone_sealed TEXT;
ALTER TABLE case_parties ADD COLUMN phone_masked TEXT;
ALTER TABLE case_parties ADD COLUMN legal_representative TEXT;
