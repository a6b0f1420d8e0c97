-- The consent ledger (issue 11): every consent a trainee gives, with the
-- wording they saw, kept when withdrawn. consent.Check reads it before
-- anything about a trainee leaves psu.

-- Each wording a trainee may have been shown, by version. A wording is
-- never changed: new words are a new version.
CREATE TABLE consent_wordings (
	version TEXT PRIMARY KEY,
	purpose TEXT NOT NULL,
	text TEXT NOT NULL
);
INSERT INTO consent_wordings (version, purpose, text) VALUES
	('application-case-email-1', 'case_email',
	 'May we e-mail you about your case? For example, to arrange your appointment and send you your written summary. If you say no, we will phone you instead.'),
	('application-follow-up-1', 'follow_up',
	 'May we e-mail you later to ask how you are getting on, and for feedback on our service?');

CREATE TABLE consents (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id),
	purpose TEXT NOT NULL CHECK (purpose IN ('case_email', 'follow_up', 'share_summary', 'tell_referrer')),
	-- For a share: a keyed hash of the recipient's address (to match), and
	-- their name, role and address sealed under the case key.
	recipient_blind TEXT NOT NULL DEFAULT '',
	recipient_sealed BYTEA,
	-- The document and version a share covers ('' and 0: not a share).
	scope_document TEXT NOT NULL DEFAULT '',
	scope_version INTEGER NOT NULL DEFAULT 0,
	wording_version TEXT NOT NULL REFERENCES consent_wordings (version),
	channel TEXT NOT NULL CHECK (channel IN ('application', 'portal')),
	given_at TIMESTAMP NOT NULL,
	withdrawn_at TIMESTAMP
);
CREATE INDEX consents_case ON consents (case_id, purpose);

-- The consents trainees gave on their application so far, as the ledger's
-- first entries (the wording of the form they answered, given when they
-- submitted it).
INSERT INTO consents (id, case_id, purpose, wording_version, channel, given_at)
	SELECT 'application-' || id || '-case_email', id, 'case_email', 'application-case-email-1', 'application', COALESCE(submitted_at, opened_at)
	FROM cases WHERE consent_case_email;
INSERT INTO consents (id, case_id, purpose, wording_version, channel, given_at)
	SELECT 'application-' || id || '-follow_up', id, 'follow_up', 'application-follow-up-1', 'application', COALESCE(submitted_at, opened_at)
	FROM cases WHERE consent_follow_up;

-- Trainees' portal accounts: one per verified application address (kept
-- as a keyed hash), signed in to the newest case of that address.
CREATE TABLE portal_accounts (
	id TEXT PRIMARY KEY,
	email_blind TEXT NOT NULL,
	case_id TEXT NOT NULL REFERENCES cases (id),
	password_hash TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	last_sign_in_at TIMESTAMP
);
CREATE UNIQUE INDEX portal_accounts_email ON portal_accounts (email_blind);

-- Single-use, expiring sign-in links; only a hash of the token is kept.
CREATE TABLE portal_links (
	token_hash TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES portal_accounts (id),
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at TIMESTAMP
);
CREATE INDEX portal_links_account ON portal_links (account_id);
