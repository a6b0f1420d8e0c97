package editor_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The editor's pages and the public reading page in Chromium, with
// JavaScript on and off: an editor finds a listing, gets an error and puts
// it right, publishes, reads the history, works a problem report, and
// every page on the way, errors included, passes axe (WCAG 2.2 A and AA).
func TestEditorInChromium(t *testing.T) {
	b := webtest.New(t)
	in := apptest.Start(t, store.SQLite)
	ed := in.CreateStaff(t, web.RoleDirectoryEditor)
	id := entry(t, in, directory.EntryService, "Sick Doctors Trust").ID
	public := in.Client(t)

	for _, mode := range []struct {
		name string
		opts []webtest.Option
	}{{"JavaScript on", nil}, {"JavaScript off", []webtest.Option{webtest.NoJS()}}} {
		t.Run(mode.name, func(t *testing.T) {
			tab := b.Tab(t, mode.opts...)
			tab.Visit(in.URL + "/sign-in?next=/admin/directory")
			if strings.Contains(tab.URL(), "/sign-in") {
				tab.Fill("#email", ed.Email)
				tab.Fill("#password", ed.Password)
				tab.Click("form button[type=submit]")
				tab.Fill("#code", apptest.CodeFor(t, ed.Secret))
				tab.Click("form button[type=submit]")
			}
			tab.Visit(in.URL + "/admin/directory")
			if got := tab.Text("h1"); got != "Support directory" {
				t.Fatalf("after sign-in: %q at %s", got, tab.URL())
			}
			tab.Axe()
			tab.Fill("#q", "sick doc")
			tab.Click(".psu-editor-find button")
			if !strings.Contains(tab.Text("#listings"), "Sick Doctors Trust") {
				t.Errorf("finding by name: %q", tab.Text("#listings"))
			}
			tab.Axe()

			tab.Visit(in.URL + "/admin/directory/entries/" + id)
			tab.Axe()
			tab.Click("#edit")
			tab.Axe()
			tab.Fill("#phone0-number", "12345")
			tab.Click("#save-draft")
			if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "Enter a real phone number") {
				t.Errorf("error summary %q", got)
			}
			tab.Axe()
			tab.Fill("#phone0-number", "0370 444 5163")
			tab.Fill("#wait_time", "Test: "+mode.name)
			tab.Click("#save-draft")
			if got := tab.Text("h1"); got != "Sick Doctors Trust" || !strings.Contains(tab.Text(".psu-editor-diff"), "Test: "+mode.name) {
				t.Errorf("draft page %q: %q", got, tab.Text("main"))
			}
			tab.Axe()
			tab.Click("#publish")
			if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "Published as version") {
				t.Errorf("after publishing: %q", got)
			}
			tab.Axe()
			tab.Visit(in.URL + "/admin/directory/entries/" + id + "/history")
			tab.Axe()

			// A problem report, from the queue to closed.
			public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"phone-wrong"}, "details": {mode.name}})
			tab.Visit(in.URL + "/admin/directory/reports")
			tab.Axe()
			tab.Click("#open a")
			tab.Axe()
			tab.Check("#outcome-1")
			tab.Click("#close-report")
			if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "Say why") {
				t.Errorf("declining without a reason: %q", got)
			}
			tab.Axe()
			tab.Fill("#note", "The number is right.")
			tab.Click("#close-report")
			if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "closed as declined") {
				t.Errorf("after closing: %q", got)
			}
			tab.Axe()

			for _, path := range []string{"/admin/directory/review", "/admin/directory/settings", "/admin/directory/new/service",
				"/admin/directory/new/organisation", "/admin/directory/new/reading"} {
				tab.Visit(in.URL + path)
				tab.Axe()
			}
			tab.Visit(in.URL + "/admin/directory/settings")
			tab.Fill("#review_months", "100")
			tab.Click("#save-settings")
			if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "from 1 to 36") {
				t.Errorf("settings error %q", got)
			}
			tab.Axe()

			// The public reading page, and reading beneath search results.
			tab.Visit(in.URL + "/reading")
			if !strings.Contains(tab.Text("main"), "Caring for doctors Caring for patients") {
				t.Error("the reading page lacks the GMC report")
			}
			tab.Axe()
			tab.Visit(in.URL + "/services?q=careers")
			if !strings.Contains(tab.Text(".psu-reading"), "These are things to read") {
				t.Error("no reading beneath the results")
			}
			tab.Axe()
			if mode.opts != nil && tab.ScriptsRan() {
				t.Error("JavaScript ran in a tab that has it off")
			}
		})
	}
}
