package cases_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
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

// The walk-through, in a real browser with and without
// JavaScript, on both engines: a lead finds a new application, opens it,
// sees its document, assigns it; the adviser sees it (and only their
// cases), marks it contacted and adds a note. Every page passes axe.
func TestLeadAndAdviserInChromium(t *testing.T) {
	b := webtest.New(t)
	for _, e := range storetest.Engines {
		for _, mode := range []struct {
			name string
			opts []webtest.Option
		}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
			t.Run(string(e)+"/"+mode.name, func(t *testing.T) {
				in := apptest.Start(t, e)
				ref := applied(t, in, "heron.applicant@example.com", "Heron Applewood", "Pangolin-blue situation")
				other := applied(t, in, "someone.else@example.com", "Someone Else", "Another story")
				lead, adviser := in.CreateStaff(t, web.RoleTriageLead), in.CreateStaff(t, web.RoleAdviser)

				tab := b.Tab(t, mode.opts...)
				signIn(t, tab, in.URL, lead)
				if got := tab.Text("h1"); !strings.Contains(got, "Hello") {
					t.Fatalf("after sign-in: %q at %s", got, tab.URL())
				}
				tab.Axe()
				tab.Click(`a[href="/cases"]`)
				if !strings.Contains(tab.Text("main"), ref) || !strings.Contains(tab.Text("main"), "Heron Applewood") {
					t.Fatalf("queue lacks the new application:\n%s", tab.Text("main"))
				}
				tab.Axe()
				tab.Click(`a[href="/cases/` + ref + `"]`)
				if got := tab.Text("h1"); got != "Heron Applewood" {
					t.Fatalf("case page h1 %q", got)
				}
				if !strings.Contains(tab.Text("main"), "Pangolin-blue situation") || !strings.Contains(tab.HTML(), "/documents/") {
					t.Error("the case page lacks the application or its document")
				}
				tab.Axe()
				tab.Click(`a[href="/cases/` + ref + `/assign"]`)
				tab.Axe()
				tab.Click("form button[type=submit]")
				if !strings.Contains(tab.Text(".nhsuk-error-summary"), "Select an adviser") {
					t.Errorf("assign with no choice: %q", tab.Text("main"))
				}
				tab.Axe()
				tab.Check(`input[value="` + adviser.ID + `"]`)
				tab.Click("form button[type=submit]")
				if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "assigned") {
					t.Errorf("no confirmation after assigning: %q", tab.Text("main"))
				}
				tab.Axe()

				at := webtest.New(t).Tab(t, mode.opts...)
				signIn(t, at, in.URL, adviser)
				at.Visit(in.URL + "/cases")
				queue := at.Text("main")
				if !strings.Contains(queue, ref) || strings.Contains(queue, other) {
					t.Errorf("the adviser's queue: %s", queue)
				}
				at.Axe()
				at.Click(`a[href="/cases/` + ref + `"]`)
				at.Click(`form[action$="/notes"] button[type=submit]`)
				if !strings.Contains(at.Text(".nhsuk-error-summary"), "Enter the note") {
					t.Errorf("empty note: %q", at.Text("main"))
				}
				at.Axe()
				at.Check(`input[name="how"][value="email"]`)
				at.Click(`form[action$="/contacted"] button[type=submit]`)
				if !strings.Contains(at.Text("main"), "First contact recorded") {
					t.Errorf("after marking contacted: %q", at.Text("main"))
				}
				at.Fill("#note", "Ibis-green: booked a call for Tuesday")
				at.Click(`form[action$="/notes"] button[type=submit]`)
				if !strings.Contains(at.Text("main"), "Ibis-green: booked a call for Tuesday") {
					t.Errorf("the note is not on the case: %q", at.Text("main"))
				}
				at.Axe()
			})
		}
	}
}
