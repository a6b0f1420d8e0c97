package appointments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// What the trainee is sent. Subjects carry nothing about the trainee: the
// outbox keeps them in the clear.
type mailKind int

const (
	mailInvite mailKind = iota
	mailCancel
	mailReminder
)

// The subjects name the unit (unit) as its settings do.
func subjectInvite(unit string) string   { return "Your appointment with the " + unit }
func subjectChanged(unit string) string  { return "Your appointment with the " + unit + " has changed" }
func subjectCancel(unit string) string   { return "Your appointment with the " + unit + " is cancelled" }
func subjectReminder(unit string) string { return "Reminder: your appointment with the " + unit }

// event is a as an iCalendar event, from the unit (its name as its
// settings give it). The trainee's copy (mail adds them as attendee) speaks
// to them; the adviser's copy, the same event, to staff.
func (s *Store) event(c *cases.Case, a *Appointment, unitName string, stamp time.Time, trainee bool) Event {
	e := Event{
		UID: s.uid(a), Sequence: a.Sequence, Stamp: stamp, Start: a.Start, End: a.End(),
		Summary:   unitName + " appointment (" + c.Reference + ")",
		Organizer: Person{Name: unitName, Email: s.From},
		Cancelled: a.Status == Cancelled,
	}
	switch {
	case a.How == InPerson && a.Room != nil:
		e.Location = a.Room.Label()
	case a.How == Phone && a.Caller == TraineeCalls:
		e.Location = "Phone: call " + a.Number
		if !trainee {
			e.Location = "Phone: the trainee calls " + a.Number
		}
	case a.How == Phone:
		e.Location = "Phone: your adviser will call you"
		if !trainee {
			e.Location = "Phone: call the trainee on " + a.Number
		}
	case a.How.Video():
		e.Location, e.URL = a.Link, a.Link
	}
	if trainee {
		e.Description = "Your one-to-one with the " + unitName + ".\n\n" + how(a) + "\n\n" + s.rearrange()
	} else {
		e.Description = "One-to-one with the trainee on case " + c.Reference + ".\n\n" + a.Where() + "\n\n" +
			strings.TrimRight(s.BaseURL, "/") + "/cases/" + c.Reference
		if a.How.Video() {
			e.Description += "\n\nJoin link: " + a.Link
		}
	}
	return e
}

// how says how the appointment takes place, to the trainee.
func how(a *Appointment) string {
	switch a.How {
	case InPerson:
		if a.Room != nil {
			return "Face to face, at " + a.Room.Label() + "."
		}
		return "Face to face."
	case Phone:
		if a.Caller == TraineeCalls {
			return "By phone: please phone your adviser on " + a.Number + " at the time of the appointment."
		}
		return "By phone: your adviser will phone you on your number ending " + lastDigits(a.Number, 3) + "."
	case Teams:
		return "On Microsoft Teams. Join the meeting with this link: " + a.Link
	case Zoom:
		return "On Zoom. Join the meeting with this link: " + a.Link
	}
	return ""
}

// lastDigits is the end of a phone number: enough for the trainee to know
// which of their numbers, not the whole number they gave the unit.
func lastDigits(number string, n int) string {
	var d []rune
	for _, r := range number {
		if r >= '0' && r <= '9' {
			d = append(d, r)
		}
	}
	if len(d) > n {
		d = d[len(d)-n:]
	}
	return string(d)
}

// rearrange is how the trainee changes or cancels: the unit has no number
// of its own in psu's data beyond its contact page, so it points there.
func (s *Store) rearrange() string {
	return "If you need to change or cancel the appointment, reply to this e-mail or contact the unit:\n" + s.contactURL()
}

func (s *Store) contactURL() string { return strings.TrimRight(s.BaseURL, "/") + "/contact" }

func (s *Store) whenHow(a *Appointment) string {
	return "When: " + a.When() + " (UK time)\nHow: " + how(a) + "\n"
}

// send queues kind of mail about a to c's trainee, if they agreed to
// e-mail about their case.
func (s *Store) send(ctx context.Context, tx *store.Tx, c *cases.Case, a *Appointment, kind mailKind, now time.Time) (bool, error) {
	unitName, err := settings.UnitName(ctx, tx)
	if err != nil {
		return false, err
	}
	ref := "\nYour reference is " + c.Reference + ".\n"
	switch kind {
	case mailInvite:
		text := "Hello,\n\nYour one-to-one appointment with the " + unitName + " is booked.\n\n" + s.whenHow(a) +
			"\nThe invitation attached to this e-mail adds the appointment to your calendar.\n\n" + s.rearrange() + "\n" + ref
		return s.mailTrainee(ctx, tx, c, a, unitName, "appointments.invitation", subjectInvite(unitName), text, MethodRequest, now)
	case mailCancel:
		asked := ""
		if a.CancelledBy == ByTrainee {
			asked = ", as you asked"
		}
		text := "Hello,\n\nYour appointment with the " + unitName + " on " + a.When() + " (UK time) is cancelled" + asked + ".\n\n" +
			"The attachment to this e-mail removes it from your calendar.\n\n" +
			"If you would like another appointment, reply to this e-mail or contact the unit:\n" + s.contactURL() + "\n" + ref
		return s.mailTrainee(ctx, tx, c, a, unitName, "appointments.cancellation", subjectCancel(unitName), text, MethodCancel, now)
	case mailReminder:
		text := "Hello,\n\nThis is a reminder of your appointment with the " + unitName + ".\n\n" + s.whenHow(a) +
			"\nIf you can no longer make it, reply to this e-mail or contact the unit:\n" + s.contactURL() + "\n" + ref
		return s.mailTrainee(ctx, tx, c, a, unitName, "appointments.reminder", subjectReminder(unitName), text, "", now)
	}
	return false, fmt.Errorf("appointments: no mail of kind %d", kind)
}

// sendChange sends the trainee a's new time or way, as an update of the
// invitation they have (same UID, higher SEQUENCE).
func (s *Store) sendChange(ctx context.Context, tx *store.Tx, c *cases.Case, a, old *Appointment, now time.Time) (bool, error) {
	unitName, err := settings.UnitName(ctx, tx)
	if err != nil {
		return false, err
	}
	text := "Hello,\n\nYour appointment with the " + unitName + " has changed. It was on " + old.When() + ".\n\n" +
		"The new details:\n\n" + s.whenHow(a) +
		"\nThe invitation attached to this e-mail updates the appointment in your calendar.\n\n" + s.rearrange() + "\n" +
		"\nYour reference is " + c.Reference + ".\n"
	return s.mailTrainee(ctx, tx, c, a, unitName, "appointments.update", subjectChanged(unitName), text, MethodRequest, now)
}

// mailTrainee queues an e-mail to c's trainee if they agreed to e-mail
// about their case, with a's invitation in method ("" for none), and puts
// it on the timeline; it reports whether it did. The consent ledger
// decides (consent.Mail). It parallels
// cases.Store.MailTrainee, which has no calendar part.
func (s *Store) mailTrainee(ctx context.Context, tx *store.Tx, c *cases.Case, a *Appointment, unitName, kind, subject, text, method string, now time.Time) (bool, error) {
	if s.Outbox == nil {
		return false, nil
	}
	to, err := s.Cases.Email(c)
	if err != nil || to == "" {
		return false, err
	}
	m := mail.Message{Kind: kind, To: to, Subject: subject, Text: text}
	if method != "" {
		name, err := s.Cases.Name(c)
		if err != nil {
			return false, err
		}
		e := s.event(c, a, unitName, now, true)
		e.Attendee = &Person{Name: name, Email: to}
		m.Calendar = &mail.Calendar{Method: method, Data: Calendar(method, e)}
	}
	sent, err := consent.Mail(ctx, tx, s.Outbox, consent.Need{CaseID: c.ID, Purpose: consent.CaseEmail}, m)
	if err != nil || !sent {
		return false, err
	}
	return true, s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: cases.EventMail, At: now, Detail: subject}, "")
}

// Download is a's event as the adviser's own copy (METHOD:PUBLISH, the
// same UID and SEQUENCE as the trainee's invitation).
func (s *Store) Download(ctx context.Context, c *cases.Case, a *Appointment) ([]byte, error) {
	unit, err := settings.UnitName(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return Calendar(MethodPublish, s.event(c, a, unit, s.now(), false)), nil
}

// TraineeDownload is a's event as the trainee's own copy, for the portal:
// their wording (where to go, who calls whom), METHOD:PUBLISH, the same UID
// and SEQUENCE as their invitation.
func (s *Store) TraineeDownload(ctx context.Context, c *cases.Case, a *Appointment) ([]byte, error) {
	unit, err := settings.UnitName(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return Calendar(MethodPublish, s.event(c, a, unit, s.now(), true)), nil
}

// TraineeHow is how a takes place, in the words the trainee's invitation
// uses.
func TraineeHow(a *Appointment) string { return how(a) }
