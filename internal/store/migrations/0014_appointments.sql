-- Appointments (case work, part 2): the one-to-one with a trainee, booked
-- from the case page, the rooms a unit meets in, and each adviser's weekly
-- availability; and a calendar part for outgoing mail.
--
-- Times are UTC instants; the pages and invitations show and take them in
-- London time. Anything typed about the trainee (the number to phone, the
-- join link, the next step after a missed appointment) is sealed under the
-- case's own key, so erasing the case erases it too.

-- The places a face-to-face appointment can be held, kept by an
-- administrator. A room is retired (active false), never deleted, so past
-- appointments still name it.
CREATE TABLE appointment_rooms (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	address TEXT NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX appointment_rooms_name ON appointment_rooms (lower(name));

CREATE TABLE appointments (
	id TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	adviser_id TEXT NOT NULL REFERENCES users (id),
	starts_at TIMESTAMP NOT NULL,
	minutes INTEGER NOT NULL CHECK (minutes >= 60),
	how TEXT NOT NULL CHECK (how IN ('in_person', 'phone', 'teams', 'zoom')),
	room_id TEXT REFERENCES appointment_rooms (id),
	-- On the phone, who calls whom.
	caller TEXT NOT NULL DEFAULT '' CHECK (caller IN ('', 'adviser', 'trainee')),
	-- The number to phone, or the join link, sealed under the case key.
	details BYTEA,
	status TEXT NOT NULL CHECK (status IN ('booked', 'attended', 'did_not_attend', 'cancelled')),
	cancelled_by TEXT NOT NULL DEFAULT '' CHECK (cancelled_by IN ('', 'trainee', 'unit')),
	-- After a missed appointment, what happens next, sealed.
	next_step BYTEA,
	-- The invitation's SEQUENCE (RFC 5545), raised on every change the
	-- trainee is sent, so their calendar replaces the old version.
	sequence INTEGER NOT NULL DEFAULT 0,
	booked_by TEXT REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	-- When the reminder went: set by the one instance that claims it (a
	-- conditional update in the same transaction as the e-mail), or at
	-- booking when the time is already inside the reminder window and the
	-- invitation itself is the reminder. Cleared when the time changes.
	reminder_sent_at TIMESTAMP,
	-- Attendance or cancellation: when and by whom it was recorded.
	closed_at TIMESTAMP,
	closed_by TEXT REFERENCES users (id)
);
CREATE INDEX appointments_case ON appointments (case_id, starts_at);
CREATE INDEX appointments_adviser ON appointments (adviser_id, starts_at);
CREATE INDEX appointments_reminder ON appointments (starts_at) WHERE status = 'booked' AND reminder_sent_at IS NULL;

-- Each adviser's weekly availability, in London wall-clock minutes.
CREATE TABLE adviser_availability (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO 8601: Monday is 1
	from_minute INTEGER NOT NULL CHECK (from_minute BETWEEN 0 AND 1439),
	to_minute INTEGER NOT NULL CHECK (to_minute BETWEEN 1 AND 1440),
	CHECK (from_minute < to_minute)
);
CREATE INDEX adviser_availability_user ON adviser_availability (user_id, weekday, from_minute);

-- An invitation travels with its e-mail: the iCalendar object sealed like
-- the body, its method (REQUEST, CANCEL, PUBLISH) in the clear.
ALTER TABLE outbox ADD COLUMN calendar BYTEA;
ALTER TABLE outbox ADD COLUMN calendar_method TEXT NOT NULL DEFAULT '';
