-- Every audit entry from here on takes the next place in one chain (seq) and
-- carries a SHA-256 hash over its content and the previous entry's hash, so
-- a change, removal or insertion made behind psu's back shows in
-- `psu audit verify` (internal/audit). Entries already here keep seq NULL:
-- the first chained entry links to a digest of them all, in (at, id) order.
-- The append-only triggers of 0002 stay.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- The case an entry concerns ('' for none), and where a member of staff
-- acted from ('' for visitors, whose addresses are not kept).
ALTER TABLE audit_log ADD COLUMN case_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT '';
-- One entry per place: two writers that both read the same last entry
-- cannot both commit, so the chain never forks.
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
