-- A trainee may add an authenticator app to their portal account: its
-- secret sealed, and the last step used (a code is never accepted twice).
ALTER TABLE portal_accounts ADD COLUMN totp_secret BYTEA;
ALTER TABLE portal_accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
