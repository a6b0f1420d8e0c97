-- Advisers write their own biographies from their account; an
-- administrator publishes them. Each account has at most one published
-- biography and at most one draft: saving writes the draft, publishing
-- turns the draft into the published one (replacing the old), so what the
-- public reads does not change until an administrator says so.
--
-- Biographies typed by administrators before this (the advisers table)
-- carry over as published entries with no account (user_id NULL): their
-- names were typed freely, and matching them to accounts by name could put
-- one person's words under another's name. An administrator removes them
-- once the advisers have written their own.
CREATE TABLE adviser_bios (
	id TEXT PRIMARY KEY,
	user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
	state TEXT NOT NULL CHECK (state IN ('draft', 'published')),
	-- The name shown for an entry with no account; an account's biography
	-- shows the account's name, so a change of name follows.
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	background TEXT NOT NULL,
	helps_with TEXT NOT NULL DEFAULT '',
	languages TEXT NOT NULL DEFAULT '',
	-- The ways the adviser meets trainees, comma-separated:
	-- in_person, phone, teams, zoom.
	meets TEXT NOT NULL DEFAULT '',
	-- A photo, re-encoded by internal/upload (no metadata). Public once
	-- published, so not sealed.
	photo BYTEA,
	photo_type TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	published_at TIMESTAMP,
	published_by TEXT REFERENCES users (id) ON DELETE SET NULL
);
-- At most one draft and one published biography per account (NULLs, the
-- carried-over entries, are distinct on both engines).
CREATE UNIQUE INDEX adviser_bios_user_state ON adviser_bios (user_id, state);
CREATE INDEX adviser_bios_state ON adviser_bios (state, updated_at);

INSERT INTO adviser_bios (id, user_id, state, name, role, background, helps_with, languages, meets, photo, photo_type, created_at, updated_at, published_at, published_by)
	SELECT id, NULL, 'published', name, role, background, '', '', '', NULL, '', created_at, updated_at, updated_at, NULL FROM advisers;
DROP TABLE advisers;
