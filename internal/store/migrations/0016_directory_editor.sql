-- The directory as a maintained product: every listing an editor can see,
-- each published change of it as a version, drafts waiting to be published,
-- and what the public's problem reports need to be worked.

-- One row per service, organisation or resource (reading) that has ever
-- been published. The live tables (dir_services, dir_organizations,
-- dir_resources) hold only what is shown; a hidden or deleted record lives
-- on here and in its versions. version is the one published now; edited
-- says it was changed in the editor since the last import, which an import
-- must not overwrite without being told to.
CREATE TABLE dir_entries (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('service', 'organization', 'resource')),
	name TEXT NOT NULL,
	-- The name folded (lower case, no accents or punctuation), for finding
	-- and ordering.
	sort_name TEXT NOT NULL,
	organization_id TEXT,
	state TEXT NOT NULL CHECK (state IN ('shown', 'hidden', 'deleted')),
	version INTEGER NOT NULL,
	-- When the details were last checked (HSDS assured_date, YYYY-MM-DD), ''
	-- when never: the editor's "due for review" list reads it.
	checked_on TEXT NOT NULL DEFAULT '',
	edited BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dir_entries_kind ON dir_entries (kind, state, sort_name);
CREATE INDEX dir_entries_checked ON dir_entries (kind, state, checked_on);
CREATE INDEX dir_entries_edited ON dir_entries (edited);

-- Every published state of every entry, the first included: the record
-- whole as JSON (as the live table holds it), whether it was shown, what
-- made it (import, publish, restore, checked) and who. Never changed.
CREATE TABLE dir_versions (
	entry_id TEXT NOT NULL REFERENCES dir_entries (id),
	version INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('shown', 'hidden', 'deleted')),
	doc TEXT NOT NULL,
	action TEXT NOT NULL,
	-- A short note for people: the file an import read, the version a
	-- restore brought back.
	note TEXT NOT NULL DEFAULT '',
	actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
	at TIMESTAMP NOT NULL,
	PRIMARY KEY (entry_id, version)
);

-- Edits not yet published: at most one draft per entry. A new entry has a
-- draft and no dir_entries row until it is first published. base_version
-- is the published version the draft started from (0 for a new entry);
-- revision counts saves, so that two editors cannot overwrite each other's
-- draft unawares.
CREATE TABLE dir_drafts (
	entry_id TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('service', 'organization', 'resource')),
	name TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('shown', 'hidden', 'deleted')),
	doc TEXT NOT NULL,
	base_version INTEGER NOT NULL,
	revision INTEGER NOT NULL,
	-- What the draft is for, when it is not an ordinary edit: 'restore' of
	-- version restores, or 'delete'.
	purpose TEXT NOT NULL DEFAULT 'edit' CHECK (purpose IN ('edit', 'restore', 'delete')),
	restores INTEGER NOT NULL DEFAULT 0,
	-- Whoever saved it last may not publish it when the unit asks for a
	-- second pair of eyes.
	created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dir_drafts_updated ON dir_drafts (updated_at);

-- Problem reports: what the editor did (or why not), and, only when the
-- reporter asked to hear back, their e-mail address, sealed and erased once
-- they have been told.
ALTER TABLE dir_reports ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE dir_reports ADD COLUMN contact BYTEA;
CREATE INDEX dir_reports_service ON dir_reports (service_id, status);

-- A directory loaded before versions began starts at version 1 of each
-- record, as it is now (the services, whose checked date sits inside the
-- record, in the engine files).
INSERT INTO dir_entries (id, kind, name, sort_name, organization_id, state, version, checked_on, edited, updated_at)
	SELECT id, 'organization', name, sort_name, NULL, 'shown', 1, '', FALSE, last_modified FROM dir_organizations;
INSERT INTO dir_versions (entry_id, version, state, doc, action, note, actor_id, at)
	SELECT id, 1, 'shown', doc, 'baseline', '', NULL, last_modified FROM dir_organizations;
INSERT INTO dir_entries (id, kind, name, sort_name, organization_id, state, version, checked_on, edited, updated_at)
	SELECT id, 'resource', name, LOWER(name), organization_id, 'shown', 1, '', FALSE, (SELECT MAX(at) FROM dir_imports) FROM dir_resources;
INSERT INTO dir_versions (entry_id, version, state, doc, action, note, actor_id, at)
	SELECT id, 1, 'shown', doc, 'baseline', '', NULL, (SELECT MAX(at) FROM dir_imports) FROM dir_resources;
