// Package appointments is the one-to-one with a trainee: booked from the
// case page (when, for how long, and how: face to face in one of the unit's
// rooms, by phone, on Teams or on Zoom), sent to the trainee as a calendar
// invitation, changed, cancelled, reminded of the day before, and recorded
// as attended or missed afterwards. It also keeps the unit's rooms and each
// adviser's weekly availability.
//
// It reaches a case only through the cases package's Gate and Store.Act,
// so the same access check, audit trail and state machine apply as on the
// case page itself.
package appointments

import (
	"strings"
	"time"
	_ "time/tzdata" // London time whatever the server's zone files say
)

// london is where the unit is: every time a person types or reads is
// London wall-clock time, and every stored time is a UTC instant.
var london = mustLondon()

func mustLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		// time/tzdata is linked in, so this happens only in a broken build.
		panic("appointments: no Europe/London time zone: " + err.Error())
	}
	return l
}

// Lengths, in minutes. A one-to-one is at least an hour.
const (
	MinMinutes     = 60
	MaxMinutes     = 240
	DefaultMinutes = 60
)

// TargetDays is how soon after first contact the unit aims to meet: the
// first appointment within 2 weeks.
const TargetDays = 14

// How an appointment takes place.
type How string

const (
	InPerson How = "in_person"
	Phone    How = "phone"
	Teams    How = "teams"
	Zoom     How = "zoom"
)

// Hows lists the ways, in the order the booking page offers them.
var Hows = []How{InPerson, Phone, Teams, Zoom}

// Label is the way as staff read it.
func (h How) Label() string {
	switch h {
	case InPerson:
		return "Face to face"
	case Phone:
		return "Phone"
	case Teams:
		return "Microsoft Teams"
	case Zoom:
		return "Zoom"
	}
	return ""
}

// Phrase is the way as a sentence goes on: "booked for Monday, by phone".
func (h How) Phrase() string {
	switch h {
	case InPerson:
		return "face to face"
	case Phone:
		return "by phone"
	case Teams:
		return "on Microsoft Teams"
	case Zoom:
		return "on Zoom"
	}
	return ""
}

// Video reports whether h is a video call with a join link.
func (h How) Video() bool { return h == Teams || h == Zoom }

// Valid reports whether h is a way.
func (h How) Valid() bool { return h.Label() != "" }

// Who calls whom, on the phone.
const (
	AdviserCalls = "adviser" // the adviser phones the trainee
	TraineeCalls = "trainee" // the trainee phones the adviser
)

// Status is where an appointment stands.
type Status string

const (
	Booked       Status = "booked"
	Attended     Status = "attended"
	DidNotAttend Status = "did_not_attend"
	Cancelled    Status = "cancelled"
)

// Label is the status as staff read it.
func (s Status) Label() string {
	switch s {
	case Booked:
		return "Booked"
	case Attended:
		return "Attended"
	case DidNotAttend:
		return "Did not attend"
	case Cancelled:
		return "Cancelled"
	}
	return string(s)
}

// Who cancelled.
const (
	ByTrainee = "trainee"
	ByUnit    = "unit"
)

// Appointment is one appointment, with its sealed details opened for
// someone allowed to see the case.
type Appointment struct {
	ID          string
	CaseID      string
	AdviserID   string
	AdviserName string
	Start       time.Time // UTC
	Minutes     int
	How         How
	RoomID      string
	Room        *Room // nil unless face to face
	Caller      string
	Number      string // the phone number, opened
	Link        string // the join link, opened
	Status      Status
	CancelledBy string
	NextStep    string // opened; after a missed appointment
	Sequence    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Reminded    time.Time
	ClosedAt    time.Time
}

// End is when the appointment finishes.
func (a *Appointment) End() time.Time { return a.Start.Add(time.Duration(a.Minutes) * time.Minute) }

// Past reports whether the appointment has started by now.
func (a *Appointment) Past(now time.Time) bool { return !now.Before(a.Start) }

// Reminder says where the trainee's reminder stands, for staff.
func (a *Appointment) Reminder() string {
	switch {
	case a.Reminded.IsZero():
		return "Not sent yet"
	case a.Reminded.Equal(a.UpdatedAt):
		// Set in the same write as the time itself: booked inside the
		// reminder's notice, so the invitation was the reminder.
		return "Not needed: booked close to the time"
	}
	return "Sent"
}

// When is the appointment's time as people read it, in London time.
func (a *Appointment) When() string { return span(a.Start, a.End()) }

// Where says how and where, in plain words, for staff.
func (a *Appointment) Where() string {
	switch a.How {
	case InPerson:
		if a.Room != nil {
			return "Face to face, " + a.Room.Name
		}
		return "Face to face"
	case Phone:
		if a.Caller == TraineeCalls {
			return "Phone: the trainee calls " + a.Number
		}
		return "Phone: the adviser calls the trainee on " + a.Number
	}
	return a.How.Label()
}

// span is "Monday 29 March 2027, 10:00am to 11:00am".
func span(start, end time.Time) string {
	s, e := start.In(london), end.In(london)
	out := s.Format("Monday 2 January 2006") + ", " + clock(s) + " to " + clock(e)
	if s.YearDay() != e.YearDay() || s.Year() != e.Year() {
		out = s.Format("Monday 2 January 2006") + ", " + clock(s) + " to " + e.Format("Monday 2 January") + " " + clock(e)
	}
	return out
}

// clock is a London wall-clock time as the NHS writes it: 10am, 2:30pm.
func clock(t time.Time) string {
	if t.Minute() == 0 {
		return t.Format("3pm")
	}
	return t.Format("3:04pm")
}

// longDate is "Monday 29 March 2027" in London.
func longDate(t time.Time) string { return t.In(london).Format("Monday 2 January 2006") }

// Room is a place where face-to-face appointments are held.
type Room struct {
	ID, Name, Address string
	Active            bool
}

// Label is the room's name and address on one line.
func (r *Room) Label() string {
	if r.Address == "" {
		return r.Name
	}
	return r.Name + ", " + strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(r.Address, "\r", ""), "\n", ", ")), " ")
}
