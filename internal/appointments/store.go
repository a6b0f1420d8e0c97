package appointments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
)

// Store reads and writes appointments. Every change to one runs inside
// cases.Store.Act, so it takes the case's row lock, re-checks the person's
// right to the case and writes one audit entry, in the same transaction
// as the appointment, the case's move, its timeline and any e-mail.
type Store struct {
	DB     *store.DB
	Cases  *cases.Store
	Outbox *mail.Outbox
	// From is the unit's sending address (PSU_MAIL_FROM): the organizer
	// of every invitation, and the domain of its UID.
	From string
	// BaseURL is psu's address, for the links in e-mails.
	BaseURL string
	// Now is the clock; nil means store.Now.
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return store.Now()
}

const columns = `a.id, a.case_id, a.adviser_id, COALESCE(u.name, ''), a.starts_at, a.minutes, a.how,
	COALESCE(a.room_id, ''), COALESCE(r.name, ''), COALESCE(r.address, ''), COALESCE(r.active, FALSE),
	a.caller, a.details, a.status, a.cancelled_by, a.next_step, a.sequence, a.created_at, a.updated_at,
	a.reminder_sent_at, a.closed_at`

const from = ` FROM appointments a LEFT JOIN users u ON u.id = a.adviser_id
	LEFT JOIN appointment_rooms r ON r.id = a.room_id`

// scan reads one appointment and opens what is sealed under c's key.
func (s *Store) scan(row interface{ Scan(...any) error }, c *cases.Case) (*Appointment, error) {
	a := &Appointment{}
	var room Room
	var details, next []byte
	var reminded, closed store.Time
	err := row.Scan(&a.ID, &a.CaseID, &a.AdviserID, &a.AdviserName, &a.Start, &a.Minutes, &a.How,
		&room.ID, &room.Name, &room.Address, &room.Active,
		&a.Caller, &details, &a.Status, &a.CancelledBy, &next, &a.Sequence, &a.CreatedAt, &a.UpdatedAt,
		&reminded, &closed)
	if err != nil {
		return nil, err
	}
	a.Start, a.CreatedAt, a.UpdatedAt = a.Start.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.Reminded, a.ClosedAt = reminded.Time.UTC(), closed.Time.UTC()
	if room.ID != "" {
		a.RoomID, a.Room = room.ID, &room
	}
	if len(details) > 0 {
		d, err := s.Cases.OpenFor(c, details, "appointments.details:"+a.ID)
		if err != nil {
			return nil, err
		}
		if a.How == Phone {
			a.Number = d
		} else {
			a.Link = d
		}
	}
	if len(next) > 0 {
		if a.NextStep, err = s.Cases.OpenFor(c, next, "appointments.next_step:"+a.ID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// ForCase lists c's appointments, soonest first, for someone already
// allowed to see c.
func (s *Store) ForCase(ctx context.Context, q store.Querier, c *cases.Case) ([]*Appointment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+from+` WHERE a.case_id = ? ORDER BY a.starts_at, a.id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("appointments: for case: %w", err)
	}
	defer rows.Close()
	var out []*Appointment
	for rows.Next() {
		a, err := s.scan(rows, c)
		if err != nil {
			return nil, fmt.Errorf("appointments: for case: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Get reads appointment id of case c; store.ErrNotFound if c has none by
// that id.
func (s *Store) Get(ctx context.Context, q store.Querier, c *cases.Case, id string) (*Appointment, error) {
	a, err := s.scan(q.QueryRowContext(ctx, `SELECT `+columns+from+` WHERE a.id = ? AND a.case_id = ?`, id, c.ID), c)
	if err != nil {
		return nil, fmt.Errorf("appointments: get: %w", store.MapErr(err))
	}
	return a, nil
}

// Target is the 2-week target for a case's first appointment: the end of
// the 14th calendar day (London) after first contact; zero before it.
func Target(c *cases.Case) time.Time {
	if c.RespondedAt.IsZero() {
		return time.Time{}
	}
	d := c.RespondedAt.In(london)
	return time.Date(d.Year(), d.Month(), d.Day()+TargetDays+1, 0, 0, 0, 0, london).UTC()
}

// Meets reports whether an appointment starting at start is within c's
// 2-week target.
func Meets(c *cases.Case, start time.Time) bool {
	t := Target(c)
	return !t.IsZero() && start.Before(t)
}

// TargetDay is the last day of the target, as people read it.
func TargetDay(c *cases.Case) string {
	t := Target(c)
	if t.IsZero() {
		return ""
	}
	return longDate(t.Add(-time.Minute))
}

// otherBooked reports whether c has a booked appointment besides except.
func otherBooked(ctx context.Context, tx *store.Tx, c *cases.Case, except string) (bool, error) {
	var n int
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE case_id = ? AND status = 'booked' AND id <> ?`,
		c.ID, except), &n); err != nil {
		return false, fmt.Errorf("appointments: booked: %w", err)
	}
	return n > 0, nil
}

// uid is the appointment's iCalendar UID: the same in every invitation,
// change and cancellation, and in the adviser's copy, so calendars treat
// them as one event.
func (s *Store) uid(a *Appointment) string {
	domain := "psu.invalid"
	if i := strings.LastIndexByte(s.From, '@'); i >= 0 {
		domain = s.From[i+1:]
	}
	return a.ID + "@" + domain
}

// errGone is an appointment that is not in the case named.
var errGone = errors.New("appointments: no such appointment on this case")
