package appointments

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Seeding writes appointments with a past, for filling a database with
// demonstration data (psu demo), as booking and what followed would have
// written them at the times given: the same checks (made as at the moment
// of booking), the details sealed under the case's key, the timeline, the
// sequence and the reminder. No e-mail is queued; the timeline says what
// the trainee would have been sent. The case's own moves (to Booked, Seen,
// back to Contacted) are the case's steps (cases.Step with ActMove), seeded
// before; seeding checks that a booked appointment's case is Booked. Seeded
// history is audited as psu's own act, with detail "demo".

// SeedAppointment is one appointment of a seeded case.
type SeedAppointment struct {
	CaseID    string
	AdviserID string // "" for the case's adviser
	By        string // who booked it: a user id
	BookedAt  time.Time
	Booking          // when, how long and how, checked as at BookedAt
	Status    Status // where it stands now
	// ClosedAt is when attendance, a missed appointment or a cancellation
	// was recorded, and ClosedBy by whom; both unused while Booked.
	ClosedAt    time.Time
	ClosedBy    string
	CancelledBy string // Cancelled: ByTrainee or ByUnit
	NextStep    string // DidNotAttend: what happens next (sealed)
}

// SeedRoom adds a room inside tx, in use unless r says otherwise.
func (s *Store) SeedRoom(ctx context.Context, tx *store.Tx, r Room, at time.Time) (string, error) {
	var err error
	if r.Name, err = checkText("name", "the room's name", r.Name, MaxRoomName, true); err != nil {
		return "", err
	}
	if r.Address, err = checkText("address", "the address", r.Address, MaxRoomAddress, true); err != nil {
		return "", err
	}
	r.ID = store.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO appointment_rooms (id, name, address, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Address, r.Active, at, at); err != nil {
		return "", fmt.Errorf("appointments: seed room: %w", err)
	}
	return r.ID, audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "room.add", TargetType: "room", TargetID: r.ID, Detail: "demo"})
}

// SeedAvailability sets userID's weekly availability inside tx.
func (s *Store) SeedAvailability(ctx context.Context, tx *store.Tx, userID string, slots []Slot) error {
	for i, sl := range slots {
		if sl.Weekday < 1 || sl.Weekday > 7 || sl.From < 0 || sl.To > 24*60 || sl.To <= sl.From {
			return fmt.Errorf("appointments: seed availability: slot %d (%+v) is not a stretch of one day", i+1, sl)
		}
		for _, o := range slots[:i] {
			if o.Weekday == sl.Weekday && o.From < sl.To && sl.From < o.To {
				return fmt.Errorf("appointments: seed availability: slot %d overlaps another", i+1)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO adviser_availability (id, user_id, weekday, from_minute, to_minute) VALUES (?, ?, ?, ?, ?)`,
			store.NewID(), userID, sl.Weekday, sl.From, sl.To); err != nil {
			return fmt.Errorf("appointments: seed availability: %w", err)
		}
	}
	return nil
}

// SeedAll writes seeds inside tx, as of now, and fails on the first that
// booking could not have written, naming it.
func (s *Store) SeedAll(ctx context.Context, tx *store.Tx, now time.Time, seeds []SeedAppointment) error {
	hours, err := reminderHours(ctx, tx)
	if err != nil {
		return err
	}
	window := time.Duration(hours) * time.Hour
	unit, err := settings.UnitName(ctx, tx)
	if err != nil {
		return err
	}
	var events []audit.Event
	booked := map[string]bool{}
	for i, sd := range seeds {
		fail := func(err error) error { return fmt.Errorf("appointments: seed %d (case %s): %w", i+1, sd.CaseID, err) }
		c, err := s.Cases.Get(ctx, tx, sd.CaseID)
		if err != nil {
			return fail(err)
		}
		b := sd.Booking
		if err := s.check(ctx, tx, &b, sd.BookedAt); err != nil {
			return fail(err)
		}
		adviser := sd.AdviserID
		if adviser == "" {
			adviser = c.AssignedTo
		}
		if adviser == "" || sd.By == "" || sd.BookedAt.After(now) {
			return fail(fmt.Errorf("an appointment needs an adviser, who booked it, and a booking time before now"))
		}
		closed := sd.Status != Booked
		if sd.Status == Booked && !booked[c.ID] {
			if booked[c.ID], err = otherBooked(ctx, tx, c, ""); err != nil {
				return fail(err)
			}
		}
		switch {
		case sd.Status == Booked && (c.Status != cases.Booked || booked[c.ID]):
			return fail(fmt.Errorf("a booked appointment needs a case that is Booked (this one is %s) with no other booked appointment", c.Status))
		case (sd.Status == Attended || sd.Status == DidNotAttend) && (sd.ClosedAt.Before(b.Start) || sd.ClosedAt.After(now)):
			return fail(fmt.Errorf("attendance is recorded after the appointment starts and before now"))
		case sd.Status == DidNotAttend && sd.NextStep == "":
			return fail(fmt.Errorf("a missed appointment needs the next step"))
		case sd.Status == Cancelled && (sd.CancelledBy != ByTrainee && sd.CancelledBy != ByUnit || sd.ClosedAt.Before(sd.BookedAt) || sd.ClosedAt.After(now)):
			return fail(fmt.Errorf("a cancellation needs who cancelled, at a time between booking and now"))
		case closed && sd.ClosedBy == "":
			return fail(fmt.Errorf("say who recorded how the appointment ended"))
		case !closed && sd.Status != Booked:
			return fail(fmt.Errorf("status %q", sd.Status))
		}
		booked[c.ID] = booked[c.ID] || sd.Status == Booked

		a := &Appointment{ID: store.NewID(), CaseID: c.ID, AdviserID: adviser, Start: b.Start, Minutes: b.Minutes, How: b.How,
			RoomID: b.RoomID, Caller: b.Caller, Number: b.Number, Link: b.Link, Status: sd.Status, CancelledBy: sd.CancelledBy}
		var details, next []byte
		if d := b.detail(); d != "" {
			if details, err = s.Cases.SealFor(c, d, "appointments.details:"+a.ID); err != nil {
				return fail(err)
			}
		}
		if sd.Status == DidNotAttend {
			if next, err = s.Cases.SealFor(c, sd.NextStep, "appointments.next_step:"+a.ID); err != nil {
				return fail(err)
			}
		}
		updated, closedAt, closedBy, seq := sd.BookedAt, any(nil), any(nil), 0
		if closed {
			updated, closedAt, closedBy = sd.ClosedAt, sd.ClosedAt, sd.ClosedBy
		}
		if sd.Status == Cancelled {
			seq = 1
		}
		// The reminder, as the job would have sent it (or the invitation
		// stood in for it, booked inside the notice).
		var reminded any
		remindAt := b.Start.Add(-window)
		switch {
		case !remindAt.After(sd.BookedAt):
			reminded = sd.BookedAt
		case !remindAt.After(now) && (!closed || sd.ClosedAt.After(remindAt)):
			reminded = remindAt
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO appointments (id, case_id, adviser_id, starts_at, minutes, how, room_id, caller, details,
			status, cancelled_by, next_step, sequence, booked_by, created_at, updated_at, reminder_sent_at, closed_at, closed_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, c.ID, adviser, b.Start, b.Minutes, b.How, nullable(b.RoomID), b.Caller, details,
			sd.Status, sd.CancelledBy, next, seq, sd.By, sd.BookedAt, updated, reminded, closedAt, closedBy); err != nil {
			return fail(err)
		}
		if b.How == InPerson {
			if a.Room, err = s.Room(ctx, tx, b.RoomID); err != nil {
				return fail(err)
			}
		}
		// The timeline, as the actions would have written it.
		add := func(e cases.Event) error { return s.Cases.AddEvent(ctx, tx, c, e, "") }
		mailed := func(at time.Time, subject string) error {
			if !c.ConsentCaseEmail {
				return nil
			}
			return add(cases.Event{Kind: cases.EventMail, At: at, Detail: subject})
		}
		if err := add(cases.Event{Kind: EventBooked, ActorID: sd.By, At: sd.BookedAt,
			Detail: "Appointment booked for " + a.When() + ", " + a.How.Phrase() + targetNote(c, a.Start)}); err != nil {
			return fail(err)
		}
		if err := mailed(sd.BookedAt, subjectInvite(unit)); err != nil {
			return fail(err)
		}
		if t, ok := reminded.(time.Time); ok && t.After(sd.BookedAt) && c.Status.Open() {
			if err := mailed(t, subjectReminder(unit)); err != nil {
				return fail(err)
			}
		}
		action := "appointment.book"
		switch sd.Status {
		case Attended:
			err = add(cases.Event{Kind: EventAttended, ActorID: sd.ClosedBy, At: sd.ClosedAt, Detail: "The trainee attended the appointment on " + a.When()})
			action = "appointment.attended"
		case DidNotAttend:
			err = add(cases.Event{Kind: EventMissed, ActorID: sd.ClosedBy, At: sd.ClosedAt, Detail: "The trainee did not attend the appointment on " + a.When()})
			action = "appointment.did_not_attend"
		case Cancelled:
			who := "the trainee"
			if sd.CancelledBy == ByUnit {
				who = "the unit"
			}
			err = add(cases.Event{Kind: EventCancelled, ActorID: sd.ClosedBy, At: sd.ClosedAt, Detail: "Appointment cancelled by " + who + ": " + a.When()})
			if err == nil && sd.ClosedAt.Before(a.Start) {
				err = mailed(sd.ClosedAt, subjectCancel(unit))
			}
			action = "appointment.cancel"
		}
		if err != nil {
			return fail(err)
		}
		events = append(events, audit.Event{ActorRole: "system", Action: action, TargetType: "case", TargetID: c.ID, CaseID: c.ID, Detail: "demo"})
	}
	return audit.RecordAll(ctx, tx, events)
}
