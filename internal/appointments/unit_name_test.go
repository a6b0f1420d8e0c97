package appointments_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A unit that renames itself at /admin/settings/unit is named so in the
// trainee's invitation: its subject, its text and the calendar event.
func TestInvitationNamesTheUnitAsSet(t *testing.T) {
	const unit = "Harbour Deanery Support Unit"
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			if err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
				return settings.Set(ctx, tx, settings.KeyUnitName, unit, "")
			}); err != nil {
				t.Fatal(err)
			}
			w := newWorld(t, in)
			b := appointments.Booking{Start: nextWeekday(time.Tuesday).Add(10 * time.Hour), Minutes: 60, How: appointments.Phone,
				Caller: appointments.AdviserCalls, Number: "07700 900123"}
			_, err := in.App.Appointments.Book(ctx, w.adviserV, w.c.ID, b, "")
			var ce *appointments.ConfirmError
			if errors.As(err, &ce) {
				_, err = in.App.Appointments.Book(ctx, w.adviserV, w.c.ID, b, ce.Token)
			}
			if err != nil {
				t.Fatal(err)
			}
			m := appointmentMails(t, in, 1)[0]
			if m.Subject != "Your appointment with the "+unit {
				t.Errorf("subject %q", m.Subject)
			}
			if text := textPart(t, m); !strings.Contains(text, "appointment with the "+unit+" is booked") || strings.Contains(text, settings.DefaultUnit.Name) {
				t.Errorf("the invitation does not name the unit as set:\n%s", text)
			}
			_, data := calendarIn(t, m)
			_, ev := decodeEvent(t, data)
			if s := propText(t, ev.Props, ical.PropSummary); !strings.HasPrefix(s, unit+" appointment") {
				t.Errorf("SUMMARY %q", s)
			}
			if org := ev.Props.Get(ical.PropOrganizer); org == nil || org.Params.Get(ical.ParamCommonName) != unit {
				t.Errorf("ORGANIZER %v", org)
			}
			if strings.Contains(string(data), settings.DefaultUnit.Name) {
				t.Errorf("the calendar still names %q", settings.DefaultUnit.Name)
			}
		})
	}
}
