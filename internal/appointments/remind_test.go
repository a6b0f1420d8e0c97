package appointments_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.Scan(db.QueryRowContext(ctx, q, args...), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The reminder goes once, when the appointment comes within the unit's
// notice (24 hours unless changed); not for an appointment booked inside
// it (the invitation is enough), nor by e-mail to a trainee who did not
// agree to e-mail; and again for a new time after a change.
func TestReminder(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			t0 := time.Now().UTC().Truncate(time.Second)
			now := t0
			s := *in.App.Appointments
			s.Now = func() time.Time { return now }
			phone := appointments.Booking{Minutes: 60, How: appointments.Phone, Caller: appointments.AdviserCalls, Number: "07700 900982"}

			b := phone
			b.Start = t0.Add(72 * time.Hour)
			res, err := s.Book(ctx, w.adviserV, w.c.ID, b, "")
			if err != nil {
				t.Fatal(err)
			}
			if n, err := s.Remind(ctx); err != nil || n != 0 {
				t.Fatalf("three days ahead: %d reminders, %v", n, err)
			}
			now = t0.Add(48*time.Hour + time.Minute) // 23 hours 59 minutes before
			if n, err := s.Remind(ctx); err != nil || n != 1 {
				t.Fatalf("a day ahead: %d reminders, %v", n, err)
			}
			if n, _ := s.Remind(ctx); n != 0 {
				t.Fatalf("reminded again: %d", n)
			}
			var reminder string
			for _, m := range appointmentMails(t, in, 2) {
				if strings.HasPrefix(m.Subject, "Reminder:") {
					reminder = textPart(t, m)
					for _, p := range parts(t, m.Raw) {
						if p.ContentType == "text/calendar" {
							t.Error("the reminder carries a calendar part")
						}
					}
				}
			}
			if !strings.Contains(reminder, res.Appointment.When()) || !strings.Contains(reminder, "number ending 982") || strings.Contains(reminder, "07700 900982") {
				t.Errorf("the reminder says:\n%s", reminder)
			}

			// A new time needs a new reminder.
			b.Start = t0.Add(5 * 24 * time.Hour)
			if _, err := s.Reschedule(ctx, w.adviserV, w.c.ID, res.Appointment.ID, b, ""); err != nil {
				t.Fatal(err)
			}
			if n, _ := s.Remind(ctx); n != 0 {
				t.Fatalf("reminded of the new time four days early: %d", n)
			}
			now = b.Start.Add(-23 * time.Hour)
			if n, _ := s.Remind(ctx); n != 1 {
				t.Fatalf("the new time: %d reminders", n)
			}

			// Booked inside the notice: no separate reminder.
			now = t0
			lead := cases.Viewer{UserID: w.lead.ID, Lead: true}
			ref := applied(t, in, "soon@example.com", "Soon Trainee", true)
			c2, _ := in.App.Cases.ByReference(ctx, in.App.DB, ref)
			if err := in.App.Cases.MarkContacted(ctx, lead, c2.ID, "email"); err != nil {
				t.Fatal(err)
			}
			b2 := phone
			b2.Start = t0.Add(3 * time.Hour)
			if _, err := s.Book(ctx, lead, c2.ID, b2, ""); err != nil {
				t.Fatal(err)
			}
			now = t0.Add(time.Hour)
			if n, _ := s.Remind(ctx); n != 0 {
				t.Fatalf("reminded of an appointment booked 3 hours ahead: %d", n)
			}

			// No consent to e-mail: claimed, not sent.
			now = t0
			ref = applied(t, in, "quiet@example.com", "Quiet Trainee", false)
			c3, _ := in.App.Cases.ByReference(ctx, in.App.DB, ref)
			if err := in.App.Cases.MarkContacted(ctx, lead, c3.ID, "email"); err != nil {
				t.Fatal(err)
			}
			b3 := phone
			b3.Start = t0.Add(30 * time.Hour)
			if _, err := s.Book(ctx, lead, c3.ID, b3, ""); err != nil {
				t.Fatal(err)
			}
			now = t0.Add(7 * time.Hour)
			if n, _ := s.Remind(ctx); n != 1 {
				t.Fatalf("no consent: %d claimed", n)
			}
			if got := count(t, in.App.DB, `SELECT COUNT(*) FROM outbox WHERE kind = 'appointments.reminder'`); got != 2 {
				t.Errorf("%d reminders queued, want 2 (none to the trainee who did not agree)", got)
			}
			if got := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.reminder' AND detail LIKE '%not e-mailed'`); got != 1 {
				t.Errorf("%d audit entries for the reminder not e-mailed", got)
			}
		})
	}
}

// Two psu instances on one PostgreSQL, both running the reminder job and
// racing each other besides: the trainee gets one reminder.
func TestReminderOnceAcrossInstances(t *testing.T) {
	in1 := apptest.Start(t, store.Postgres)
	w := newWorld(t, in1)
	res, err := in1.App.Appointments.Book(ctx, w.adviserV, w.c.ID, appointments.Booking{Start: time.Now().Add(72 * time.Hour),
		Minutes: 60, How: appointments.Zoom, Link: "https://nhs.zoom.us/j/42"}, "")
	if err != nil {
		t.Fatal(err)
	}
	admin := in1.CreateStaff(t, web.RoleAdministrator)
	d := in1.Client(t)
	d.SignIn(admin)
	// From now the appointment is within the notice: every instance's
	// job, and the calls below, race to send its reminder.
	mustRedirect(t, "reminder hours", d.Post("/admin/rooms/reminder", map[string][]string{"hours": {"96"}}), "/admin/rooms")

	var wg sync.WaitGroup
	race := func(s *appointments.Store) {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					if _, err := s.Remind(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
	}
	race(in1.App.Appointments)
	in2 := apptest.StartOn(t, in1.DBURL) // its job runs as it starts
	race(in2.App.Appointments)
	wg.Wait()

	deadline := time.Now().Add(15 * time.Second)
	var got []mailtest.Mail
	for time.Now().Before(deadline) {
		got = nil
		for _, srv := range []*mailtest.Server{in1.SMTP, in2.SMTP} {
			for _, m := range srv.Mails() {
				if strings.HasPrefix(m.Subject, "Reminder:") {
					got = append(got, m)
				}
			}
		}
		if len(got) > 0 && count(t, in1.App.DB, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != 1 {
		t.Fatalf("%d reminders reached the trainee, want 1", len(got))
	}
	if !strings.Contains(textPart(t, got[0]), "https://nhs.zoom.us/j/42") {
		t.Error("the reminder lacks the join link")
	}
	if n := count(t, in1.App.DB, `SELECT COUNT(*) FROM outbox WHERE kind = 'appointments.reminder'`); n != 1 {
		t.Errorf("%d reminders queued", n)
	}
	if n := count(t, in1.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.reminder'`); n != 1 {
		t.Errorf("%d reminder audit entries", n)
	}
	if n := count(t, in1.App.DB, `SELECT COUNT(*) FROM appointments WHERE id = ? AND reminder_sent_at IS NOT NULL`, res.Appointment.ID); n != 1 {
		t.Error("the reminder is not recorded as sent")
	}
}
