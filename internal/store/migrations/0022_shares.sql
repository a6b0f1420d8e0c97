-- Sharing a summary: the trainee names a person, consents (the ledger's
-- share_summary row holds who, which version and the words shown), and the
-- person gets a link that expires and a one-time code to the same address.

INSERT INTO consent_wordings (version, purpose, text) VALUES
	('portal-share-summary-1', 'share_summary',
	 'I have read this version of my written summary and action plan, and I agree that the Professional Support Unit may let the person I have named read it. They will get an e-mail with a link that works for the time I choose (7 days unless I choose longer), and a one-time code sent to the same address each time they open it. I can see each time they open it, and I can withdraw this consent at any time, which ends the link at once.');

-- One link per share consent; only a hash of the token is kept, and of
-- the current one-time code.
CREATE TABLE share_links (
	id TEXT PRIMARY KEY,
	consent_id TEXT NOT NULL REFERENCES consents (id),
	case_id TEXT NOT NULL REFERENCES cases (id),
	version INTEGER NOT NULL,
	token_hash TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	ended_at TIMESTAMP,
	code_hash TEXT NOT NULL DEFAULT '',
	code_expires_at TIMESTAMP,
	code_tries INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX share_links_token ON share_links (token_hash);
CREATE INDEX share_links_case ON share_links (case_id, created_at);
CREATE INDEX share_links_consent ON share_links (consent_id);

-- Every time the recipient opened the summary (the code accepted) or
-- downloaded it: shown to the trainee.
CREATE TABLE share_opens (
	id TEXT PRIMARY KEY,
	link_id TEXT NOT NULL REFERENCES share_links (id),
	at TIMESTAMP NOT NULL,
	what TEXT NOT NULL CHECK (what IN ('opened', 'downloaded'))
);
CREATE INDEX share_opens_link ON share_opens (link_id, at);
