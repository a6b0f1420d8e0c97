-- A member of staff may hold several roles (internal/web.RoleSet): someone
-- who both runs the service and works on cases holds administrator and
-- adviser. Each role held is one row; users.role, which allowed only one,
-- goes once its values are copied here.
CREATE TABLE user_roles (
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('adviser', 'triage_lead', 'administrator', 'directory_editor')),
	PRIMARY KEY (user_id, role)
);
-- Who holds a role: the last-administrator guard, the advisers a case can
-- be assigned to, the leads' alert.
CREATE INDEX user_roles_role ON user_roles (role, user_id);
INSERT INTO user_roles (user_id, role) SELECT id, role FROM users;
ALTER TABLE users DROP COLUMN role;

-- When the person last finished signing in (password and code), for the
-- administrators' list of staff; filled from the audit trail for those who
-- signed in before this column existed.
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMP;
UPDATE users SET last_sign_in_at = s.last_at
	FROM (SELECT actor_id, MAX(at) AS last_at FROM audit_log WHERE action = 'auth.sign_in' AND actor_id IS NOT NULL GROUP BY actor_id) AS s
	WHERE s.actor_id = users.id;

-- When the person was last signed out everywhere (their account disabled,
-- their two-step sign-in reset): a session that finished signing in before
-- then is over, on every instance, even one a request in flight writes back.
ALTER TABLE users ADD COLUMN signed_out_at TIMESTAMP;

-- An invited member of staff has an account (and roles) from the moment
-- they are invited, with password_hash '' until they accept: nobody can sign
-- in to it before then. Their link is a one_time_tokens row with purpose
-- 'invite' and their user_id.
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- One-time recovery codes, for signing in when the authenticator app is
-- lost: each works once, in place of a code from the app. Only a SHA-256 of
-- each is kept (the codes carry 79 random bits, beyond guessing from the
-- hash); making a new set deletes the old one.
CREATE TABLE recovery_codes (
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	used_at TIMESTAMP,
	PRIMARY KEY (user_id, code_hash)
);
