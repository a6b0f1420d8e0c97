-- Throttling of failed sign-ins (internal/auth/throttle.go). Each row is a
-- leaky bucket: level is how many failures are still counted against key,
-- as of updated_at; they leak away at the bucket's own rate. key is a keyed
-- hash (seal.Blind) of what is counted (an account, an address, a device),
-- so nothing in this table is readable. alerted_at, on an account's row, is
-- when its owner was last told by e-mail of failed attempts.
CREATE TABLE auth_throttle (
	key TEXT PRIMARY KEY,
	level DOUBLE PRECISION NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	alerted_at TIMESTAMP
);
CREATE INDEX auth_throttle_updated ON auth_throttle (updated_at);

-- Devices (browsers) a member of staff has fully signed in on: password and
-- code. The device cookie holds the token; only its SHA-256 is kept. A known
-- device is not held back by the limits that protect an account from
-- strangers, so a stranger's guessing cannot lock its owner out.
CREATE TABLE auth_devices (
	token_hash TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX auth_devices_user ON auth_devices (user_id);
CREATE INDEX auth_devices_expires ON auth_devices (expires_at);
