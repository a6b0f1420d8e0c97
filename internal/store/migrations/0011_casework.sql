-- Case work (issue 9), shaped for what follows it: appointments, plans and
-- summaries (issue 10), the trainee's portal and consent ledger (issue 11)
-- and reports (issue 12) add their own tables that point at cases (id).
--
-- A case is the unit's work with one trainee. It opens when a referrer's
-- notice or an application arrives, whichever comes first; later ones with
-- the same trainee address join it. Everything a person wrote about the
-- trainee is sealed under the case's own data key (key_sealed, itself
-- sealed under the master key), so erasing a case can destroy that key and
-- with it every sealed value, wherever a copy lies.

-- Unit settings an administrator edits (typed and validated in Go).
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	updated_by TEXT REFERENCES users (id) ON DELETE SET NULL
);

-- England and Wales bank holidays, shipped with psu and replaceable by an
-- administrator from GOV.UK's published file.
CREATE TABLE bank_holidays (
	day TEXT PRIMARY KEY, -- 2006-01-02, a London date
	title TEXT NOT NULL
);

CREATE TABLE cases (
	id TEXT PRIMARY KEY,
	reference TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('notified', 'new', 'contacted', 'booked', 'seen', 'summary_sent',
		'follow_up', 'closed', 'withdrawn', 'not_eligible', 'merged')),
	status_at TIMESTAMP NOT NULL,
	opened_at TIMESTAMP NOT NULL,
	-- The first-response clock: it starts when the application arrives and
	-- stops when the trainee is first contacted. response_due moves when the
	-- clock is paused and resumed, or the unit changes how days count.
	submitted_at TIMESTAMP,
	response_due TIMESTAMP,
	responded_at TIMESTAMP,
	clock_paused_at TIMESTAMP,
	clock_paused_days INTEGER NOT NULL DEFAULT 0,
	assigned_to TEXT REFERENCES users (id),
	assigned_at TIMESTAMP,
	restricted BOOLEAN NOT NULL DEFAULT FALSE,
	merged_into TEXT REFERENCES cases (id),
	outcome TEXT NOT NULL DEFAULT '',
	closed_at TIMESTAMP,
	-- Categories from the eligibility answers, for the queue and reports.
	profession TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	programme TEXT NOT NULL DEFAULT '',
	consent_case_email BOOLEAN NOT NULL DEFAULT FALSE,
	consent_follow_up BOOLEAN NOT NULL DEFAULT FALSE,
	email_blind TEXT NOT NULL,
	key_sealed BYTEA NOT NULL,
	-- The trainee's name as staff see it in the queue, and the address psu
	-- writes to, sealed under the case key.
	name_sealed BYTEA,
	email_sealed BYTEA,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cases_reference ON cases (reference);
CREATE INDEX cases_opened ON cases (opened_at, id);
CREATE INDEX cases_status_opened ON cases (status, opened_at, id);
CREATE INDEX cases_assigned_opened ON cases (assigned_to, opened_at, id);
CREATE INDEX cases_profession_opened ON cases (profession, opened_at, id);
CREATE INDEX cases_region_opened ON cases (region, opened_at, id);
CREATE INDEX cases_due ON cases (response_due) WHERE responded_at IS NULL;
CREATE INDEX cases_email ON cases (email_blind);

-- What the trainee wants help with (exams, relationships at work, health,
-- dyslexia, career …), one row each, for filtering and reports.
CREATE TABLE case_topics (
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	topic TEXT NOT NULL,
	opened_at TIMESTAMP NOT NULL,
	PRIMARY KEY (case_id, topic)
);
CREATE INDEX case_topics_topic ON case_topics (topic, opened_at, case_id);

-- Keyed hashes of the trainee's e-mail address, full name and each word of
-- it, so staff can find a case without any row being decrypted.
CREATE TABLE case_search (
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	blind TEXT NOT NULL,
	PRIMARY KEY (blind, case_id)
);
CREATE INDEX case_search_case ON case_search (case_id);

-- The timeline: everything that happened to a case, in order. detail is
-- plain and never sensitive ("by phone", a status); sealed holds anything
-- a person typed (a reason), under the case key.
CREATE TABLE case_events (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	at TIMESTAMP NOT NULL,
	actor_id TEXT REFERENCES users (id),
	kind TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	sealed BYTEA
);
CREATE INDEX case_events_case ON case_events (case_id, at);

-- Staff notes (kind 'case'), and later session notes of a one-to-one
-- (kind 'session', saved as the adviser types). Never shown to the trainee.
CREATE TABLE case_notes (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('case', 'session')),
	author_id TEXT REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	body BYTEA NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

-- A member of staff who knows the trainee declares it; they cannot open the
-- case whatever their role.
CREATE TABLE case_conflicts (
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users (id),
	declared_at TIMESTAMP NOT NULL,
	PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_conflicts_user ON case_conflicts (user_id);

-- Openings of a restricted case by someone it is not assigned to, each with
-- the typed reason (sealed). An opening lets that person in for a while.
CREATE TABLE case_break_glass (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	user_id TEXT NOT NULL REFERENCES users (id),
	at TIMESTAMP NOT NULL,
	until_at TIMESTAMP NOT NULL,
	reason BYTEA NOT NULL
);
CREATE INDEX case_break_glass_case ON case_break_glass (case_id, at);
CREATE INDEX case_break_glass_user ON case_break_glass (user_id, case_id, until_at);

-- Triage leads' hourly "new in the queue" e-mail: on unless turned off;
-- last_sent_at keeps it to once an hour across every instance.
CREATE TABLE case_alerts (
	user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	last_sent_at TIMESTAMP
);

ALTER TABLE applications ADD COLUMN case_id TEXT REFERENCES cases (id);
CREATE INDEX applications_case ON applications (case_id);
ALTER TABLE referrals ADD COLUMN case_id TEXT REFERENCES cases (id);
CREATE INDEX referrals_case ON referrals (case_id);
-- Arrivals by time: the leads' alerts, and later the reports.
CREATE INDEX applications_submitted ON applications (submitted_at);
CREATE INDEX referrals_created ON referrals (created_at);
