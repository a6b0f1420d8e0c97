-- Staff accounts. Trainees and referrers never have passwords here.
CREATE TABLE users (
	id TEXT PRIMARY KEY,
	email TEXT NOT NULL,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('adviser', 'triage_lead', 'administrator')),
	password_hash TEXT NOT NULL,
	totp_secret BYTEA,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	disabled_at TIMESTAMP,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

-- One-time links (first administrator, later invitations and resets).
-- Only a SHA-256 of the token is kept.
CREATE TABLE one_time_tokens (
	token_hash TEXT PRIMARY KEY,
	purpose TEXT NOT NULL,
	user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at TIMESTAMP
);

-- Server-side sessions, shared by every psu serve on the same database.
CREATE TABLE sessions (
	token TEXT PRIMARY KEY,
	data BYTEA NOT NULL,
	expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Fixed-window rate-limit counters, shared by every instance.
CREATE TABLE rate_limits (
	bucket TEXT NOT NULL,
	window_start TIMESTAMP NOT NULL,
	hits INTEGER NOT NULL,
	PRIMARY KEY (bucket, window_start)
);

-- Outgoing mail, written in the same transaction as the change it announces
-- and delivered by the worker after commit. Recipient and body are sealed
-- (AES-GCM) because who writes to the unit is itself confidential.
CREATE TABLE outbox (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	recipient BYTEA NOT NULL,
	subject TEXT NOT NULL,
	body BYTEA NOT NULL,
	created_at TIMESTAMP NOT NULL,
	next_attempt_at TIMESTAMP NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	claimed_until TIMESTAMP,
	last_error TEXT,
	sent_at TIMESTAMP,
	failed_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
