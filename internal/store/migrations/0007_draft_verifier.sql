-- The right to change a draft's confirmed e-mail address belongs to the
-- browser session that confirmed it (issue 13, "draft takeover"). The
-- session holds a random value; the draft keeps only its SHA-256, set when a
-- link to the current address is used and cleared when the address changes.
ALTER TABLE application_drafts ADD COLUMN email_verifier TEXT;
