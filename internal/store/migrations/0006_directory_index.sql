-- Search reads an index each psu builds in memory from these tables
-- (internal/directory/index.go), so the projections that only the SQL
-- ranking read go: the vocabulary for typo correction, the copies of
-- service columns beside each term and the indexes that ranked by them.
-- dir_stats now holds one row, 'generation', which every change to what
-- search reads rewrites, so that each index knows when to rebuild.
DROP TABLE dir_vocab_deletes;
DROP TABLE dir_vocab;
DELETE FROM dir_stats;
DROP INDEX dir_service_terms_rank;
DROP INDEX dir_service_terms_rank_24h;
ALTER TABLE dir_service_terms DROP COLUMN sort_name;
ALTER TABLE dir_service_terms DROP COLUMN open_24h;
ALTER TABLE dir_service_terms DROP COLUMN usable;
