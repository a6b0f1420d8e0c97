package directory_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func eachEngine(t *testing.T, fn func(t *testing.T, in *apptest.Instance)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, apptest.Start(t, e)) })
	}
}

func expect(t *testing.T, what string, res apptest.Response, status int, wants ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, res.Body)
	}
	for _, w := range wants {
		if !strings.Contains(res.Body, w) {
			t.Errorf("%s: page lacks %q", what, w)
		}
	}
}

// sourcePhones is every service the sources give a phone number for, with
// the numbers exactly as written there.
var sourcePhones = map[string][]string{
	"NHS Practitioner Health":                                                                {"020 3049 4505"},
	"Occupational Mental Health Service (PHP HEE London)":                                    {"020 3049 4505"},
	"Professional Support Unit London":                                                       {"0207 866 3271"},
	"BMA Counselling Service and Doctors Advisory Service":                                   {"08459 200 169", "01455 254 189"},
	"Sick Doctors Trust":                                                                     {"0370 444 5163"},
	"Psychiatrists' support service":                                                         {"020 7245 0412"},
	"Royal College of Obstetricians and Gynaecologists Mentoring Scheme":                     {"020 7772 6369"},
	"Royal College of Surgeons Confidential Support and Advice Services for Surgeons (CSAS)": {"020 7869 6030"},
}

func tel(n string) string { return `href="tel:` + strings.ReplaceAll(n, " ", "") + `"` }

// TestEveryServicePageShowsTheSourceFacts walks the served directory: every
// service in the seed has a page with its name and exactly its phone
// numbers, each a tel: link; the numbers the sources give are all there.
func TestEveryServicePageShowsTheSourceFacts(t *testing.T) {
	d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		t.Fatal(err)
	}
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		c := in.Client(t)
		seen := map[string]bool{}
		for _, o := range d.Organizations {
			for _, s := range o.Services {
				res := c.Get("/services/" + s.ID)
				expect(t, s.Name, res, 200, "<h1>"+html.EscapeString(s.Name)+"</h1>")
				var numbers []string
				for _, p := range s.Phones {
					numbers = append(numbers, p.Number)
					if !strings.Contains(res.Body, tel(p.Number)+">"+p.Number+"</a>") {
						t.Errorf("%s: phone %s is not shown as a tel: link", s.Name, p.Number)
					}
				}
				if want, ok := sourcePhones[s.Name]; ok && strings.Join(numbers, ",") != strings.Join(want, ",") {
					t.Errorf("%s: phones %q, the sources give %q", s.Name, numbers, want)
				} else if !ok && strings.Contains(res.Body, `class="psu-phone"`) {
					t.Errorf("%s shows a phone number, but the sources give it none", s.Name)
				}
				seen[s.Name] = true
			}
		}
		for name := range sourcePhones {
			if !seen[name] {
				t.Errorf("%s is not served", name)
			}
		}
		// Browsing with nothing typed lists every service, a page at a time.
		names := 0
		for page := 1; page <= 4; page++ {
			res := c.Get("/services?page=" + string(rune('0'+page)))
			expect(t, "browse", res, 200)
			names += strings.Count(res.Body, `class="nhsuk-card psu-card"`)
		}
		if names != 67 {
			t.Errorf("browsing shows %d services over 4 pages, want 67", names)
		}
		expect(t, "unknown service", c.Get("/services/"+store.NewID()), 404, "Page not found")
		expect(t, "malformed id", c.Get("/services/not-an-id"), 404)
	})
}

func TestSearchPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		c := in.Client(t)
		expect(t, "home", c.Get("/"), 200, `href="/services"`)
		expect(t, "start", c.Get("/services"), 200, "What do you need help with?", "Browse by what you need help with",
			`href="/services?need=alcohol-and-drugs"`, "All 67 services", `rel="next"`)

		res := c.Get("/services?q=" + url.QueryEscape("I can't cope"))
		expect(t, "crisis", res, 200, "We looked for services that help with: Crisis", tel("08459 200 169"), "Open 24 hours")
		if i, j := strings.Index(res.Body, "BMA Counselling Service"), strings.Index(res.Body, "Sick Doctors Trust"); i < 0 || j < 0 || i > j {
			t.Error("the 24-hour lines are not first for a crisis")
		}
		expect(t, "typo", c.Get("/services?q=gamblling"), 200, "Showing results for <strong>gambling</strong>", "Gamcare")
		expect(t, "no results", c.Get("/services?q=xylophone+quartz"), 200, "No services found for “xylophone quartz”",
			"If you need to talk to someone now", tel("0370 444 5163"), `href="/services?need=crisis"`)
		expect(t, "filters", c.Get("/services?open=24h"), 200, "2 services")
		expect(t, "filters and text", c.Get("/services?q=alcohol&where=london&how=phone-line"), 200, "Sick Doctors Trust")
		if res := c.Get("/services?q=alcohol&where=wales"); strings.Contains(res.Body, "Occupational Mental Health Service") {
			t.Error("a London-only service is shown for Wales")
		}
		expect(t, "group", c.Get("/services?group=people-to-talk-to-first"), 200, "10 services: People to talk to first", "Clinical Supervisors")

		// Bad addresses: 422, the error summary, and what was typed kept.
		res = c.Get("/services?q=drink&need=nonsense")
		expect(t, "bad need", res, 422, "There is a problem", `href="#need"`, "Choose what you need help with from the list", `value="drink"`)
		expect(t, "long query", c.Get("/services?q="+strings.Repeat("a", 201)), 422, "Search for 200 characters or fewer")
		expect(t, "bad page", c.Get("/services?page=0"), 422, `href="#address"`, "whole number from 1 upwards")
		expect(t, "page past the end", c.Get("/services?q=gambling&page=7"), 422, "There is no page 7 of these results")
		expect(t, "bad open", c.Get("/services?open=sometimes"), 422, "Choose open now, open 24 hours, or neither")
		for _, p := range []string{"/services?who=martian", "/services?where=mars", "/services?how=telepathy", "/services?membership=gold", "/services?group=nope"} {
			expect(t, p, c.Get(p), 422, "There is a problem")
		}
	})
}

func TestMyList(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		c := in.Client(t)
		const sdt, gamcare = "Sick Doctors Trust", "Gamcare"
		id := func(q string) string {
			res, err := directory.NewIndex().Search(context.Background(), in.App.DB, directory.Query{Text: q, Limit: 1})
			if err != nil || len(res.IDs) == 0 {
				t.Fatalf("%s: %v", q, err)
			}
			return res.IDs[0]
		}
		sdtID, gamcareID := id(sdt), id(gamcare)
		expect(t, "empty list", c.Get("/my-list"), 200, "Your list is empty")

		res := c.Post("/my-list", url.Values{"id": {sdtID}, "action": {"add"}, "back": {"/services?q=alcohol"}})
		if res.StatusCode != 303 || res.Header.Get("Location") != "/services?q=alcohol#service-"+sdtID {
			t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		expect(t, "back on the results", c.Get("/services?q=alcohol"), 200, "Sick Doctors Trust is on your list.", "Remove from my list")
		c.Post("/my-list", url.Values{"id": {gamcareID}, "action": {"add"}, "back": {"/services/" + gamcareID}})
		c.Post("/my-list", url.Values{"id": {gamcareID}, "action": {"add"}, "back": {"https://evil.example/"}})
		expect(t, "list", c.Get("/my-list"), 200, sdt, gamcare, "Gamcare is already on your list.", "Print your list", "Send the list")

		res = c.Get("/my-list/print")
		expect(t, "print", res, 200, sdt, `class="psu-print__phone"`, tel("0370 444 5163"), "call <a href=\"tel:999\">999</a>")
		for _, not := range []string{"nhsuk-header", "nhsuk-footer", "Need help now?", "Add to my list"} {
			if strings.Contains(res.Body, not) {
				t.Errorf("the print view has %q", not)
			}
		}

		// E-mail: checked, sent through the outbox, limited.
		expect(t, "no address", c.Post("/my-list/email", url.Values{"email": {""}}), 422, "Enter the e-mail address to send your list to")
		expect(t, "bad address", c.Post("/my-list/email", url.Values{"email": {"me at home"}}), 422,
			"Enter an e-mail address in the right format", `value="me at home"`)
		res = c.Post("/my-list/email", url.Values{"email": {"trainee@example.org"}})
		if res.StatusCode != 303 || res.Header.Get("Location") != "/my-list" {
			t.Fatalf("send: %d %s", res.StatusCode, res.Body)
		}
		expect(t, "sent", c.Get("/my-list"), 200, "Your list is on its way")
		mails := in.SMTP.Wait(t, 1, 10*time.Second)
		m := mails[0]
		if len(m.To) != 1 || m.To[0] != "trainee@example.org" || m.Subject != "Your list of support services" {
			t.Errorf("mail to %v, subject %q", m.To, m.Subject)
		}
		for _, want := range []string{sdt, "Phone: 0370 444 5163", gamcare, in.URL + "/services/" + sdtID, "call 999"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("the mail lacks %q:\n%s", want, m.Body)
			}
		}
		c.Post("/my-list/email", url.Values{"email": {"trainee@example.org"}})
		c.Post("/my-list/email", url.Values{"email": {"Trainee@example.org"}})
		res = c.Post("/my-list/email", url.Values{"email": {"trainee@example.org"}})
		expect(t, "fourth to one address", res, 429, "Your list has been sent several times in the last hour", `value="trainee@example.org"`)
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After on 429")
		}

		// Taking off and emptying.
		c.Post("/my-list", url.Values{"id": {sdtID}, "action": {"remove"}, "back": {"/my-list"}})
		res = c.Get("/my-list")
		expect(t, "removed", res, 200, "Sick Doctors Trust is no longer on your list.", gamcare)
		if strings.Contains(res.Body, `id="service-`+sdtID) {
			t.Error("the removed service is still listed")
		}
		c.Post("/my-list", url.Values{"action": {"clear"}, "back": {"/my-list"}})
		expect(t, "emptied", c.Get("/my-list"), 200, "Your list is empty")
		expect(t, "send empty", c.Post("/my-list/email", url.Values{"email": {"x@example.org"}}), 422, "Your list is empty. Add services to it before you send it")

		// Altered pages are refused.
		for _, form := range []url.Values{
			{"id": {sdtID}, "action": {"steal"}},
			{"id": {"not-an-id"}, "action": {"add"}},
			{"id": {store.NewID()}, "action": {"add"}},
		} {
			if res := c.Post("/my-list", form); res.StatusCode != http.StatusBadRequest {
				t.Errorf("%v: %d, want 400", form, res.StatusCode)
			}
		}
		// Another visitor's list is their own.
		expect(t, "other visitor", in.Client(t).Get("/my-list"), 200, "Your list is empty")
	})
}

func TestReportAProblem(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		ctx := context.Background()
		c := in.Client(t)
		res, err := directory.NewIndex().Search(ctx, in.App.DB, directory.Query{Text: "Sick Doctors Trust", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		id := res.IDs[0]
		path := "/services/" + id + "/report-a-problem"
		expect(t, "service page link", c.Get("/services/"+id), 200, `href="`+path+`"`)
		expect(t, "form", c.Get(path), 200, "Report a problem with this listing", "A phone number is wrong",
			`data-module="nhsuk-character-count" data-maxlength="2000"`, `id="details-info">You can enter up to 2,000 characters</div>`)
		expect(t, "nothing chosen", c.Post(path, url.Values{}), 422, "There is a problem", `href="#problem"`, "Choose what is wrong with this listing")
		expect(t, "other without words", c.Post(path, url.Values{"problem": {"other"}}), 422, "Tell us what is wrong with this listing")
		long := strings.Repeat("é", 2001)
		expect(t, "too long", c.Post(path, url.Values{"problem": {"other"}, "details": {long}}), 422, "Tell us in 2000 characters or fewer (you have 2001)", long)
		expect(t, "unknown problem", c.Post(path, url.Values{"problem": {"rude"}}), 422, "Choose one of the problems listed")
		expect(t, "unknown service", c.Get("/services/"+store.NewID()+"/report-a-problem"), 404)

		post := c.Post(path, url.Values{"problem": {"phone-wrong"}, "details": {"The number rings out."}})
		if post.StatusCode != 303 || post.Header.Get("Location") != "/services/"+id {
			t.Fatalf("report: %d %s", post.StatusCode, post.Body)
		}
		expect(t, "thanks", c.Get("/services/"+id), 200, "Thank you. We will check this listing")
		c.Post(path, url.Values{"problem": {"closed"}})

		// The review queue holds both; details are sealed at rest.
		reports, err := directory.Reports(ctx, in.App.DB, in.App.Sealer(), directory.ReportOpen)
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 2 || reports[0].Problem != "phone-wrong" || reports[0].Details != "The number rings out." ||
			reports[0].ServiceName != "Sick Doctors Trust" || reports[1].Problem != "closed" || reports[1].Details != "" {
			t.Fatalf("queue: %+v", reports)
		}
		var raw []byte
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT details FROM dir_reports WHERE id = ?`, reports[0].ID), &raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("rings out")) {
			t.Error("report details are stored readably")
		}
		err = in.App.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := directory.CloseReport(ctx, tx, in.App.Sealer(), reports[0].ID, directory.ReportResolved, "admin-id", "Number corrected.")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = in.App.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := directory.CloseReport(ctx, tx, in.App.Sealer(), reports[0].ID, directory.ReportDismissed, "admin-id", "")
			return err
		})
		if !errors.Is(err, directory.ErrReportClosed) {
			t.Errorf("closing twice: %v", err)
		}
		open, _ := directory.Reports(ctx, in.App.DB, in.App.Sealer(), directory.ReportOpen)
		done, _ := directory.Reports(ctx, in.App.DB, in.App.Sealer(), directory.ReportResolved)
		if len(open) != 1 || len(done) != 1 || done[0].ClosedBy != "admin-id" || done[0].ClosedAt.IsZero() || done[0].Note != "Number corrected." {
			t.Errorf("after closing: open %+v, resolved %+v", open, done)
		}

		// A flood from one connection is stopped, with the words kept.
		for i := 0; i < 8; i++ {
			c.Post(path, url.Values{"problem": {"closed"}})
		}
		expect(t, "eleventh", c.Post(path, url.Values{"problem": {"other"}, "details": {"keep me"}}), 429, "Try again in", "keep me")
	})
}
