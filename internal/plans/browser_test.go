package plans_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

func signIn(t *testing.T, tab *webtest.Tab, base string, s apptest.Staff) {
	t.Helper()
	tab.Visit(base + "/sign-in")
	tab.Fill("#email", s.Email)
	tab.Fill("#password", s.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, s.Secret))
	tab.Click("form button[type=submit]")
}

// waitText waits until the element's text holds want.
func waitText(t *testing.T, tab *webtest.Tab, selector, want string) string {
	t.Helper()
	var got string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if got = tab.Text(selector); strings.Contains(got, want) {
			return got
		}
	}
	t.Fatalf("%s says %q, want %q", selector, got, want)
	return got
}

// With JavaScript on, session notes save themselves a few seconds after
// the adviser stops typing, without any button: when the session then
// times out, nothing typed before the pause is lost, and the page says
// plainly that what follows is not saved.
func TestAutosaveAcrossSessionTimeout(t *testing.T) {
	b := webtest.New(t)
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			sc := seenCase(t, in, "autosave.trainee@example.com", false)
			tab := b.Tab(t)
			signIn(t, tab, in.URL, sc.Adviser)
			step := time.Now().Unix() / 30 // the sign-in code's step: a code is good once
			tab.Visit(in.URL + "/cases/" + sc.Ref)
			tab.Click(`a[href*="/session-notes/"]`)
			notes := tab.URL()
			if !tab.ScriptsRan() {
				t.Fatal("JavaScript did not run")
			}
			tab.Axe()
			tab.Fill("#notes", "Discussed the exam resit. Pelican-umber.")
			waitText(t, tab, "#notes-status", "Saved at")

			// The session times out (as after two idle hours).
			if _, err := in.App.DB.ExecContext(context.Background(), `DELETE FROM sessions`); err != nil {
				t.Fatal(err)
			}
			tab.Fill("#notes", "Discussed the exam resit. Pelican-umber. Typed after the timeout.")
			waitText(t, tab, "#notes-status", "you may have been signed out")

			for time.Now().Unix()/30 == step {
				time.Sleep(250 * time.Millisecond)
			}
			signIn(t, tab, in.URL, sc.Adviser)
			tab.Visit(notes)
			if got := tab.HTML(); !strings.Contains(got, "Pelican-umber") || strings.Contains(got, "after the timeout") {
				t.Errorf("after signing in again the notes page is:\n%s", got)
			}
			tab.Axe()
		})
	}
}

// The pages after the one-to-one, in Chromium with JavaScript on and off,
// on both engines, each passing axe: the plan (a goal, an action, a
// service from the directory), the summary's preview and issue, the
// follow-up date, closing the case, and the administrator's outcomes page.
func TestAfterTheSessionInChromium(t *testing.T) {
	b := webtest.New(t)
	for _, e := range storetest.Engines {
		for _, mode := range []struct {
			name string
			opts []webtest.Option
		}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
			t.Run(string(e)+"/"+mode.name, func(t *testing.T) {
				in := apptest.Start(t, e)
				sc := seenCase(t, in, "chromium.trainee@example.com", true)
				tab := b.Tab(t, mode.opts...)
				signIn(t, tab, in.URL, sc.Adviser)
				ref := "/cases/" + sc.Ref
				tab.Visit(in.URL + ref)
				tab.Axe()

				tab.Click(`a[href="` + ref + `/plan"]`)
				tab.Axe()
				tab.Click(`form[action$="/plan/goals"] button`)
				waitText(t, tab, ".nhsuk-error-summary", "Enter the goal")
				tab.Axe()
				tab.Fill("#goal", "Pass the resit")
				tab.Click(`form[action$="/plan/goals"] button`)
				tab.Click(`a[href$="/actions"]`)
				tab.Axe()
				tab.Click(`form[action$="/actions"] button[type=submit]`)
				waitText(t, tab, ".nhsuk-error-summary", "Enter what will be done")
				tab.Axe()
				tab.Fill("#what", "Book a mock exam")
				tab.Fill("#who", "Trainee")
				next := time.Now().AddDate(0, 2, 0)
				tab.Fill("#due-day", strconv.Itoa(next.Day()))
				tab.Fill("#due-month", strconv.Itoa(int(next.Month())))
				tab.Fill("#due-year", strconv.Itoa(next.Year()))
				tab.Click(`form[action$="/actions"] button[type=submit]`)
				waitText(t, tab, "main", "Book a mock exam")
				tab.Fill("#q", "dyslexia")
				tab.Click(`form[role=search] button`)
				tab.Axe()
				tab.Click(`form[action$="/plan/services"] button`)
				waitText(t, tab, ".nhsuk-notification-banner", "Service added")
				tab.Axe()

				tab.Visit(in.URL + ref + "/summary")
				tab.Axe()
				tab.Fill("#discussed", "How the exam went.")
				tab.Fill("#agreed", "A mock exam first.")
				tab.Click(`button[value=preview]`)
				waitText(t, tab, "main", "Check the summary before you issue it")
				if got := tab.Text(".psu-summary"); !strings.Contains(got, trainee) || !strings.Contains(got, "Book a mock exam") {
					t.Errorf("preview: %q", got)
				}
				tab.Axe()
				tab.Click(`form[action$="/summary/issue"] button`)
				waitText(t, tab, ".nhsuk-notification-banner", "The written summary has been issued")
				tab.Axe()

				tab.Visit(in.URL + ref + "/review")
				tab.Axe()
				tab.Fill("#review-day", "40")
				tab.Click(`form[action$="/review"] button`)
				waitText(t, tab, ".nhsuk-error-summary", "must include a month and a year")
				tab.Axe()
				tab.Fill("#review-day", strconv.Itoa(next.Day()))
				tab.Fill("#review-month", strconv.Itoa(int(next.Month())))
				tab.Fill("#review-year", strconv.Itoa(next.Year()))
				tab.Click(`form[action$="/review"] button`)
				waitText(t, tab, ".nhsuk-notification-banner", "The review date is saved")
				if st := status(t, in, sc.ID); st != cases.FollowUp {
					t.Errorf("after the review date the case is %s", st)
				}

				tab.Visit(in.URL + ref + "/close")
				tab.Axe()
				tab.Click(`form[action$="/close"] button`)
				waitText(t, tab, ".nhsuk-error-summary", "Select the outcome")
				tab.Axe()
				tab.Check("#outcome")
				tab.Fill("#reason", "Goals met.")
				tab.Click(`form[action$="/close"] button`)
				waitText(t, tab, ".nhsuk-notification-banner", "asked for feedback")
				tab.Axe()

				admin := webtest.New(t).Tab(t, mode.opts...) // a browser of its own: cookies are per browser
				signIn(t, admin, in.URL, in.CreateStaff(t, web.RoleAdministrator))
				admin.Visit(in.URL + "/admin/outcomes")
				admin.Axe()
				admin.Fill("#label", "Moved away")
				admin.Click(`form[action="/admin/outcomes"] button`)
				waitText(t, admin, "main", "Moved away")
				admin.Axe()
			})
		}
	}
}
