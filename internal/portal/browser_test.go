package portal_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
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
	link := signInLinkFor(t, in, in.Client(t), "chromium.trainee@example.com")
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

// In Chromium on a phone, with JavaScript off and then on: the trainee
// shares their summary (the form's error summary, the check page, the
// share), the supervisor opens it in their own browser with the code from
// their e-mail, the trainee sees the opening and stops sharing, and the
// supervisor's link then says it is no longer available; every page passes
// axe.
func TestShareInChromium(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { shareInChromium(t, e) })
	}
}

func shareInChromium(t *testing.T, e store.Engine) {
	in := apptest.Start(t, e)
	c := applied(t, in, "share.chromium@example.com", true, false)
	trainee := webtest.New(t)
	supervisor := webtest.New(t)
	link := signInLinkFor(t, in, in.Client(t), "share.chromium@example.com")
	wholeCase(t, in, c)
	for i, opts := range [][]webtest.Option{{webtest.NoJS(), webtest.Phone()}, {webtest.Phone()}} {
		tab := trainee.Tab(t, opts...)
		if i == 0 {
			tab.Visit(in.URL + link)
			tab.Click("form button[type=submit]")
		}
		// The appointment, and its copy for the calendar.
		tab.Visit(in.URL + "/portal/appointments")
		if got := tab.Text("main"); !strings.Contains(got, "Microsoft Teams") && !strings.Contains(got, "Teams") {
			t.Errorf("appointments page: %q", got)
		}
		tab.Axe()
		if got := tab.Eval(download("a[href$='calendar.ics']")); !strings.HasPrefix(got, "200 BEGIN:VCALENDAR") {
			t.Errorf("the .ics download: %q", got)
		}
		tab.Visit(in.URL + "/portal/summaries")
		tab.Axe()
		if got := tab.Eval(download("a[href$='summary.pdf']")); !strings.HasPrefix(got, "200 %PDF-") {
			t.Errorf("the summary download: %q", got)
		}
		tab.Click("a[href='/portal/summaries/1/share']")
		if got := tab.Text("h1"); got != "Share your written summary" {
			t.Fatalf("share page: %q at %s", got, tab.URL())
		}
		tab.Axe()
		tab.Click("#continue")
		if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Enter the name") || !strings.Contains(got, "Tick the box") {
			t.Errorf("empty share form: error summary %q", got)
		}
		tab.Axe()
		email := []string{"sup.one@example.nhs.uk", "sup.two@example.nhs.uk"}[i]
		tab.Fill("#name", "Dr Sam Supervisor")
		tab.Check("#role")
		tab.Fill("#email", email)
		tab.Check("#approve")
		tab.Click("#continue")
		if got := tab.Text("h1"); got != "Check before you share" {
			t.Fatalf("check page: %q", got)
		}
		tab.Axe()
		before := len(in.SMTP.Mails())
		tab.Click("#share")
		if got := tab.Text("h1"); got != "Who can see your summary" {
			t.Fatalf("after sharing: %q", got)
		}
		tab.Axe()
		shared := shareLinkRE.FindString(in.SMTP.WaitFor(t, before, 15*time.Second, mailTo(email)).Body)

		sup := supervisor.Tab(t, opts...)
		sup.Visit(in.URL + shared)
		sup.Axe()
		before = len(in.SMTP.Mails())
		sup.Click("#send-code")
		if got := sup.Text("h1"); got != "Enter the code we sent" {
			t.Fatalf("code page: %q", got)
		}
		sup.Axe()
		sup.Click("#open")
		if got := sup.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Enter the 6-digit code") {
			t.Errorf("empty code: error summary %q", got)
		}
		sup.Axe()
		code := codeRE.FindString(in.SMTP.WaitFor(t, before, 15*time.Second, mailTo(email)).Body)
		sup.Fill("#code", code)
		sup.Click("#open")
		if got := sup.Text("h1"); !strings.Contains(got, "Ada Trainee's summary") {
			t.Fatalf("summary page: %q", got)
		}
		sup.Axe()

		tab.Visit(in.URL + "/portal/shares")
		if got := tab.Text("main"); !strings.Contains(got, "Opened on") {
			t.Errorf("the trainee does not see the opening: %q", got)
		}
		tab.Click("form[action$='/withdraw'] button")
		if got := tab.Text("main"); !strings.Contains(got, "You have stopped sharing") {
			t.Errorf("after stopping: %q", got)
		}
		tab.Axe()
		sup.Visit(in.URL + shared)
		if got := sup.Text("h1"); got != "This link is no longer available" {
			t.Errorf("the link after stopping: %q", got)
		}
		sup.Axe()
	}
}

// download is a script that fetches the first link matching selector as
// the page's own user would, and gives its status and first bytes.
func download(selector string) string {
	return `(() => { const x = new XMLHttpRequest(); x.open("GET", document.querySelector("` + selector + `").href, false); x.send();
		return x.status + " " + x.responseText.slice(0, 15); })()`
}

// signInLinkFor asks for a sign-in link for email and returns it.
func signInLinkFor(t *testing.T, in *apptest.Instance, c *apptest.Client, email string) string {
	t.Helper()
	before := len(in.SMTP.Mails())
	if res := c.Post("/portal/sign-in/link", url.Values{"email": {email}}); res.StatusCode != 200 {
		t.Fatalf("ask for a link: %d", res.StatusCode)
	}
	return linkRE.FindString(in.SMTP.WaitFor(t, before, 15*time.Second, func(m mailtest.Mail) bool { return linkRE.MatchString(m.Body) }).Body)
}

// Every page of the trainee's portal, found from the route table (so a new
// page cannot be missed), in Chromium on a phone with JavaScript off and
// on, for a trainee with an appointment to come, a plan, a written summary
// and a referrer: each shows its heading and passes axe.
func TestEveryPortalPageInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	ctx := context.Background()
	visitor := in.Client(t)
	if res := visitor.Post("/referrers/notify", url.Values{"referrer_name": {"Dr Riley Referrer"}, "referrer_role": {"Clinical supervisor"},
		"referrer_organisation": {"St Example's Hospital"}, "referrer_email": {"riley@example.nhs.uk"}, "trainee_name": {"Ada Trainee"},
		"trainee_email": {"every.page@example.com"}, "reason": {"A hard year"}, "trainee_told": {"yes"}}); res.StatusCode != 303 {
		t.Fatalf("notice: %d", res.StatusCode)
	}
	c := applied(t, in, "every.page@example.com", true, false)
	link := signInLinkFor(t, in, in.Client(t), "every.page@example.com")
	wholeCase(t, in, c)
	var apptID string
	if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM appointments WHERE case_id = ?`, c.ID), &apptID); err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, r := range in.App.Web.Router.Routes() {
		path, ok := strings.CutPrefix(r.Pattern, "GET ")
		if !ok || r.Perm != web.Client || strings.HasSuffix(path, ".ics") || strings.HasSuffix(path, ".pdf") || strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".zip") {
			continue
		}
		path = strings.NewReplacer("{n}", "1", "{id}", apptID).Replace(path)
		if strings.Contains(path, "{") {
			t.Errorf("%s: no address to visit; add its parameter here", r.Pattern)
			continue
		}
		pages = append(pages, path)
	}
	if len(pages) < 10 {
		t.Fatalf("only %d portal pages found: %v", len(pages), pages)
	}
	b := webtest.New(t)
	for i, opts := range [][]webtest.Option{{webtest.NoJS(), webtest.Phone()}, {webtest.Phone()}} {
		tab := b.Tab(t, opts...)
		if i == 0 {
			tab.Visit(in.URL + link)
			tab.Click("form button[type=submit]")
		}
		for _, p := range pages {
			tab.Visit(in.URL + p)
			if h1 := tab.Text("h1"); h1 == "" || strings.Contains(h1, "not found") || strings.Contains(h1, "Sorry") || strings.Contains(tab.URL(), "/sign-in") {
				t.Errorf("%s: heading %q at %s", p, h1, tab.URL())
				continue
			}
			tab.Axe()
		}
	}
}

// wholeCase takes c through booking (with an appointment to come), the
// one-to-one (a plan of one goal and action) and the written summary, so
// every portal page has something to show.
func wholeCase(t *testing.T, in *apptest.Instance, c *cases.Case) {
	t.Helper()
	ctx := context.Background()
	v, adviser := booked(t, in, c)
	must := func(err error) { t.Helper(); must(t, err) }
	now := time.Now().UTC()
	must(in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		return in.App.Appointments.SeedAll(ctx, tx, now, []appointments.SeedAppointment{{CaseID: c.ID, By: adviser.ID, BookedAt: now.Add(-time.Hour),
			Booking: appointments.Booking{Start: now.Add(72 * time.Hour).Truncate(time.Hour), Minutes: 60, How: appointments.Teams, Link: "https://teams.microsoft.com/l/every-page"},
			Status:  appointments.Booked}})
	}))
	must(in.App.Cases.Move(ctx, v, c.ID, cases.Seen, "", ""))
	ps := &plans.Store{DB: in.App.DB, Cases: in.App.Cases}
	must(ps.AddGoal(ctx, v, c.ID, "Pass the written exam"))
	var goal string
	must(store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM plan_goals WHERE case_id = ?`, c.ID), &goal))
	must(ps.AddAction(ctx, v, c.ID, goal, plans.ActionInput{What: "Book the study-skills session", Who: "Trainee", Due: plans.DayOf(now).AddDays(14), Status: plans.NotStarted}))
	issue(t, in, v, c)
}
