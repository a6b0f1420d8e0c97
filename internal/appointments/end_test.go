package appointments_test

import (
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A case that ends (here, the trainee withdraws) takes its appointment to
// come with it: cancelled by the unit on the timeline, and the trainee's
// calendar sent the cancellation (METHOD:CANCEL, the same UID, a higher
// SEQUENCE), read by go-ical.
func TestEndingACaseCancelsWhatIsToCome(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			a := in.Client(t)
			a.SignIn(w.adviser)
			mon := nextWeekday(time.Monday)
			page := "/cases/" + w.ref + "/appointments/new"
			res := a.Post(page, form(mon, "10am", "60", "teams", "link-teams", "https://teams.microsoft.com/l/meetup-join/end"))
			if res.StatusCode == 200 && strings.Contains(res.Body, `name="confirm"`) {
				f := form(mon, "10am", "60", "teams", "link-teams", "https://teams.microsoft.com/l/meetup-join/end")
				f.Set("confirm", between(res.Body, `name="confirm" value="`, `"`))
				res = a.Post(page, f)
			}
			mustRedirect(t, "book", res, "/cases/"+w.ref)
			if err := in.App.Cases.Move(ctx, w.adviserV, w.c.ID, cases.Withdrawn, "", "The trainee found support elsewhere"); err != nil {
				t.Fatal(err)
			}
			var status, by string
			var seq int
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT status, cancelled_by, sequence FROM appointments WHERE case_id = ?`, w.c.ID), &status, &by, &seq); err != nil {
				t.Fatal(err)
			}
			if status != "cancelled" || by != "unit" || seq != 1 {
				t.Errorf("after withdrawal the appointment is %s by %q, sequence %d", status, by, seq)
			}
			expect(t, "case page", a.Get("/cases/"+w.ref), 200, "Appointment cancelled by the unit, as the case is now Withdrawn")
			mails := appointmentMails(t, in, 2)
			method, data := calendarIn(t, mails[1])
			_, ev := decodeEvent(t, data)
			_, first := decodeEvent(t, func() []byte { _, d := calendarIn(t, mails[0]); return d }())
			if method != "CANCEL" || propText(t, ev.Props, "UID") != propText(t, first.Props, "UID") || propText(t, ev.Props, "SEQUENCE") != "1" {
				t.Errorf("cancellation: method %s, UID %s (invitation %s), SEQUENCE %s", method,
					propText(t, ev.Props, "UID"), propText(t, first.Props, "UID"), propText(t, ev.Props, "SEQUENCE"))
			}
		})
	}
}
