package appointments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// Booking is what staff choose when booking or changing an appointment.
type Booking struct {
	Start   time.Time // a UTC instant
	Minutes int
	How     How
	RoomID  string // face to face
	Caller  string // phone: AdviserCalls or TraineeCalls
	Number  string // phone: the number to call
	Link    string // Teams or Zoom: the join link
}

// End is when the booking finishes.
func (b Booking) End() time.Time { return b.Start.Add(time.Duration(b.Minutes) * time.Minute) }

// detail is the sealed part of a booking: the number or the link.
func (b Booking) detail() string {
	switch {
	case b.How == Phone:
		return b.Number
	case b.How.Video():
		return b.Link
	}
	return ""
}

// ConfirmError holds a booking back until the person has seen what may be
// wrong with it (a clash, a time outside the adviser's availability): none
// of it forbids the booking, so the form asks again with Token, and a
// second post carrying it goes through. A different time brings different
// warnings, and so a different token.
type ConfirmError struct {
	Warnings []string
	Token    string
}

func (e *ConfirmError) Error() string { return "appointments: " + strings.Join(e.Warnings, " ") }

func token(warnings []string) string {
	h := sha256.Sum256([]byte(strings.Join(warnings, "\n")))
	return hex.EncodeToString(h[:12])
}

// Limits on what staff type, in characters.
const (
	MaxLink   = 2000
	MaxReason = 1000
)

var phoneSeparators = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "")

var (
	ukPhone   = regexp.MustCompile(`^0\d{9,10}$`)
	intlPhone = regexp.MustCompile(`^\+\d{8,15}$`)
)

// validPhone accepts a UK number (0 and 9 or 10 more digits) or an
// international one (+ and 8 to 15 digits), as the application form does.
func validPhone(s string) bool {
	p := phoneSeparators.Replace(s)
	if strings.HasPrefix(p, "+44") {
		return ukPhone.MatchString("0" + strings.TrimPrefix(strings.TrimPrefix(p, "+44"), "0"))
	}
	return ukPhone.MatchString(p) || intlPhone.MatchString(p)
}

// validLink accepts a join link a calendar and a mail program can show as
// a link: https, a host, nothing that is not part of a URL.
func validLink(s string) bool {
	if len(s) > MaxLink || strings.ContainsAny(s, " \t\r\n\"<>\\^`{|}") || !utf8.ValidString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Hostname() != "" && !strings.HasPrefix(u.Host, ".")
}

// check refuses a booking that cannot stand, in the words the booking page
// shows beside the field. now is the time of the booking.
func (s *Store) check(ctx context.Context, q store.Querier, b *Booking, now time.Time) error {
	switch {
	case b.Minutes < MinMinutes:
		return cases.Problem("minutes", fmt.Sprintf("The appointment must be at least %d minutes long: a one-to-one lasts an hour or more", MinMinutes))
	case b.Minutes > MaxMinutes:
		return cases.Problem("minutes", fmt.Sprintf("The appointment must be %d minutes (4 hours) or shorter", MaxMinutes))
	case !b.Start.After(now):
		return cases.Problem("date", "The appointment must be in the future. To record a one-to-one that has already happened, add a note to the case")
	case b.Start.After(now.AddDate(1, 0, 0)):
		return cases.Problem("date", "The appointment must be within the next year")
	case !b.How.Valid():
		return cases.Problem("how", "Select how the appointment will take place")
	}
	b.RoomID, b.Caller = strings.TrimSpace(b.RoomID), strings.TrimSpace(b.Caller)
	b.Number, b.Link = strings.TrimSpace(b.Number), strings.TrimSpace(b.Link)
	switch {
	case b.How == InPerson:
		b.Caller, b.Number, b.Link = "", "", ""
		if b.RoomID == "" {
			return cases.Problem("room", "Select the room")
		}
		r, err := s.Room(ctx, q, b.RoomID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !r.Active) {
			return cases.Problem("room", "Select a room from the list")
		}
		return err
	case b.How == Phone:
		b.RoomID, b.Link = "", ""
		if b.Caller != AdviserCalls && b.Caller != TraineeCalls {
			return cases.Problem("caller", "Select who will phone whom")
		}
		if b.Number == "" {
			return cases.Problem("phone", "Enter the phone number to call")
		}
		if !validPhone(b.Number) {
			return cases.Problem("phone", "Enter a phone number, like 07700 900 982 or +44 20 7946 0991")
		}
	default:
		b.RoomID, b.Caller, b.Number = "", "", ""
		field := "link-" + string(b.How)
		if b.Link == "" {
			return cases.Problem(field, "Enter the "+b.How.Label()+" join link")
		}
		if !validLink(b.Link) {
			return cases.Problem(field, "Enter the "+b.How.Label()+" join link as it was given to you, starting https://")
		}
	}
	return nil
}

// warnings are what may be wrong with b for adviser, without forbidding
// it: a clash with their other appointments, a time outside their weekly
// availability. except is the appointment being changed.
func (s *Store) warnings(ctx context.Context, q store.Querier, v cases.Viewer, adviserID string, b Booking, except string) ([]string, error) {
	who, whose := "You", "your"
	if adviserID != v.UserID {
		var name string
		if err := store.Scan(q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, adviserID), &name); err != nil {
			return nil, fmt.Errorf("appointments: adviser: %w", err)
		}
		who, whose = name, name+"'s"
	}
	var out []string
	rows, err := q.QueryContext(ctx, `SELECT starts_at, minutes FROM appointments WHERE adviser_id = ? AND status = 'booked' AND id <> ?
		AND starts_at < ? AND starts_at > ? ORDER BY starts_at`, adviserID, except, b.End(), b.Start.Add(-MaxMinutes*time.Minute))
	if err != nil {
		return nil, fmt.Errorf("appointments: clashes: %w", err)
	}
	for rows.Next() {
		var start time.Time
		var minutes int
		if err := rows.Scan(&start, &minutes); err != nil {
			rows.Close()
			return nil, fmt.Errorf("appointments: clashes: %w", err)
		}
		end := start.Add(time.Duration(minutes) * time.Minute)
		if end.After(b.Start) {
			have := "already has"
			if who == "You" {
				have = "already have"
			}
			out = append(out, fmt.Sprintf("%s %s an appointment on %s.", who, have, span(start.UTC(), end.UTC())))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("appointments: clashes: %w", err)
	}
	slots, err := s.Availability(ctx, q, adviserID)
	if err != nil {
		return nil, err
	}
	if len(slots) > 0 && !within(slots, b.Start, b.End()) {
		day := weekdayOf(b.Start.In(london))
		var that []string
		for _, sl := range slots {
			if sl.Weekday == day {
				that = append(that, sl.Span())
			}
		}
		msg := fmt.Sprintf("%s is outside %s weekly availability.", span(b.Start, b.End()), whose)
		switch {
		case len(that) > 0:
			msg += fmt.Sprintf(" On %ss: %s.", dayNames[day], joinAnd(that))
		case who == "You":
			msg += fmt.Sprintf(" You have no times on %ss.", dayNames[day])
		default:
			msg += fmt.Sprintf(" %s has no times on %ss.", who, dayNames[day])
		}
		out = append(out, msg)
	}
	return out, nil
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// insideWindow reports whether start is already within the reminder's
// notice at now, so the invitation itself stands in for the reminder.
func insideWindow(start, now time.Time, hours int) bool {
	return !start.After(now.Add(time.Duration(hours) * time.Hour))
}

// Result is what booking or changing an appointment did.
type Result struct {
	Appointment *Appointment
	Mailed      bool // the trainee was sent the invitation
}

// Book books an appointment on case caseID for v, and moves the case to
// Booked. The case's adviser holds it (or v, on a case not yet assigned).
// confirm is the token of warnings already shown; with new warnings, Book
// changes nothing and returns a *ConfirmError.
func (s *Store) Book(ctx context.Context, v cases.Viewer, caseID string, b Booking, confirm string) (Result, error) {
	var out Result
	now := s.now()
	err := s.Cases.Act(ctx, v, caseID, "appointment.book", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		switch c.Status {
		case cases.Notified, cases.New:
			return "", cases.Problem("status", "Record the first contact with the trainee before booking an appointment")
		case cases.Booked:
			return "", cases.Problem("status", "This case already has an appointment booked. Change that appointment, or record how it went, before booking another")
		}
		if err := s.check(ctx, tx, &b, now); err != nil {
			return "", err
		}
		adviser := c.AssignedTo
		if adviser == "" {
			adviser = v.UserID
		}
		ws, err := s.warnings(ctx, tx, v, adviser, b, "")
		if err != nil {
			return "", err
		}
		if len(ws) > 0 && token(ws) != confirm {
			return "", &ConfirmError{Warnings: ws, Token: token(ws)}
		}
		id := store.NewID()
		var details []byte
		if d := b.detail(); d != "" {
			if details, err = s.Cases.SealFor(c, d, "appointments.details:"+id); err != nil {
				return "", err
			}
		}
		var reminded any
		if hours, err := reminderHours(ctx, tx); err != nil {
			return "", err
		} else if insideWindow(b.Start, now, hours) {
			reminded = now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO appointments (id, case_id, adviser_id, starts_at, minutes, how, room_id, caller, details,
			status, sequence, booked_by, created_at, updated_at, reminder_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', 0, ?, ?, ?, ?)`,
			id, c.ID, adviser, b.Start, b.Minutes, b.How, nullable(b.RoomID), b.Caller, details, v.UserID, now, now, reminded); err != nil {
			return "", fmt.Errorf("appointments: book: %w", err)
		}
		a, err := s.Get(ctx, tx, c, id)
		if err != nil {
			return "", err
		}
		if err := s.Cases.MoveTx(ctx, tx, v, c, cases.Booked, "appointment booked"); err != nil {
			return "", err
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventBooked, ActorID: v.UserID, At: now,
			Detail: "Appointment booked for " + a.When() + ", " + a.How.Phrase() + targetNote(c, a.Start)}, ""); err != nil {
			return "", err
		}
		out.Appointment = a
		if out.Mailed, err = s.send(ctx, tx, c, a, mailInvite, now); err != nil {
			return "", err
		}
		return "appointment " + id, nil
	})
	return out, err
}

// targetNote says, for the timeline, how a first appointment stands
// against the 2-week target.
func targetNote(c *cases.Case, start time.Time) string {
	if Target(c).IsZero() {
		return ""
	}
	if Meets(c, start) {
		return " (within the 2-week target)"
	}
	return " (after the 2-week target of " + TargetDay(c) + ")"
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Reschedule changes appointment id on case caseID to b, and sends the
// trainee the change (the same invitation, its SEQUENCE raised).
func (s *Store) Reschedule(ctx context.Context, v cases.Viewer, caseID, id string, b Booking, confirm string) (Result, error) {
	var out Result
	now := s.now()
	err := s.Cases.Act(ctx, v, caseID, "appointment.reschedule", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		old, err := s.Get(ctx, tx, c, id)
		if errors.Is(err, store.ErrNotFound) {
			return "", errGone
		}
		if err != nil {
			return "", err
		}
		if old.Status != Booked {
			return "", cases.Problem("status", "This appointment is "+strings.ToLower(old.Status.Label())+", so it cannot be changed. Book a new one instead")
		}
		if err := s.check(ctx, tx, &b, now); err != nil {
			return "", err
		}
		if b.Start.Equal(old.Start) && b.Minutes == old.Minutes && b.How == old.How && b.RoomID == old.RoomID &&
			b.Caller == old.Caller && b.detail() == old.Number+old.Link {
			return "", cases.Problem("date", "Nothing has changed. Change the date, time, length or how the appointment takes place, or go back to the case")
		}
		ws, err := s.warnings(ctx, tx, v, old.AdviserID, b, old.ID)
		if err != nil {
			return "", err
		}
		if len(ws) > 0 && token(ws) != confirm {
			return "", &ConfirmError{Warnings: ws, Token: token(ws)}
		}
		var details []byte
		if d := b.detail(); d != "" {
			if details, err = s.Cases.SealFor(c, d, "appointments.details:"+id); err != nil {
				return "", err
			}
		}
		// A new time needs a new reminder, unless it is already close.
		var reminded any
		if hours, err := reminderHours(ctx, tx); err != nil {
			return "", err
		} else if insideWindow(b.Start, now, hours) {
			reminded = now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET starts_at = ?, minutes = ?, how = ?, room_id = ?, caller = ?, details = ?,
			sequence = sequence + 1, updated_at = ?, reminder_sent_at = ? WHERE id = ?`,
			b.Start, b.Minutes, b.How, nullable(b.RoomID), b.Caller, details, now, reminded, id); err != nil {
			return "", fmt.Errorf("appointments: reschedule: %w", err)
		}
		a, err := s.Get(ctx, tx, c, id)
		if err != nil {
			return "", err
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventChanged, ActorID: v.UserID, At: now,
			Detail: "Appointment changed to " + a.When() + ", " + a.How.Phrase() + " (it was " + old.When() + ", " + old.How.Phrase() + ")"}, ""); err != nil {
			return "", err
		}
		out.Appointment = a
		if out.Mailed, err = s.sendChange(ctx, tx, c, a, old, now); err != nil {
			return "", err
		}
		return "appointment " + id, nil
	})
	return out, err
}
