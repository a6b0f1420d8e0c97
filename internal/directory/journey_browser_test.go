package directory_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// TestEditorJourneyInChromium is issue 15's "done when", in Chromium on
// both engines, with JavaScript on and off, every page checked by axe: the
// public reports a wrong number; an editor opens the report from the queue,
// opens the listing from it, corrects the number in a draft and publishes
// it; the public page and the HSDS API (still valid HSDS 3.0) show the new
// number; the editor closes the report; the history shows the change; and
// restoring the first version brings the old number back everywhere.
func TestEditorJourneyInChromium(t *testing.T) {
	sch := schemas(t)
	b := webtest.New(t)
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			in := apptest.Start(t, engine)
			ed := in.CreateStaff(t, web.RoleDirectoryEditor)
			id := serviceID(t, in, "Sick Doctors Trust")
			api := client{t, in.Client(t)}
			const oldNumber = "0370 444 5163"
			if !strings.Contains(api.get("/api/hsds/services/"+id, 200).Body, `"number":"`+oldNumber+`"`) {
				t.Fatalf("the shipped Sick Doctors Trust does not list %s", oldNumber)
			}

			for _, mode := range []struct {
				name      string
				opts      []webtest.Option
				newNumber string // in Ofcom's range for drama: nobody's
			}{
				{"JavaScript on", nil, "020 7946 0321"},
				{"JavaScript off", []webtest.Option{webtest.NoJS()}, "020 7946 0654"},
			} {
				t.Run(mode.name, func(t *testing.T) {
					tab := b.Tab(t, mode.opts...)

					// The public reports the problem.
					tab.Visit(in.URL + "/services/" + id + "/report-a-problem")
					tab.Axe()
					tab.Check("#problem") // A phone number is wrong
					tab.Fill("#details", "The number on this page did not answer. ("+mode.name+")")
					tab.Click("main form button[type=submit]")
					if got := tab.Text("main"); !strings.Contains(got, "Thank you") {
						t.Errorf("after reporting: %q", got)
					}
					tab.Axe()

					// An editor opens it from the queue.
					tab.Visit(in.URL + "/sign-in?next=/admin/directory/reports")
					if strings.Contains(tab.URL(), "/sign-in") {
						tab.Fill("#email", ed.Email)
						tab.Fill("#password", ed.Password)
						tab.Click("form button[type=submit]")
						tab.Fill("#code", apptest.CodeFor(t, ed.Secret))
						tab.Click("form button[type=submit]")
					}
					tab.Visit(in.URL + "/admin/directory/reports")
					if got := tab.Text("#open"); !strings.Contains(got, "Sick Doctors Trust") {
						t.Fatalf("the queue at %s: %q", tab.URL(), got)
					}
					tab.Axe()
					tab.Click("#open a")
					reportURL := tab.URL()
					if got := tab.Text(".psu-editor-said"); !strings.Contains(got, "did not answer. ("+mode.name+")") {
						t.Errorf("the report page says %q", got)
					}
					tab.Axe()

					// From the report to the listing, a draft and publishing.
					tab.Click("#open-entry")
					tab.Axe()
					tab.Click("#edit")
					tab.Axe()
					tab.Fill("#phone0-number", strings.ReplaceAll(mode.newNumber, " ", ""))
					tab.Click("#save-draft")
					if got := tab.Text(".psu-editor-diff"); !strings.Contains(got, mode.newNumber) {
						t.Errorf("the draft's changes, with the number grouped: %q", got)
					}
					// The crisis card on every page gives the old number
					// too: the editor is told that publishing leaves it.
					if got := tab.Text("#help-card"); !strings.Contains(got, oldNumber) || !strings.Contains(got, "does not change it") {
						t.Errorf("the draft does not warn about the help card: %q", got)
					}
					tab.Axe()
					tab.Click("#publish")
					if tab.URL() != reportURL {
						t.Errorf("publishing from a report leads to %s, not back to the report", tab.URL())
					}
					if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "Published as version") {
						t.Errorf("after publishing: %q", got)
					}
					tab.Axe()

					// The public page and the API show the new number.
					public := in.Client(t)
					if page := public.Get("/services/" + id).Body; !listsPhone(page, mode.newNumber) || listsPhone(page, oldNumber) {
						t.Error("the public page does not list the corrected number alone")
					}
					one := api.get("/api/hsds/services/"+id, 200)
					validate(t, sch["compiled/service.json"], "the corrected service", []byte(one.Body))
					if !strings.Contains(one.Body, `"number":"`+mode.newNumber+`"`) {
						t.Errorf("the API does not show the corrected number:\n%s", one.Body)
					}
					api.walk("/api/hsds/services", 30, sch["compiled/service_list.json"], "the service list after the correction")

					// The report is closed as done.
					tab.Visit(reportURL)
					tab.Check("#outcome")
					tab.Fill("#note", "The number is corrected.")
					tab.Click("#close-report")
					if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "closed as done") {
						t.Errorf("after closing: %q", got)
					}
					tab.Axe()

					// In a browser too, the public page shows it.
					tab.Visit(in.URL + "/services/" + id)
					if got := tab.Text("main"); !strings.Contains(got, mode.newNumber) {
						t.Errorf("the service page in the browser: %q", got)
					}
					tab.Axe()

					// The history shows the change; restoring version 1 brings
					// the old number back.
					tab.Visit(in.URL + "/admin/directory/entries/" + id + "/history")
					tab.Axe()
					if got := tab.Text(".psu-editor-version"); !strings.Contains(got, "(published now)") ||
						!strings.Contains(got, oldNumber) || !strings.Contains(got, mode.newNumber) {
						t.Errorf("the newest version's changes: %q", got)
					}
					tab.Click("#restore-1")
					if got := tab.Text("main"); !strings.Contains(got, "Restore version 1") || !strings.Contains(got, oldNumber) {
						t.Errorf("the restore's draft: %q", got)
					}
					tab.Axe()
					tab.Click("#publish")
					if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "Published as version") {
						t.Errorf("after publishing the restore: %q", got)
					}
					tab.Axe()
					if page := public.Get("/services/" + id).Body; !listsPhone(page, oldNumber) || listsPhone(page, mode.newNumber) {
						t.Error("the restore did not bring the old number back to the public page")
					}
					one = api.get("/api/hsds/services/"+id, 200)
					validate(t, sch["compiled/service.json"], "the restored service", []byte(one.Body))
					if !strings.Contains(one.Body, `"number":"`+oldNumber+`"`) || strings.Contains(one.Body, mode.newNumber) {
						t.Errorf("the API after the restore:\n%s", one.Body)
					}
					tab.Visit(in.URL + "/admin/directory/entries/" + id + "/history")
					if got := tab.Text(".psu-editor-version"); !strings.Contains(got, "Restored version 1") {
						t.Errorf("the history after the restore: %q", got)
					}
					tab.Axe()
					if mode.opts != nil && tab.ScriptsRan() {
						t.Error("JavaScript ran in a tab that has it off")
					}
				})
			}
		})
	}
}

// listsPhone reports whether a service page lists number among the
// service's own phones (the "help at any time" card, on every page, names
// some services' numbers too).
func listsPhone(page, number string) bool {
	return strings.Contains(page, `class="psu-phone" href="tel:`+strings.ReplaceAll(number, " ", "")+`">`+number+`</a>`)
}
