package appointments_test

import (
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// Book, change, cancel, book again and record attendance, in Chromium with
// JavaScript on and off, on both engines; every page passes axe, its
// error state too. The administrator's rooms page and the adviser's
// availability page as well.
func TestAppointmentsInChromium(t *testing.T) {
	b := webtest.New(t)
	for _, e := range storetest.Engines {
		for _, mode := range []struct {
			name string
			opts []webtest.Option
		}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
			t.Run(string(e)+"/"+mode.name, func(t *testing.T) {
				in := apptest.Start(t, e)
				w := newWorld(t, in)
				admin := in.CreateStaff(t, web.RoleAdministrator)
				if _, err := in.App.Appointments.SaveRoom(ctx, cases.Viewer{UserID: admin.ID, Roles: "administrator"},
					appointments.Room{Name: "Meeting room 2", Address: "Stewart House, 32 Russell Square", Active: true}); err != nil {
					t.Fatal(err)
				}
				day := nextWeekday(time.Wednesday)

				tab := b.Tab(t, mode.opts...)
				signIn(t, tab, in.URL, w.adviser)
				tab.Visit(in.URL + "/cases/" + w.ref)
				if !strings.Contains(tab.Text("main"), "Appointments") {
					t.Fatalf("no appointments panel:\n%s", tab.Text("main"))
				}
				tab.Axe()
				tab.Click(`a[href$="/appointments/new"]`)
				tab.Axe()
				tab.Fill("#minutes", "45")
				tab.Click(`form[action$="/appointments/new"] button[type=submit]`)
				summary := tab.Text(".nhsuk-error-summary")
				if !strings.Contains(summary, "Enter the date of the appointment") || !strings.Contains(summary, "at least 60 minutes") {
					t.Errorf("error summary: %q", summary)
				}
				tab.Axe()
				tab.Fill("#date", day.Format("2"))
				tab.Fill("#date-month", day.Format("1"))
				tab.Fill("#date-year", day.Format("2006"))
				tab.Fill("#time", "10:30am")
				tab.Fill("#minutes", "60")
				tab.Check("#how-phone")
				tab.Check("#caller")
				tab.Fill("#phone", "07700 900982")
				tab.Click(`form[action$="/appointments/new"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "The appointment is booked") {
					t.Fatalf("after booking: %q", tab.Text("main"))
				}
				if !strings.Contains(tab.Text("main"), "10:30am to 11:30am") {
					t.Errorf("the booked time is not on the case")
				}
				tab.Axe()

				tab.Click(`a[href$="/change"]`)
				tab.Axe()
				tab.Fill("#time", "2pm")
				tab.Click(`form[action$="/change"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "The appointment has changed") || !strings.Contains(tab.Text("main"), "2pm to 3pm") {
					t.Fatalf("after changing: %q", tab.Text("main"))
				}
				tab.Axe()

				tab.Click(`a[href$="/cancel"]`)
				tab.Axe()
				tab.Click(`form[action$="/cancel"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-error-summary"), "Select who cancelled") {
					t.Errorf("cancel with no choice: %q", tab.Text("main"))
				}
				tab.Axe()
				tab.Check("#by")
				tab.Click(`form[action$="/cancel"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "The appointment is cancelled") {
					t.Fatalf("after cancelling: %q", tab.Text("main"))
				}
				tab.Axe()

				tab.Click(`a[href$="/appointments/new"]`)
				tab.Fill("#date", day.Format("2"))
				tab.Fill("#date-month", day.Format("1"))
				tab.Fill("#date-year", day.Format("2006"))
				tab.Fill("#time", "11:00")
				tab.Check("#how")
				tab.Check("#room")
				tab.Click(`form[action$="/appointments/new"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "The appointment is booked") {
					t.Fatalf("booking face to face: %q", tab.Text("main"))
				}
				ids := appointmentIDs(t, in, w.c)
				startedAgo(t, in, ids[len(ids)-1])
				tab.Visit(in.URL + "/cases/" + w.ref)
				tab.Click(`a[href$="/outcome"]`)
				tab.Axe()
				tab.Check("#outcome")
				tab.Click(`form[action$="/outcome"] button[type=submit]`)
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "recorded as attended") {
					t.Fatalf("after recording attendance: %q", tab.Text("main"))
				}
				tab.Axe()
				if c := w.caseNow(t); c.Status != cases.Seen {
					t.Errorf("the case is %s", c.Status)
				}

				tab.Visit(in.URL + "/appointments/availability")
				tab.Axe()
				tab.Click(`form[action="/appointments/availability"] button[type=submit]`)
				tab.Axe()
				tab.Check("#weekday")
				tab.Fill("#from", "9am")
				tab.Fill("#to", "1pm")
				tab.Click(`form[action="/appointments/availability"] button[type=submit]`)
				if !strings.Contains(tab.Text("main"), "9am to 1pm") {
					t.Errorf("availability: %q", tab.Text("main"))
				}
				tab.Axe()

				at := webtest.New(t).Tab(t, mode.opts...)
				signIn(t, at, in.URL, admin)
				at.Visit(in.URL + "/admin/rooms")
				at.Axe()
				at.Click(`form[action="/admin/rooms"] button[type=submit]`)
				at.Axe()
				at.Click(`a[href^="/admin/rooms/"]`)
				at.Axe()
			})
		}
	}
}
