-- Self-referral applications (issue 4). A draft is saved on every page; the
-- documents uploaded with it, the one-time links that resume it, and the
-- application it becomes on submit live beside it. Everything a person typed
-- is sealed (AES-GCM, bound to its column and row); the clear columns hold
-- only what finding, queueing and reporting need.
CREATE TABLE application_drafts (
	id TEXT PRIMARY KEY,
	answers BYTEA NOT NULL,
	-- Keyed hash of the normalised e-mail address, to send a new link to
	-- whoever asks for one without storing the address readably.
	email_blind TEXT,
	email_verified_at TIMESTAMP,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX application_drafts_expiry ON application_drafts (expires_at);
CREATE INDEX application_drafts_email ON application_drafts (email_blind);

-- Links e-mailed to confirm the address and resume the draft. Only a SHA-256
-- of the token is kept; each works once.
CREATE TABLE application_links (
	token_hash TEXT PRIMARY KEY,
	draft_id TEXT NOT NULL REFERENCES application_drafts (id) ON DELETE CASCADE,
	email_blind TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at TIMESTAMP
);
CREATE INDEX application_links_draft ON application_links (draft_id);

-- Submitted applications, waiting for the adviser queue. draft_id is unique:
-- a second submit of the same draft (refresh, two tabs) cannot insert a
-- second row.
CREATE TABLE applications (
	id TEXT PRIMARY KEY,
	reference TEXT NOT NULL,
	draft_id TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'new',
	region TEXT NOT NULL,
	profession TEXT NOT NULL,
	programme TEXT NOT NULL,
	rule_id TEXT NOT NULL,
	rule_version INTEGER NOT NULL,
	policy_version TEXT NOT NULL,
	consent_case_email BOOLEAN NOT NULL,
	consent_follow_up BOOLEAN NOT NULL,
	email_blind TEXT NOT NULL,
	answers BYTEA NOT NULL,
	submitted_at TIMESTAMP NOT NULL,
	first_response_due TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX applications_reference ON applications (reference);
CREATE UNIQUE INDEX applications_draft ON applications (draft_id);
CREATE INDEX applications_queue ON applications (status, first_response_due);
CREATE INDEX applications_email ON applications (email_blind);

-- Uploaded documents: with a draft until submit, then with the application.
-- Name and kind are sealed (a file called "complaint.pdf" says a lot); the
-- content sits in its own table so moving a file to the application never
-- rewrites it.
CREATE TABLE application_files (
	id TEXT PRIMARY KEY,
	draft_id TEXT REFERENCES application_drafts (id) ON DELETE CASCADE,
	application_id TEXT REFERENCES applications (id) ON DELETE CASCADE,
	meta BYTEA NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	CHECK ((draft_id IS NULL) <> (application_id IS NULL))
);
CREATE INDEX application_files_draft ON application_files (draft_id);
CREATE INDEX application_files_application ON application_files (application_id);

CREATE TABLE application_file_contents (
	file_id TEXT PRIMARY KEY REFERENCES application_files (id) ON DELETE CASCADE,
	content BYTEA NOT NULL
);
