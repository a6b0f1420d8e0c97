package appointments_test

import (
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// psu demo's appointments, in every state, read on the case page as real
// ones do; a seed booking could not have made is refused and writes
// nothing.
func TestSeedAppointmentsInEveryState(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			s := in.App.Appointments
			if err := in.App.Cases.Move(ctx, w.adviserV, w.c.ID, cases.Booked, "", ""); err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC().Truncate(time.Minute)
			day := func(d int, h int) time.Time {
				return now.AddDate(0, 0, d).Truncate(24 * time.Hour).Add(time.Duration(h) * time.Hour)
			}
			phone := appointments.Booking{Minutes: 60, How: appointments.Phone, Caller: appointments.AdviserCalls, Number: "07700 900982"}
			at := func(b appointments.Booking, start time.Time) appointments.Booking { b.Start = start; return b }
			by := w.adviser.ID

			var roomID string
			err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
				var err error
				if roomID, err = s.SeedRoom(ctx, tx, appointments.Room{Name: "Meeting room 1", Address: "Stewart House", Active: true}, day(-60, 9)); err != nil {
					return err
				}
				if err := s.SeedAvailability(ctx, tx, w.adviser.ID, []appointments.Slot{{Weekday: 1, From: 540, To: 1020}, {Weekday: 3, From: 540, To: 720}}); err != nil {
					return err
				}
				room := appointments.Booking{Minutes: 90, How: appointments.InPerson, RoomID: roomID}
				return s.SeedAll(ctx, tx, now, []appointments.SeedAppointment{
					{CaseID: w.c.ID, By: by, BookedAt: day(-30, 9), Booking: at(room, day(-20, 10)), Status: appointments.Attended, ClosedAt: day(-20, 13), ClosedBy: by},
					{CaseID: w.c.ID, By: by, BookedAt: day(-18, 9), Booking: at(phone, day(-15, 14)), Status: appointments.DidNotAttend, ClosedAt: day(-15, 16), ClosedBy: by, NextStep: "Offer another time by e-mail"},
					{CaseID: w.c.ID, By: by, BookedAt: day(-14, 9), Booking: at(appointments.Booking{Minutes: 60, How: appointments.Zoom, Link: "https://nhs.zoom.us/j/7"}, day(-10, 11)),
						Status: appointments.Cancelled, CancelledBy: appointments.ByTrainee, ClosedAt: day(-12, 9), ClosedBy: by},
					{CaseID: w.c.ID, By: by, BookedAt: day(-9, 9), Booking: at(phone, day(-8, 15)), Status: appointments.Cancelled, CancelledBy: appointments.ByUnit, ClosedAt: day(-7, 9), ClosedBy: by},
					{CaseID: w.c.ID, By: by, BookedAt: day(-2, 9), Booking: at(appointments.Booking{Minutes: 60, How: appointments.Teams, Link: "https://teams.microsoft.com/l/x"}, day(5, 10)), Status: appointments.Booked},
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			a := in.Client(t)
			a.SignIn(w.adviser)
			expect(t, "case page", a.Get("/cases/"+w.ref), 200, "Attended", "Did not attend", "Offer another time by e-mail", "Cancelled by the trainee",
				"Cancelled by the unit", "Meeting room 1", "https://teams.microsoft.com/l/x", "Appointment booked for",
				"The trainee attended the appointment", "E-mail sent to the trainee: Your appointment with the Professional Support Unit is cancelled")
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE detail = 'demo' AND action LIKE 'appointment.%'`); n != 5 {
				t.Errorf("%d seeded appointments audited", n)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM appointments WHERE status = 'attended' AND reminder_sent_at IS NOT NULL`); n != 1 {
				t.Error("the attended appointment's reminder is not recorded")
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM outbox WHERE kind LIKE 'appointments.%'`); n != 0 {
				t.Errorf("seeding queued %d e-mails", n)
			}

			before := count(t, in.App.DB, `SELECT COUNT(*) FROM appointments`)
			for what, sd := range map[string]appointments.SeedAppointment{
				"a second booked":   {CaseID: w.c.ID, By: by, BookedAt: day(-1, 9), Booking: at(phone, day(6, 10)), Status: appointments.Booked},
				"45 minutes":        {CaseID: w.c.ID, By: by, BookedAt: day(-5, 9), Booking: appointments.Booking{Start: day(-4, 10), Minutes: 45, How: appointments.Phone, Caller: "adviser", Number: "07700 900982"}, Status: appointments.Attended, ClosedAt: day(-4, 12), ClosedBy: by},
				"attended too soon": {CaseID: w.c.ID, By: by, BookedAt: day(-5, 9), Booking: at(phone, day(-4, 10)), Status: appointments.Attended, ClosedAt: day(-4, 9), ClosedBy: by},
				"missed, no step":   {CaseID: w.c.ID, By: by, BookedAt: day(-5, 9), Booking: at(phone, day(-4, 10)), Status: appointments.DidNotAttend, ClosedAt: day(-4, 12), ClosedBy: by},
			} {
				err := in.App.DB.Tx(ctx, func(tx *store.Tx) error { return s.SeedAll(ctx, tx, now, []appointments.SeedAppointment{sd}) })
				if err == nil || !strings.Contains(err.Error(), "seed 1") {
					t.Errorf("%s: %v", what, err)
				}
			}
			if after := count(t, in.App.DB, `SELECT COUNT(*) FROM appointments`); after != before {
				t.Errorf("refused seeds wrote %d appointments", after-before)
			}
		})
	}
}
