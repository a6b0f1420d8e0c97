package portal_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// In Chromium, with JavaScript off and then on, on a phone: the trainee
// follows their e-mailed link, reads their plan, marks an action done and
// sends an empty note (the error summary), then opens their documents and
// sends the form empty, each page passing axe.
func TestPortalPlanInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := applied(t, in, "chromium.trainee@example.com", true, false)
	v, _, _ := seenWithPlan(t, in, c)
	issue(t, in, v, c)
	asker := in.Client(t)
	if res := asker.Post("/portal/sign-in/link", url.Values{"email": {"chromium.trainee@example.com"}}); res.StatusCode != 200 {
		t.Fatalf("ask for a link: %d", res.StatusCode)
	}
	var link string
	for n := 1; link == "" && n <= 3; n++ {
		for _, m := range in.SMTP.Wait(t, n, 15*time.Second) {
			if l := linkRE.FindString(m.Body); l != "" {
				link = l
			}
		}
	}
	if link == "" {
		t.Fatal("no sign-in link was sent")
	}
	b := webtest.New(t)
	for i, opts := range [][]webtest.Option{{webtest.NoJS(), webtest.Phone()}, {webtest.Phone()}} {
		tab := b.Tab(t, opts...)
		if i == 0 { // the tabs share one browser's cookies
			tab.Visit(in.URL + link)
			tab.Axe()
			tab.Click("form button[type=submit]")
		}
		tab.Visit(in.URL + "/portal/plan")
		if got := tab.Text("h1"); got != "Your plan" {
			t.Fatalf("plan page: %q at %s", got, tab.URL())
		}
		if got := tab.Text("main"); !strings.Contains(got, "Book the study-skills session") {
			t.Errorf("the plan lacks its action: %q", got)
		}
		tab.Axe()
		if i == 0 {
			tab.Click("form[action^='/portal/plan/actions/'] button")
			if got := tab.Text("main"); !strings.Contains(got, "your adviser can see it") {
				t.Errorf("after marking done: %q", got)
			}
			tab.Axe()
		}
		tab.Click("#send-note")
		if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Write your note") {
			t.Errorf("empty note: error summary %q", got)
		}
		tab.Axe()
		tab.Visit(in.URL + "/portal/documents")
		tab.Axe()
		tab.Click("#add-document")
		if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Select what the document is") || !strings.Contains(got, "Select a document to add") {
			t.Errorf("empty document form: error summary %q", got)
		}
		tab.Axe()
	}
}
