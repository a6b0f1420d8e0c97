-- The front door: eligibility rules and decisions, referrers' notifications
-- and adviser biographies, on both engines. The trigger that keeps published
-- rules unchanged is in 0004_front_door.sqlite.sql / .postgres.sql.

-- Every published version of the eligibility rules. Versions never change
-- once written; the highest is the one in use. Version 1 is the built-in
-- default, inserted at start-up.
CREATE TABLE eligibility_rule_sets (
	version INTEGER PRIMARY KEY,
	document TEXT NOT NULL,
	published_at TIMESTAMP NOT NULL,
	published_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	source TEXT NOT NULL CHECK (source IN ('built-in', 'web', 'command-line'))
);

-- One row per eligibility decision, from the web checker or the API. The
-- answers are categories (region, profession, programme, band, training
-- number): nothing here identifies a person, and nothing links a row to a
-- session or an address.
CREATE TABLE eligibility_decisions (
	id TEXT PRIMARY KEY,
	decided_at TIMESTAMP NOT NULL,
	channel TEXT NOT NULL CHECK (channel IN ('web', 'api')),
	rule_version INTEGER NOT NULL REFERENCES eligibility_rule_sets (version),
	rule_id TEXT NOT NULL,
	eligible BOOLEAN NOT NULL,
	route TEXT NOT NULL,
	region TEXT NOT NULL,
	profession TEXT NOT NULL,
	programme TEXT NOT NULL,
	band INTEGER,
	training_number BOOLEAN
);
CREATE INDEX eligibility_decisions_decided_at ON eligibility_decisions (decided_at);
CREATE INDEX eligibility_decisions_rule ON eligibility_decisions (rule_version, rule_id);

-- Notifications from supervisors, programme directors and employers. Every
-- personal value is sealed (AES-GCM, bound to "referrals.<column>:<id>").
-- trainee_email_blind is a keyed hash of the trainee's normalised address:
-- when the trainee applies with that address, the application links here
-- (application_id) without the address being stored readably.
CREATE TABLE referrals (
	id TEXT PRIMARY KEY,
	created_at TIMESTAMP NOT NULL,
	referrer_name BYTEA NOT NULL,
	referrer_role BYTEA NOT NULL,
	referrer_organisation BYTEA NOT NULL,
	referrer_email BYTEA NOT NULL,
	trainee_name BYTEA NOT NULL,
	trainee_email BYTEA NOT NULL,
	trainee_email_blind TEXT NOT NULL,
	reason BYTEA NOT NULL,
	trainee_told BOOLEAN NOT NULL CHECK (trainee_told),
	application_id TEXT
);
CREATE INDEX referrals_trainee_email_blind ON referrals (trainee_email_blind);
CREATE INDEX referrals_application ON referrals (application_id) WHERE application_id IS NOT NULL;

-- Adviser biographies shown on /advisers, edited by administrators.
CREATE TABLE advisers (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	background TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
