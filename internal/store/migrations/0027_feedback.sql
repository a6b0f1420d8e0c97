-- Feedback from trainees after their support, kept apart from their case:
-- no case, no person, and only the month it was given, so it cannot be
-- traced back; the reports count it. The comments are sealed under the key
-- file (a person may name themselves in them) and shown only to leads.
CREATE TABLE feedback (
	id TEXT PRIMARY KEY,
	month TEXT NOT NULL,
	helpful TEXT NOT NULL CHECK (helpful IN ('very', 'quite', 'neither', 'not-very', 'not-at-all')),
	changed TEXT NOT NULL DEFAULT '',
	recommend TEXT NOT NULL CHECK (recommend IN ('yes', 'maybe', 'no')),
	comments BYTEA
);
CREATE INDEX feedback_month ON feedback (month);

-- A request's link works once: answered says it was used (and the token
-- is forgotten), never which feedback row it gave.
ALTER TABLE feedback_requests ADD COLUMN answered BOOLEAN NOT NULL DEFAULT FALSE;
