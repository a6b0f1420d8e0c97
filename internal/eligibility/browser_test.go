package eligibility_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// A trainee goes from the home page through the checker to a result, with
// JavaScript on and again with it off. Every page, including a page with
// an error on it, passes axe; the back link keeps the answer given.
func TestCheckerInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	for _, tc := range []struct {
		name string
		opts []webtest.Option
	}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
		t.Run(tc.name, func(t *testing.T) {
			// A browser of its own: a fresh session, as a new visitor.
			tab := webtest.New(t).Tab(t, tc.opts...)
			tab.Visit(in.URL + "/")
			tab.Click(`a[href="/eligibility"]`)
			if got := tab.Text("h1"); got != "Check if you can use the Individual Support Team" {
				t.Fatalf("start page h1 %q", got)
			}
			if ran := tab.ScriptsRan(); ran == (tc.name == "javascript off") {
				t.Errorf("page scripts ran = %v", ran)
			}
			tab.Axe()
			tab.Click(`a[href="/eligibility/region"]`)
			tab.Axe()

			// Continue without choosing: the error is shown and accessible.
			tab.Click("form button[type=submit]")
			if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Select where you work or train") {
				t.Errorf("error summary %q", got)
			}
			if got := tab.Text("#answer-error"); !strings.Contains(got, "Select where you work or train") {
				t.Errorf("error message %q", got)
			}
			tab.Axe()

			answer := func(id string) {
				t.Helper()
				tab.Check("#" + id)
				tab.Click("form button[type=submit]")
			}
			answer("answer") // London
			if !strings.HasSuffix(tab.URL(), "/eligibility/profession") {
				t.Fatalf("after region: %s", tab.URL())
			}
			tab.Axe()
			answer("answer") // Doctor
			tab.Axe()
			// Back, and the answer is still chosen.
			tab.Click("a.nhsuk-back-link")
			if !strings.HasSuffix(tab.URL(), "/eligibility/profession") || !strings.Contains(tab.HTML(), `value="doctor" checked`) {
				t.Errorf("back to profession: %s", tab.URL())
			}
			tab.Click("form button[type=submit]")
			answer("answer-core")
			// The training number question says where to find the number
			// and takes "I am not sure".
			if got := tab.Text("#answer-hint"); !strings.Contains(got, "training programme director") {
				t.Errorf("training number hint %q", got)
			}
			tab.Axe()
			answer("answer-not-sure")
			if got := tab.Text("h1"); got != "You can apply to the Individual Support Team" {
				t.Fatalf("result h1 %q", got)
			}
			if !strings.Contains(tab.Text("main"), "not sure whether you hold") {
				t.Error("the result does not say the team will check the training number")
			}
			if !strings.Contains(tab.HTML(), `href="/apply"`) {
				t.Error("no link to the application")
			}
			tab.Axe()

			// Outside London and KSS the region decides at once: the result
			// names the region's unit, says plainly that the directory has
			// no contact details for it, and links to the region's listing.
			tab.Click(`a[href="/eligibility/region"]`)
			answer("answer-wales")
			if got := tab.Text("h1"); got != "This service is not the right one for you" || !strings.HasSuffix(tab.URL(), "/eligibility/result") {
				t.Fatalf("after Wales: h1 %q at %s", got, tab.URL())
			}
			if got := tab.Text(".nhsuk-card__heading"); got != "Wales Deanery Professional Support Unit" {
				t.Errorf("signpost card %q", got)
			}
			if !strings.Contains(tab.Text("main"), "Our directory does not have a phone number, e-mail address or website for this service") {
				t.Error("no plain word that the directory has no contact details")
			}
			if !strings.Contains(tab.HTML(), `href="/services?where=wales"`) {
				t.Error("no link to the directory's services for Wales")
			}
			tab.Axe()

			// A dentist sees only dental programmes; a KSS dental
			// foundation trainee is pointed to the KSS service with no
			// question about a training number.
			tab.Click(`a[href="/eligibility/region"]`)
			answer("answer-kss")
			answer("answer-dentist")
			html := tab.HTML()
			if !strings.Contains(html, "Dental foundation training") || strings.Contains(html, `value="retainer"`) || strings.Contains(html, `value="gp-specialty"`) {
				t.Errorf("dentist programme page offers the wrong programmes")
			}
			tab.Axe()
			answer("answer") // dental foundation training
			if got := tab.Text("h1"); got != "This service is not the right one for you" {
				t.Fatalf("result h1 %q at %s", got, tab.URL())
			}
			if got := tab.Text(".nhsuk-card__heading"); got != "KSS Professional Support & Wellbeing Service" {
				t.Errorf("signpost card %q", got)
			}
			tab.Axe()
		})
	}
}

// The "who can apply" page and the rules administration pages, including a
// rules document with problems, pass axe.
func TestRulesPagesInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	tab := webtest.New(t).Tab(t)
	tab.Visit(in.URL + "/who-can-apply")
	if tab.Text("h1") != "Who can apply" {
		t.Errorf("h1 %q", tab.Text("h1"))
	}
	tab.Axe()

	tab.Visit(in.URL + "/sign-in?next=/admin/eligibility")
	tab.Fill("#email", admin.Email)
	tab.Fill("#password", admin.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
	tab.Click("form button[type=submit]")
	tab.Visit(in.URL + "/admin/eligibility")
	if got := tab.Text("h1"); got != "Eligibility rules" {
		t.Fatalf("h1 %q at %s", got, tab.URL())
	}
	tab.Axe()
	tab.Fill("#document", `{"version": 2, "rules": []}`)
	tab.Click("form[action='/admin/eligibility'] button[type=submit]")
	if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "problems") {
		t.Errorf("error summary %q", got)
	}
	if got := tab.Text("#document-problems"); !strings.Contains(got, "give at least one rule") {
		t.Errorf("problems %q", got)
	}
	if !strings.Contains(tab.HTML(), `{"version": 2, "rules": []}</textarea>`) {
		t.Error("the pasted document was not kept")
	}
	tab.Axe()
	tab.Visit(in.URL + "/admin/eligibility/versions/1")
	tab.Axe()
}
