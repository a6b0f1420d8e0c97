package appointments_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

var london, _ = time.LoadLocation("Europe/London")

// nextWeekday is the London date of the first wd at least 7 days from now.
func nextWeekday(wd time.Weekday) time.Time {
	d := time.Now().In(london).AddDate(0, 0, 7)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

func mustRedirect(t *testing.T, what string, res apptest.Response, to string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), to) {
		t.Fatalf("%s: %d to %q, want a redirect to %s\n%s", what, res.StatusCode, res.Header.Get("Location"), to, res.Body)
	}
}

func appointmentIDs(t *testing.T, in *apptest.Instance, c *cases.Case) []string {
	t.Helper()
	rows, err := in.App.DB.QueryContext(ctx, `SELECT id FROM appointments WHERE case_id = ? ORDER BY created_at, id`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// startedAgo moves an appointment's time into the past, as time passing
// would.
func startedAgo(t *testing.T, in *apptest.Instance, id string) {
	t.Helper()
	if _, err := in.App.DB.ExecContext(ctx, `UPDATE appointments SET starts_at = ? WHERE id = ?`, time.Now().Add(-2*time.Hour).UTC(), id); err != nil {
		t.Fatal(err)
	}
}

// What the booking page refuses, it refuses beside the field, keeping
// what was typed; someone the case is not assigned to is refused before
// anything they posted is read; and nothing is booked meanwhile.
func TestBookingRefusals(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			a := in.Client(t)
			a.SignIn(w.adviser)
			page := "/cases/" + w.ref + "/appointments/new"
			expect(t, "case page", a.Get("/cases/"+w.ref), 200, "Appointments", "Book an appointment", "2 weeks of first contact")
			expect(t, "booking page", a.Get(page), 200, `name="minutes" type="text" value="60"`, "Book the appointment")

			day := nextWeekday(time.Tuesday)
			for _, c := range []struct {
				name string
				form url.Values
				says []string
			}{
				{"under an hour", form(day, "10:00", "45", "phone", "caller", "adviser", "phone", "07700 900982"),
					[]string{"The appointment must be at least 60 minutes long", `value="45"`, `value="07700 900982"`}},
				{"31 February", url.Values{"date-day": {"31"}, "date-month": {"2"}, "date-year": {day.Format("2006")}, "time": {"10:00"}, "minutes": {"60"}, "how": {"phone"}},
					[]string{"must be a real date", `value="31"`, `value="10:00"`}},
				{"25 o'clock", form(day, "25:00", "60", "zoom", "link-zoom", "https://zoom.us/j/123"),
					[]string{"must be a time on the clock", `value="25:00"`, `value="https://zoom.us/j/123"`}},
				{"in the past", form(time.Now().In(london).AddDate(0, 0, -3), "10:00", "60", "phone", "caller", "adviser", "phone", "07700 900982"),
					[]string{"must be in the future"}},
				{"no room", form(day, "10:00", "60", "in_person"), []string{"Select the room"}},
				{"bad number", form(day, "10:00", "60", "phone", "caller", "trainee", "phone", "12345"), []string{"Enter a phone number", `value="12345"`}},
				{"nobody calls", form(day, "10:00", "60", "phone", "phone", "07700 900982"), []string{"Select who will phone whom"}},
				{"http link", form(day, "10:00", "60", "teams", "link-teams", "http://teams.microsoft.com/x"), []string{"starting https://", `value="http://teams.microsoft.com/x"`}},
				{"no way", form(day, "10:00", "60", ""), []string{"Select how the appointment will take place"}},
			} {
				expect(t, c.name, a.Post(page, c.form), http.StatusUnprocessableEntity, append(c.says, "There is a problem")...)
			}

			other := in.CreateStaff(t, web.RoleAdviser)
			o := in.Client(t)
			o.SignIn(other)
			expect(t, "another adviser's booking page", o.Get(page), http.StatusForbidden, "assigned to another adviser")
			expect(t, "another adviser books", o.Post(page, form(day, "10:00", "60", "phone", "caller", "adviser", "phone", "07700 900982")),
				http.StatusForbidden, "assigned to another adviser")
			if ids := appointmentIDs(t, in, w.c); len(ids) != 0 {
				t.Fatalf("%d appointments booked by refused posts", len(ids))
			}
			if c := w.caseNow(t); c.Status != cases.Contacted {
				t.Errorf("the case moved to %s", c.Status)
			}

			// A case not yet contacted cannot be booked.
			fresh := applied(t, in, "later@example.com", "Later Trainee", true)
			l := in.Client(t)
			l.SignIn(w.lead)
			expect(t, "book before first contact", l.Post("/cases/"+fresh+"/appointments/new", form(day, "10:00", "60", "phone", "caller", "adviser", "phone", "07700 900982")),
				http.StatusUnprocessableEntity, "Record the first contact")
		})
	}
}

// Book (with the warnings a clash and a time outside the adviser's
// availability bring, then booked anyway), change, record attendance,
// book again and cancel, book again and record a missed appointment: each
// moves the case as the state machine says, goes on the timeline and the
// audit trail, and mails the trainee what their calendar needs.
func TestAppointmentLife(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			admin := in.CreateStaff(t, web.RoleAdministrator)
			d := in.Client(t)
			d.SignIn(admin)
			expect(t, "rooms page", d.Get("/admin/rooms"), 200, "There are no rooms yet", `value="24"`)
			mustRedirect(t, "add a room", d.Post("/admin/rooms", url.Values{"name": {"Meeting room 2"}, "address": {"Stewart House\n32 Russell Square, London"}}), "/admin/rooms")
			expect(t, "same name", d.Post("/admin/rooms", url.Values{"name": {"meeting ROOM 2"}, "address": {"Elsewhere"}}), 422, "There is already a room called")
			expect(t, "no address", d.Post("/admin/rooms", url.Values{"name": {"Room 3"}}), 422, "Enter the address")
			mustRedirect(t, "add another", d.Post("/admin/rooms", url.Values{"name": {"Old annexe"}, "address": {"1 Back Lane"}}), "/admin/rooms")
			var roomID, oldID string
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM appointment_rooms WHERE name = 'Meeting room 2'`), &roomID)
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM appointment_rooms WHERE name = 'Old annexe'`), &oldID)
			mustRedirect(t, "retire a room", d.Post("/admin/rooms/"+oldID, url.Values{"name": {"Old annexe"}, "address": {"1 Back Lane"}}), "/admin/rooms")
			expect(t, "reminder hours too many", d.Post("/admin/rooms/reminder", url.Values{"hours": {"500"}}), 422, "from 1 to 168")
			if res := d.Get("/cases/" + w.ref); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusSeeOther {
				t.Errorf("an administrator reached a case: %d", res.StatusCode)
			}

			a := in.Client(t)
			a.SignIn(w.adviser)
			mustRedirect(t, "availability", a.Post("/appointments/availability", url.Values{"weekday": {"1"}, "from": {"9am"}, "to": {"12:30pm"}}), "/appointments/availability")
			expect(t, "overlap", a.Post("/appointments/availability", url.Values{"weekday": {"1"}, "from": {"12:00"}, "to": {"13:00"}}), 422, "This overlaps your Monday 9am to 12:30pm")
			expect(t, "backwards", a.Post("/appointments/availability", url.Values{"weekday": {"2"}, "from": {"15:00"}, "to": {"13:00"}}), 422, "The end time must be after the start time")
			expect(t, "availability page", a.Get("/appointments/availability"), 200, "Monday", "9am to 12:30pm")

			page := "/cases/" + w.ref + "/appointments/new"
			expect(t, "booking page", a.Get(page), 200, "Meeting room 2", "Your weekly availability: Monday 9am to 12:30pm")
			if strings.Contains(a.Get(page).Body, "Old annexe") {
				t.Error("a retired room is offered")
			}
			tue := nextWeekday(time.Tuesday)
			f := form(tue, "2:30pm", "60", "in_person", "room", roomID)
			res := a.Post(page, f)
			expect(t, "outside availability", res, 200, "Check before you book", "is outside your weekly availability. You have no times on Tuesdays.", "Book anyway")
			if n := len(appointmentIDs(t, in, w.c)); n != 0 {
				t.Fatal("booked before the warning was seen")
			}
			f.Set("confirm", between(res.Body, `name="confirm" value="`, `"`))
			mustRedirect(t, "book anyway", a.Post(page, f), "/cases/"+w.ref)
			caseRes := a.Get("/cases/" + w.ref)
			expect(t, "case after booking", caseRes, 200, "The appointment is booked. The trainee has been sent an invitation",
				"Appointment booked for", "2:30pm to 3:30pm", "Face to face, Meeting room 2", "Stewart House")
			if c := w.caseNow(t); c.Status != cases.Booked {
				t.Fatalf("case is %s after booking", c.Status)
			}
			ids := appointmentIDs(t, in, w.c)
			first := ids[0]
			expect(t, "a second booking", a.Post(page, form(tue, "4pm", "60", "in_person", "room", roomID)), 422, "already has an appointment booked")

			// Another case of the same adviser, at the same time: a clash.
			w2ref := applied(t, in, "second@example.com", "Second Trainee", false)
			c2, _ := in.App.Cases.ByReference(ctx, in.App.DB, w2ref)
			if err := in.App.Cases.Assign(ctx, cases.Viewer{UserID: w.lead.ID, Lead: true}, c2.ID, w.adviser.ID); err != nil {
				t.Fatal(err)
			}
			if err := in.App.Cases.MarkContacted(ctx, w.adviserV, c2.ID, "email"); err != nil {
				t.Fatal(err)
			}
			res = a.Post("/cases/"+w2ref+"/appointments/new", form(tue, "3pm", "90", "phone", "caller", "adviser", "phone", "07700 900123"))
			expect(t, "clash", res, 200, "You already have an appointment on", "2:30pm to 3:30pm")
			f2 := form(tue, "3pm", "90", "phone", "caller", "adviser", "phone", "07700 900123")
			f2.Set("confirm", between(res.Body, `name="confirm" value="`, `"`))
			mustRedirect(t, "book the clash anyway", a.Post("/cases/"+w2ref+"/appointments/new", f2), "/cases/"+w2ref)
			expect(t, "no consent", a.Get("/cases/"+w2ref), 200, "did not agree to e-mail about their case")

			// Change the first: a new time, sent as SEQUENCE 1.
			change := "/cases/" + w.ref + "/appointments/" + first + "/change"
			expect(t, "change page", a.Get(change), 200, "Change the appointment", `value="14:30"`)
			expect(t, "nothing changed", a.Post(change, form(tue, "14:30", "60", "in_person", "room", roomID)), 422, "Nothing has changed")
			mon := nextWeekday(time.Monday)
			mustRedirect(t, "change", a.Post(change, form(mon, "10:00", "60", "teams", "link-teams", "https://teams.microsoft.com/l/meetup-join/abc")), "/cases/"+w.ref)
			expect(t, "case after change", a.Get("/cases/"+w.ref), 200, "The appointment has changed", "Appointment changed to", "Microsoft Teams", "https://teams.microsoft.com/l/meetup-join/abc")

			// Attendance waits for the time.
			outcome := "/cases/" + w.ref + "/appointments/" + first + "/outcome"
			expect(t, "outcome too soon", a.Get(outcome), 200, "once the appointment has started")
			expect(t, "outcome too soon, posted", a.Post(outcome, url.Values{"outcome": {"attended"}}), 422, "once it has started")
			startedAgo(t, in, first)
			expect(t, "no outcome chosen", a.Post(outcome, url.Values{}), 422, "Select whether the trainee attended")
			mustRedirect(t, "attended", a.Post(outcome, url.Values{"outcome": {"attended"}}), "/cases/"+w.ref)
			if c := w.caseNow(t); c.Status != cases.Seen {
				t.Fatalf("case is %s after attendance", c.Status)
			}
			expect(t, "case after attendance", a.Get("/cases/"+w.ref), 200, "The appointment is recorded as attended", "The trainee attended the appointment")

			// From Seen, another booking; the trainee cancels it.
			mustRedirect(t, "book a second", a.Post(page, form(mon, "11am", "60", "zoom", "link-zoom", "https://nhs.zoom.us/j/99")), "/cases/"+w.ref)
			ids = appointmentIDs(t, in, w.c)
			second := ids[len(ids)-1]
			cancel := "/cases/" + w.ref + "/appointments/" + second + "/cancel"
			expect(t, "cancel page", a.Get(cancel), 200, "The trainee is sent the cancellation")
			expect(t, "cancel by nobody", a.Post(cancel, url.Values{}), 422, "Select who cancelled the appointment")
			mustRedirect(t, "cancel", a.Post(cancel, url.Values{"by": {"trainee"}, "reason": {"Exam clash"}}), "/cases/"+w.ref)
			if c := w.caseNow(t); c.Status != cases.Contacted {
				t.Fatalf("case is %s after cancelling", c.Status)
			}
			expect(t, "case after cancel", a.Get("/cases/"+w.ref), 200, "The appointment is cancelled. The trainee has been sent the cancellation",
				"Cancelled by the trainee", "Appointment cancelled by the trainee", "Reason: Exam clash")
			expect(t, "cancel twice", a.Post(cancel, url.Values{"by": {"unit"}}), 422, "already recorded as cancelled")

			// A third, missed.
			mustRedirect(t, "book a third", a.Post(page, form(mon, "11:30am", "60", "phone", "caller", "trainee", "phone", "020 7946 0991")), "/cases/"+w.ref)
			ids = appointmentIDs(t, in, w.c)
			third := ids[len(ids)-1]
			startedAgo(t, in, third)
			outcome = "/cases/" + w.ref + "/appointments/" + third + "/outcome"
			expect(t, "missed without a next step", a.Post(outcome, url.Values{"outcome": {"did_not_attend"}}), 422, "Enter what happens next")
			mustRedirect(t, "missed", a.Post(outcome, url.Values{"outcome": {"did_not_attend"}, "next-step": {"Offer a phone call next week"}}), "/cases/"+w.ref)
			if c := w.caseNow(t); c.Status != cases.Contacted {
				t.Fatalf("case is %s after a missed appointment", c.Status)
			}
			expect(t, "case after a missed appointment", a.Get("/cases/"+w.ref), 200, "Did not attend", "Offer a phone call next week", "The trainee did not attend")

			// A fourth, cancelled by the unit after its time: nothing is sent.
			mustRedirect(t, "book a fourth", a.Post(page, form(mon, "9am", "60", "in_person", "room", roomID)), "/cases/"+w.ref)
			ids = appointmentIDs(t, in, w.c)
			fourth := ids[len(ids)-1]
			startedAgo(t, in, fourth)
			mustRedirect(t, "cancel after the time", a.Post("/cases/"+w.ref+"/appointments/"+fourth+"/cancel", url.Values{"by": {"unit"}}), "/cases/"+w.ref)
			expect(t, "case after a late cancel", a.Get("/cases/"+w.ref), 200, "The appointment is recorded as cancelled.")

			// What the trainee was sent: invitation, change, second invitation,
			// its cancellation, third and fourth invitations.
			var methods []string
			for _, m := range appointmentMails(t, in, 6) {
				method, _ := calendarIn(t, m)
				methods = append(methods, m.Subject+": "+method)
			}
			for _, want := range []string{"with the Professional Support Unit: REQUEST", "has changed: REQUEST", "is cancelled: CANCEL"} {
				found := false
				for _, m := range methods {
					found = found || strings.HasSuffix(m, want)
				}
				if !found {
					t.Errorf("no %q among %v", want, methods)
				}
			}
			for _, action := range []string{"appointment.book", "appointment.reschedule", "appointment.attended", "appointment.cancel", "appointment.did_not_attend", "room.add", "room.change", "appointments.availability_add"} {
				var n int
				store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action), &n)
				if n == 0 {
					t.Errorf("no %s in the audit trail", action)
				}
			}
			// What the trainee typed and the links are sealed.
			var sealed []byte
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT next_step FROM appointments WHERE id = ?`, third), &sealed)
			if len(sealed) == 0 || strings.Contains(string(sealed), "Offer a phone call") {
				t.Error("the next step is not sealed")
			}
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT details FROM appointments WHERE id = ?`, first), &sealed)
			if len(sealed) == 0 || strings.Contains(string(sealed), "teams.microsoft.com") {
				t.Error("the join link is not sealed")
			}
		})
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	return s[:strings.Index(s, to)]
}
