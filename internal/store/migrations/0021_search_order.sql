-- Finding a case by a name or an address reads the newest matches first
-- from the keyed hashes' own index, as the topic filter does, instead of
-- gathering every case that shares a common surname and sorting them.
ALTER TABLE case_search ADD COLUMN opened_at TIMESTAMP;
UPDATE case_search SET opened_at = (SELECT opened_at FROM cases WHERE cases.id = case_search.case_id);
CREATE INDEX case_search_blind_opened ON case_search (blind, opened_at, case_id);
