-- The support directory. Each HSDS record is kept whole as JSON (doc), as
-- imported, so that export and the API give back exactly what came in; the
-- columns and tables beside it are projections that searching, filtering
-- and ordering need. position keeps the file's order for export.

CREATE TABLE dir_taxonomies (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	position INTEGER NOT NULL,
	doc TEXT NOT NULL
);

CREATE TABLE dir_terms (
	id TEXT PRIMARY KEY,
	taxonomy_id TEXT NOT NULL REFERENCES dir_taxonomies (id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	parent_id TEXT,
	position INTEGER NOT NULL,
	doc TEXT NOT NULL
);
CREATE UNIQUE INDEX dir_terms_code ON dir_terms (code);
CREATE INDEX dir_terms_taxonomy ON dir_terms (taxonomy_id, position);
CREATE INDEX dir_terms_parent ON dir_terms (parent_id);

CREATE TABLE dir_organizations (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sort_name TEXT NOT NULL,
	search_text TEXT NOT NULL,
	position INTEGER NOT NULL,
	doc TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	last_modified TIMESTAMP NOT NULL
);
CREATE INDEX dir_organizations_sort ON dir_organizations (sort_name, id);

-- rid is the rowid, which the link tables and the full-text index point
-- at. The row holds only what ranking and filtering read, so that the
-- thousands of rows a common need touches stay in a compact B-tree; the
-- record and its search text live in dir_service_docs.
CREATE TABLE dir_services (
	rid INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	organization_id TEXT NOT NULL REFERENCES dir_organizations (id),
	name TEXT NOT NULL,
	-- The name folded to lower case without accents or punctuation: for
	-- ordering, and for matching words at the start of a name's words.
	sort_name TEXT NOT NULL,
	status TEXT NOT NULL,
	open_24h BOOLEAN NOT NULL,
	position INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	last_modified TIMESTAMP NOT NULL
);
CREATE INDEX dir_services_org ON dir_services (organization_id, position);
CREATE INDEX dir_services_sort ON dir_services (sort_name, id);
CREATE INDEX dir_services_modified ON dir_services (last_modified);

-- The HSDS record and the search text: names (weighted most), then tags
-- and organisation, then the body, all folded (lower case, no accents or
-- apostrophes).
CREATE TABLE dir_service_docs (
	service_rid INTEGER PRIMARY KEY REFERENCES dir_services (rid) ON DELETE CASCADE,
	doc TEXT NOT NULL,
	search_name TEXT NOT NULL,
	search_tags TEXT NOT NULL,
	search_body TEXT NOT NULL
);

CREATE VIRTUAL TABLE dir_services_fts USING fts5 (
	search_name, search_tags, search_body,
	content = 'dir_service_docs', content_rowid = 'service_rid',
	tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER dir_services_fts_insert AFTER INSERT ON dir_service_docs BEGIN
	INSERT INTO dir_services_fts (rowid, search_name, search_tags, search_body)
	VALUES (new.service_rid, new.search_name, new.search_tags, new.search_body);
END;
CREATE TRIGGER dir_services_fts_delete AFTER DELETE ON dir_service_docs BEGIN
	INSERT INTO dir_services_fts (dir_services_fts, rowid, search_name, search_tags, search_body)
	VALUES ('delete', old.service_rid, old.search_name, old.search_tags, old.search_body);
END;
CREATE TRIGGER dir_services_fts_update AFTER UPDATE OF search_name, search_tags, search_body ON dir_service_docs BEGIN
	INSERT INTO dir_services_fts (dir_services_fts, rowid, search_name, search_tags, search_body)
	VALUES ('delete', old.service_rid, old.search_name, old.search_tags, old.search_body);
	INSERT INTO dir_services_fts (rowid, search_name, search_tags, search_body)
	VALUES (new.service_rid, new.search_name, new.search_tags, new.search_body);
END;

-- Every taxonomy term attached to a service, for filters and need matches.
-- position is the term's place among the service's terms of the same
-- taxonomy: the directory lists a service's main need first. The service's
-- sort_name, open_24h and usable (active or temporarily closed) are copied
-- here so that ranking the thousands of services a common need matches
-- reads this table alone.
CREATE TABLE dir_service_terms (
	term_id TEXT NOT NULL,
	service_rid INTEGER NOT NULL REFERENCES dir_services (rid) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	sort_name TEXT NOT NULL,
	open_24h BOOLEAN NOT NULL,
	usable BOOLEAN NOT NULL,
	PRIMARY KEY (term_id, service_rid)
) WITHOUT ROWID;
CREATE INDEX dir_service_terms_service ON dir_service_terms (service_rid, term_id);
-- The services with one need in ranking order, so that a page of them is
-- read from the front of an index rather than sorted from all of them.
CREATE INDEX dir_service_terms_rank ON dir_service_terms (term_id, usable, position, sort_name);
CREATE INDEX dir_service_terms_rank_24h ON dir_service_terms (term_id, usable, open_24h DESC, position, sort_name);

-- Weekly opening hours in UK local time, one row per day and span, for
-- "open now". closes_min 1440 is the end of the day (HSDS 23:59).
CREATE TABLE dir_service_hours (
	service_rid INTEGER NOT NULL REFERENCES dir_services (rid) ON DELETE CASCADE,
	day INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),
	opens_min INTEGER NOT NULL,
	closes_min INTEGER NOT NULL,
	valid_from TEXT NOT NULL DEFAULT '',
	valid_to TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dir_service_hours_service ON dir_service_hours (service_rid, day);

-- Reports, frameworks and guidance: read, not used, so kept apart.
CREATE TABLE dir_resources (
	id TEXT PRIMARY KEY,
	organization_id TEXT,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	position INTEGER NOT NULL,
	doc TEXT NOT NULL
);

-- What trainees type, mapped to needs term codes; the unit edits this.
CREATE TABLE dir_synonym_needs (
	code TEXT PRIMARY KEY,
	priority_24h BOOLEAN NOT NULL,
	position INTEGER NOT NULL
);
-- norm is the phrase as searches are matched: folded, without apostrophes
-- or punctuation ("can't cope" and "cant cope" are both "cant cope").
CREATE TABLE dir_synonyms (
	phrase TEXT PRIMARY KEY,
	norm TEXT NOT NULL,
	code TEXT NOT NULL REFERENCES dir_synonym_needs (code) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX dir_synonyms_norm ON dir_synonyms (norm);

-- The directory's own words (and the synonyms'), with every spelling one
-- or two letters shorter, to correct a misspelt search word cheaply. n is
-- how many services use the word (0 for words only the synonyms have).
CREATE TABLE dir_vocab (
	word TEXT PRIMARY KEY,
	n INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE dir_vocab_deletes (
	del TEXT NOT NULL,
	word TEXT NOT NULL,
	PRIMARY KEY (del, word)
) WITHOUT ROWID;

-- Figures search needs on every query, kept when the vocabulary is
-- rebuilt: 'services' is how many services there are.
CREATE TABLE dir_stats (
	name TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);

-- Every import, the embedded seed included. An empty table means the
-- directory has never been loaded, and the seed is loaded on start.
CREATE TABLE dir_imports (
	id TEXT PRIMARY KEY,
	at TIMESTAMP NOT NULL,
	source TEXT NOT NULL,
	added INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	removed INTEGER NOT NULL,
	unchanged INTEGER NOT NULL
);

-- "Report a problem with this listing": the review queue. details is
-- sealed, since a visitor may write anything there.
CREATE TABLE dir_reports (
	id TEXT PRIMARY KEY,
	service_id TEXT NOT NULL,
	service_name TEXT NOT NULL,
	problem TEXT NOT NULL CHECK (problem IN ('phone-wrong', 'closed', 'other')),
	details BYTEA,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
	created_at TIMESTAMP NOT NULL,
	closed_at TIMESTAMP,
	closed_by TEXT
);
CREATE INDEX dir_reports_status ON dir_reports (status, created_at);
