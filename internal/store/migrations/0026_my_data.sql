-- "My data" and erasure (issue 11). A case that has been erased keeps its
-- row, status and dates (for the unit's figures and the audit trail);
-- erased_at says when its key and every sealed value went.
ALTER TABLE cases ADD COLUMN erased_at TIMESTAMP;
-- The retention job's query: ended cases not yet erased, oldest end first.
CREATE INDEX cases_retention ON cases (status_at, id) WHERE erased_at IS NULL AND status IN ('closed', 'withdrawn', 'not_eligible');

-- The case an e-mail is about (set by consent.Mail and the portal's
-- sign-in link), so an erased case's delivered mail, with the trainee's
-- address in it, goes too.
ALTER TABLE outbox ADD COLUMN case_id TEXT;
CREATE INDEX outbox_case ON outbox (case_id) WHERE case_id IS NOT NULL;

-- A trainee's request to erase their record, reviewed by a triage lead.
-- The trainee's reason and the lead's answer are sealed under the case key,
-- so an erasure takes them too.
CREATE TABLE erasure_requests (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id),
	asked_at TIMESTAMP NOT NULL,
	reason BYTEA,
	status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'approved', 'declined')),
	decided_at TIMESTAMP,
	decided_by TEXT REFERENCES users (id),
	answer BYTEA
);
-- One open request a case: the index is the guard, the page's check only
-- the friendly message.
CREATE UNIQUE INDEX erasure_requests_waiting_case ON erasure_requests (case_id) WHERE status = 'waiting';
CREATE INDEX erasure_requests_case ON erasure_requests (case_id, asked_at);
CREATE INDEX erasure_requests_waiting ON erasure_requests (asked_at, id) WHERE status = 'waiting';
