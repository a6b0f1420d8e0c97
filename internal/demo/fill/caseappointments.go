package fill

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// demoRooms are the unit's made-up meeting rooms.
var demoRooms = []appointments.Room{
	{Name: "Demo Room 1 (first floor)", Address: "Demo House\n1 Example Street\nLondon", Active: true},
	{Name: "Demo Room 2 (quiet room)", Address: "Demo House\n1 Example Street\nLondon", Active: true},
}

// demoSummaries is how many written summaries a demo issues at most: each
// is a PDF rendered as issuing renders it, so a demo of 100,000 cases
// issues them for the first cases to reach that stage and no more.
const demoSummaries = 400

// seedUnit adds the rooms, and each adviser's weekly hours (weekdays, 9am
// to 5pm with an hour for lunch), and returns the rooms' ids.
func seedUnit(ctx context.Context, tx *store.Tx, s *appointments.Store, advisers []string, at time.Time) ([]string, error) {
	var rooms []string
	for _, r := range demoRooms {
		id, err := s.SeedRoom(ctx, tx, r, at)
		if err != nil {
			return nil, err
		}
		rooms = append(rooms, id)
	}
	var week []appointments.Slot
	for d := 1; d <= 5; d++ {
		week = append(week, appointments.Slot{Weekday: d, From: 9 * 60, To: 12*60 + 30}, appointments.Slot{Weekday: d, From: 13*60 + 30, To: 17 * 60})
	}
	for _, a := range advisers {
		if err := s.SeedAvailability(ctx, tx, a, week); err != nil {
			return nil, err
		}
	}
	return rooms, nil
}

// at10 is 10am London time on the first working day at or after t.
func at10(t time.Time) time.Time {
	d := t.In(workdays.London)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, workdays.London).UTC()
}

// at10Before is 10am London time on the last working day whose hour and a
// half from 10am ends before t: a one-to-one in working hours.
func at10Before(t time.Time) time.Time {
	d := t.In(workdays.London)
	for {
		s := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, workdays.London)
		if wd := s.Weekday(); wd != time.Saturday && wd != time.Sunday && s.Add(90*time.Minute).Before(t) {
			return s.UTC()
		}
		d = d.AddDate(0, 0, -1)
	}
}

// booking is the i-th way of meeting: in a room, by phone (a number from
// Ofcom's range for drama), or by Teams or Zoom (a link on example.org).
func (w *writer) booking(i int, start time.Time) appointments.Booking {
	b := appointments.Booking{Start: start, Minutes: 60 + 30*(i%3/2)}
	switch i % 4 {
	case 0:
		b.How, b.RoomID = appointments.InPerson, w.rooms[i%len(w.rooms)]
	case 1:
		b.How, b.Caller, b.Number = appointments.Phone, appointments.AdviserCalls, fmt.Sprintf("07700 900%03d", i%1000)
	case 2:
		b.How, b.Link = appointments.Teams, fmt.Sprintf("https://teams.example.org/meet/demo-%d", i)
	default:
		b.How, b.Link = appointments.Zoom, fmt.Sprintf("https://zoom.example.org/j/9000%05d", i%100000)
	}
	return b
}

// seenAt is when a case past its one-to-one was seen: for a Seen case its
// status time; for later ones, part way from first contact to its status.
func seenAt(c *cases.Case) time.Time {
	if c.Status == cases.Seen || c.RespondedAt.IsZero() {
		return c.StatusAt
	}
	return c.RespondedAt.Add(c.StatusAt.Sub(c.RespondedAt) * 2 / 5)
}

// writeAppointments gives each case the appointments its story implies:
// a Booked case one to come (some after a missed one); a case past its
// one-to-one the one it attended; some withdrawn cases one the trainee
// cancelled; some contacted cases one the unit cancelled.
func (w *writer) writeAppointments(ctx context.Context, tx *store.Tx, cs []*cases.Case) error {
	var seeds []appointments.SeedAppointment
	add := func(sd appointments.SeedAppointment) {
		if !sd.BookedAt.Before(sd.Start) || sd.BookedAt.After(w.now) || sd.Start.After(sd.BookedAt.AddDate(1, 0, 0)) {
			return
		}
		if sd.Status != appointments.Booked && (sd.ClosedAt.After(w.now) || sd.ClosedAt.Before(sd.BookedAt)) {
			return
		}
		seeds = append(seeds, sd)
	}
	for i, c := range cs {
		if c.AssignedTo == "" || c.RespondedAt.IsZero() {
			continue
		}
		by := c.AssignedTo
		switch c.Status {
		case cases.Booked:
			if w.nth("missed", 4) {
				// Missed half way between first contact and this booking.
				missed := at10Before(c.RespondedAt.Add(c.StatusAt.Sub(c.RespondedAt) / 2))
				if missed.After(c.RespondedAt) && missed.Add(30*time.Minute).Before(c.StatusAt) {
					add(appointments.SeedAppointment{CaseID: c.ID, By: by, BookedAt: c.RespondedAt, Booking: w.booking(i+1, missed),
						Status: appointments.DidNotAttend, ClosedAt: missed.Add(30 * time.Minute), ClosedBy: by,
						NextStep: "Phone the trainee and offer a new time"})
				}
			}
			start := at10(maxTime(c.StatusAt, w.now).AddDate(0, 0, 1+i%10))
			add(appointments.SeedAppointment{CaseID: c.ID, By: by, BookedAt: c.StatusAt, Booking: w.booking(i, start), Status: appointments.Booked})
		case cases.Seen, cases.SummarySent, cases.FollowUp, cases.Closed:
			if c.Status == cases.Closed && i%3 != 0 {
				continue
			}
			start := at10Before(seenAt(c))
			booked := maxTime(c.RespondedAt, start.AddDate(0, 0, -7))
			add(appointments.SeedAppointment{CaseID: c.ID, By: by, BookedAt: booked, Booking: w.booking(i, start),
				Status: appointments.Attended, ClosedAt: start.Add(65 * time.Minute), ClosedBy: by})
		case cases.Withdrawn:
			if !w.nth("withdrawn", 3) {
				continue
			}
			start := at10(c.RespondedAt.AddDate(0, 0, 5))
			add(appointments.SeedAppointment{CaseID: c.ID, By: by, BookedAt: c.RespondedAt.Add(time.Hour), Booking: w.booking(i, start),
				Status: appointments.Cancelled, CancelledBy: appointments.ByTrainee, ClosedAt: minTime(c.StatusAt, start.Add(-time.Hour)), ClosedBy: by})
		case cases.Contacted:
			if !w.nth("unit-cancelled", 4) {
				continue
			}
			start := at10(c.RespondedAt.AddDate(0, 0, 6))
			add(appointments.SeedAppointment{CaseID: c.ID, By: by, BookedAt: c.RespondedAt.Add(2 * time.Hour), Booking: w.booking(i, start),
				Status: appointments.Cancelled, CancelledBy: appointments.ByUnit, ClosedAt: c.RespondedAt.Add(26 * time.Hour), ClosedBy: by})
		}
	}
	return w.appts.SeedAll(ctx, tx, w.now, seeds)
}

// nth counts the cases of a kind and reports whether this is the first of
// every n, so that even a small demo has one of each.
func (w *writer) nth(kind string, n int) bool {
	if w.counts == nil {
		w.counts = map[string]int{}
	}
	w.counts[kind]++
	return w.counts[kind]%n == 1
}

// demoDiscussed and demoAgreed are what made-up summaries say.
const (
	demoDiscussed = "We talked about what has been happening at work and at home, and what has made the last few months hard.\n\nThis is made-up text written by psu demo."
	demoAgreed    = "We agreed the plan below, and that you will get in touch if anything changes before the review.\n\nThis is made-up text written by psu demo."
)

// writeSummaries issues a written summary for cases with a plan whose
// summary has gone out (Summary sent, Follow-up, Closed), up to
// demoSummaries in the whole demo.
func (w *writer) writeSummaries(ctx context.Context, tx *store.Tx, planned []plans.SeedPlan) error {
	var seeds []plans.SeedSummary
	for _, sp := range planned {
		c := sp.Case
		switch c.Status {
		case cases.SummarySent, cases.FollowUp, cases.Closed:
		default:
			continue
		}
		if w.summaries >= demoSummaries {
			break
		}
		at := c.StatusAt
		if c.Status != cases.SummarySent {
			at = minTime(c.StatusAt, seenAt(c).AddDate(0, 0, 3))
		}
		seeds = append(seeds, plans.SeedSummary{Case: c, By: c.AssignedTo, At: at, Discussed: demoDiscussed, Agreed: demoAgreed})
		w.summaries++
	}
	return w.plans.SeedSummaries(ctx, tx, seeds)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
