-- Case work part 2, after the one-to-one: the plan of action (or personal
-- development plan) with its goals, actions and signposted services; the
-- written summary, drafted, previewed and issued in versions; the review
-- date; the list of outcomes a case closes with; the feedback request sent
-- some weeks after closing to a trainee who agreed to be e-mailed later.
-- Session notes live in case_notes (kind 'session'). Everything a person
-- typed is sealed under the case's own key, as in case_notes.

-- One row per case that has a plan or a review date.
CREATE TABLE plans (
	case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
	kind TEXT NOT NULL DEFAULT 'action_plan' CHECK (kind IN ('action_plan', 'pdp')),
	-- The review agreed with the trainee, a London date (2006-01-02);
	-- the adviser's queue shows the case once it has come.
	review_due TEXT,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plans_review_due ON plans (review_due) WHERE review_due IS NOT NULL;

CREATE TABLE plan_goals (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	title BYTEA NOT NULL, -- sealed
	created_at TIMESTAMP NOT NULL,
	created_by TEXT REFERENCES users (id)
);
CREATE INDEX plan_goals_case ON plan_goals (case_id, position);

CREATE TABLE plan_actions (
	id TEXT PRIMARY KEY,
	goal_id TEXT NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	what BYTEA NOT NULL, -- sealed
	who BYTEA NOT NULL,  -- sealed
	due TEXT NOT NULL,   -- a London date, 2006-01-02
	status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_actions_goal ON plan_actions (goal_id, created_at);
CREATE INDEX plan_actions_case ON plan_actions (case_id);

-- Services from the support directory suggested to the trainee. Which
-- service a trainee was pointed to says much about them (an addiction
-- service, a debt line), so the directory's id is sealed like everything
-- else about the case; a service that leaves the directory drops off.
CREATE TABLE plan_services (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	service BYTEA NOT NULL, -- sealed
	added_at TIMESTAMP NOT NULL,
	added_by TEXT REFERENCES users (id)
);
CREATE INDEX plan_services_case ON plan_services (case_id, added_at);

-- The summary being written: the adviser's two sections, and the preview
-- last shown (the whole document, as issuing will print it), all sealed.
CREATE TABLE summary_drafts (
	case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
	discussed BYTEA NOT NULL,
	agreed BYTEA NOT NULL,
	preview BYTEA,
	previewed_at TIMESTAMP,
	updated_at TIMESTAMP NOT NULL,
	updated_by TEXT REFERENCES users (id)
);

-- Issued summaries: a correction is a new version. content is the
-- document as previewed and pdf the file made from it, both sealed.
CREATE TABLE summaries (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	issued_at TIMESTAMP NOT NULL,
	issued_by TEXT REFERENCES users (id),
	content BYTEA NOT NULL,
	pdf BYTEA NOT NULL,
	mailed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX summaries_case_version ON summaries (case_id, version);

-- The outcomes a case may close with, as the unit words them. A removed
-- outcome stays on the cases that closed with it.
CREATE TABLE case_outcomes (
	id TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	position INTEGER NOT NULL,
	removed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX case_outcomes_label ON case_outcomes (label);
INSERT INTO case_outcomes (id, label, position) VALUES
	('0190a000-0000-7000-8000-000000000001', 'Plan agreed and under way', 1),
	('0190a000-0000-7000-8000-000000000002', 'Support completed', 2),
	('0190a000-0000-7000-8000-000000000003', 'Signposted to another service', 3),
	('0190a000-0000-7000-8000-000000000004', 'Trainee stopped attending', 4),
	('0190a000-0000-7000-8000-000000000005', 'Other', 5);

-- A feedback request, queued when a case closes if the trainee agreed to
-- be e-mailed later. The sender claims it by setting sent_at where it is
-- still NULL, so it goes once whatever the number of instances. Only the
-- hash of the link's token is kept; the feedback form (the portal's) finds
-- the request by it, and the answers it keeps do not point back here.
CREATE TABLE feedback_requests (
	case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
	due_at TIMESTAMP NOT NULL,
	created_at TIMESTAMP NOT NULL,
	sent_at TIMESTAMP,
	cancelled_at TIMESTAMP,
	token_hash TEXT
);
CREATE INDEX feedback_requests_due ON feedback_requests (due_at) WHERE sent_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX feedback_requests_token ON feedback_requests (token_hash) WHERE token_hash IS NOT NULL;
