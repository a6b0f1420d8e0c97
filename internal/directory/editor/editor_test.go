package editor_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/editor/edtest"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// Phone numbers in these tests are from Ofcom's ranges kept for drama
// (020 7946 0000 to 0999): real-looking, and nobody's.

func eachEngine(t *testing.T, fn func(t *testing.T, in *apptest.Instance)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, apptest.Start(t, e)) })
	}
}

var (
	expect    = edtest.Expect
	submit    = edtest.Submit
	follow    = edtest.Follow
	entryIDRE = regexp.MustCompile(`/admin/directory/entries/([0-9a-f-]{36})/draft`)
)

// entry finds a listing by name and kind.
func entry(t *testing.T, in *apptest.Instance, kind, name string) directory.Entry {
	t.Helper()
	es, err := directory.FindEntries(context.Background(), in.App.DB, directory.EntryFilter{Text: name, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no %s %q among %v", kind, name, es)
	return directory.Entry{}
}

// term finds a taxonomy term's id by code.
func term(t *testing.T, in *apptest.Instance, code string) string {
	t.Helper()
	taxes, err := directory.Taxonomies(context.Background(), in.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, tax := range taxes {
		for _, x := range tax.Terms {
			if x.Code == code {
				return x.ID
			}
		}
	}
	t.Fatalf("no term %s", code)
	return ""
}

// publishDraft publishes the draft a save redirected to, and returns the
// page publishing leads to.
func publishDraft(t *testing.T, c *apptest.Client, saved apptest.Response) (string, apptest.Response) {
	t.Helper()
	draft := follow(t, c, saved)
	m := entryIDRE.FindStringSubmatch(saved.Header.Get("Location"))
	if m == nil {
		t.Fatalf("saved to %s", saved.Header.Get("Location"))
	}
	res := submit(t, c, draft.Body, "/admin/directory/entries/"+m[1]+"/publish", nil)
	return m[1], follow(t, c, res)
}

// A new service: every field checked, with a message beside each that is
// wrong and everything typed kept; numbers written in the standard way;
// once published it is on its page (checked today), in the search and in
// the API; hidden, it is on none of them; shown again, back; deleted, gone,
// its history kept.
func TestNewServiceHiddenShownDeleted(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		c, _ := edtest.Editor(t, in)
		public := in.Client(t)
		const newURL = "/admin/directory/new/service"
		form := c.Get(newURL)
		expect(t, "new form", form, 200, "Add a service", "Save as a draft")

		res := submit(t, c, form.Body, newURL, map[string][]string{"phone0-number": {"12345"}, "phone0-description": {"Main line"},
			"url": {"http://example.org"}, "email": {"not an address"}, "hours0-opens": {"25:00"}, "hours0-closes": {"17:00"},
			"hours0-day": {"MO"}, "wait_time": {"Kept as typed"}, "eligibility": {"Doctors\xff in training"}, "fees": {"Free\x00"}})
		expect(t, "empty", res, 422, "There is a problem", `href="#name"`, "Enter the service&#39;s name", `href="#organization"`,
			`href="#description"`, `href="#term-needs"`, "Tick at least one need", `href="#term-professions"`, `href="#term-regions"`,
			`href="#application_process"`, `href="#phone0-number"`, "Enter a real phone number", `value="12345"`,
			"Use the secure address, starting https://", `value="http://example.org"`, "Enter an e-mail address in the right format",
			`href="#hours0-opens"`, "24-hour clock", `value="Kept as typed"`, `href="#eligibility"`, `href="#fees"`, "Remove the character that cannot be stored")
		if n := strings.Count(res.Body, `class="nhsuk-error-message"`); n < 12 {
			t.Errorf("%d messages beside fields, want one beside each of at least 12", n)
		}

		sdt := entry(t, in, directory.EntryOrganization, "Sick Doctors Trust")
		good := map[string][]string{
			"name": {"Night line for doctors"}, "organization": {sdt.ID}, "description": {"A test line for doctors at night."},
			"eligibility": {"Doctors in training."}, "application_process": {"Phone the line."},
			"term":          {term(t, in, "crisis"), term(t, in, "doctor"), term(t, in, "london"), term(t, in, "phone-line")},
			"phone0-number": {"02079460123"}, "phone0-description": {"Night line"},
			"phone1-number": {"+44 20 7946 0123"}, "phone1-description": {"The same line"},
			"url": {"https://example.org/night"}, "email": {"night@example.org"},
			"hours0-day": {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}, "hours0-opens": {"0:00"}, "hours0-closes": {"23:59"},
		}
		res = submit(t, c, form.Body, newURL, good)
		expect(t, "the same number twice", res, 422, "This number is already listed above")
		good["phone1-number"], good["phone1-description"] = nil, nil
		res = submit(t, c, form.Body, newURL, good)
		if res.StatusCode != 303 {
			t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
		}
		draft := follow(t, c, res)
		expect(t, "new draft", draft, 200, "Before (a new listing)", "020 7946 0123 (Night line)", "Open 24 hours a day, 7 days a week.")
		id := entryIDRE.FindStringSubmatch(res.Header.Get("Location"))[1]
		expect(t, "not yet public", public.Get("/services/"+id), 404)

		id, page := publishDraft(t, c, res)
		expect(t, "published", page, 200, "Published as version 1")
		today := time.Now().In(london(t)).Format("2 January 2006")
		expect(t, "public page", public.Get("/services/"+id), 200, "Night line for doctors", "020 7946 0123",
			"These details were last checked on "+today, `href="https://example.org/night"`)
		expect(t, "search", public.Get("/services?q=night+line+doctors"), 200, `id="service-`+id+`"`)
		expect(t, "API", public.Get("/api/hsds/services/"+id), 200, `"number":"020 7946 0123"`)
		if !strings.Contains(public.Get("/services?open=24h").Body, `id="service-`+id+`"`) {
			t.Error("its hours do not count as open 24 hours")
		}

		// Hide it.
		editURL := "/admin/directory/entries/" + id + "/edit"
		edit := c.Get(editURL)
		_, page = publishDraft(t, c, submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"no"}}))
		expect(t, "hidden", page, 200, "It is hidden", ">Hidden<")
		expect(t, "hidden page", public.Get("/services/"+id), 404)
		expect(t, "hidden API", public.Get("/api/hsds/services/"+id), 404)
		if strings.Contains(public.Get("/services?q=night+line+doctors").Body, id) {
			t.Error("the search still finds a hidden service")
		}
		if strings.Contains(public.Get("/api/hsds/services?per_page=500").Body, id) {
			t.Error("the API still lists a hidden service")
		}
		// Shown again.
		edit = c.Get(editURL)
		_, page = publishDraft(t, c, submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"yes"}}))
		expect(t, "shown again", public.Get("/services/"+id), 200, "Night line for doctors")

		// Delete it: a draft first, then gone, its history kept.
		show := c.Get("/admin/directory/entries/" + id)
		res = submit(t, c, show.Body, "/admin/directory/entries/"+id+"/delete", nil)
		expect(t, "deletion draft", follow(t, c, res), 200, "Delete", "Shown in the directory", "Deleted")
		expect(t, "still public", public.Get("/services/"+id), 200)
		_, page = publishDraft(t, c, res)
		expect(t, "deleted", page, 200, "It is deleted", ">Deleted<")
		expect(t, "deleted page", public.Get("/services/"+id), 404)
		expect(t, "history", c.Get("/admin/directory/entries/"+id+"/history"), 200, "Version 4 (published now)", "Restore version 3")
		if _, err := directory.ReadDataset(strings.NewReader(export(t, in))); err != nil {
			t.Errorf("the export is refused by import: %v", err)
		}
	})
}

func london(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func export(t *testing.T, in *apptest.Instance) string {
	t.Helper()
	d, err := directory.Export(context.Background(), in.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An organisation and a guide: an organisation cannot be hidden while a
// listing it runs is shown; a guide appears on the reading page under its
// first topic and beneath the services of a search for its topic, marked
// as reading.
func TestOrganisationsAndReading(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		c, _ := edtest.Editor(t, in)
		public := in.Client(t)

		// A new organisation, and a guide it publishes.
		form := c.Get("/admin/directory/new/organisation")
		res := submit(t, c, form.Body, "/admin/directory/new/organisation", map[string][]string{
			"name": {"Example Trust"}, "description": {"A test organisation."}, "website": {"https://example.org"},
			"phone0-number": {"020 7946 0456"}})
		orgID, page := publishDraft(t, c, res)
		expect(t, "organisation", page, 200, "Published as version 1", "020 7946 0456")

		form = c.Get("/admin/directory/new/reading")
		expect(t, "reading form", form, 200, "Example Trust", "Topics")
		res = submit(t, c, form.Body, "/admin/directory/new/reading", map[string][]string{
			"name": {"A guide to exam resits"}, "description": {"How to prepare for a resit."}, "kind": {hsds.KindGuidance},
			"publisher": {orgID}, "url": {"http://example.org/resits"}, "topic": {"exams", "careers"}})
		expect(t, "http", res, 422, "Use the secure address")
		res = submit(t, c, form.Body, "/admin/directory/new/reading", map[string][]string{
			"name": {"A guide to exam resits"}, "description": {"How to prepare for a resit."}, "kind": {hsds.KindGuidance},
			"publisher": {orgID}, "url": {"https://example.org/resits"}, "topic": {"exams", "careers"}})
		guideID, _ := publishDraft(t, c, res)
		reading := public.Get("/reading")
		expect(t, "reading page", reading, 200, `id="topic-exams"`, "A guide to exam resits", `href="https://example.org/resits"`,
			"From Example Trust", "Caring for doctors Caring for patients", "NHS Employers Health and Wellbeing programme")
		if i, j := strings.Index(reading.Body, `id="topic-exams"`), strings.Index(reading.Body, "A guide to exam resits"); j < i {
			t.Error("the guide is not under its first topic")
		}
		search := public.Get("/services?q=exams")
		expect(t, "search", search, 200, "Guides and reading", "These are things to read, not services you can contact", "A guide to exam resits")
		if i, j := strings.Index(search.Body, `class="nhsuk-list psu-results"`), strings.Index(search.Body, "A guide to exam resits"); i < 0 || j < i {
			t.Error("the reading is not beneath the services")
		}
		expect(t, "need filter", public.Get("/services?need=exams"), 200, "A guide to exam resits")
		if strings.Contains(public.Get("/services?q=gambling").Body, "A guide to exam resits") {
			t.Error("a search about something else shows the guide")
		}
		if strings.Contains(public.Get("/api/hsds/services?search=exams").Body, "exam resits") {
			t.Error("the API lists reading as a service")
		}

		// The organisation cannot be hidden while its guide is shown.
		editURL := "/admin/directory/entries/" + orgID + "/edit"
		edit := c.Get(editURL)
		res = submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"no"}})
		draft := follow(t, c, res)
		expect(t, "hiding refused", draft, 200, "Before it can be published", "It cannot be hidden while these listings name it: A guide to exam resits")
		expect(t, "new service under it", c.Get("/admin/directory/new/service?organization="+orgID), 200, `<option value="`+orgID+`" selected>Example Trust</option>`)
		expect(t, "its listings", c.Get("/admin/directory/entries/"+orgID), 200, "/admin/directory/new/service?organization="+orgID, "Its services and guides", `href="/admin/directory/entries/`+guideID+`">A guide to exam resits</a> (guide or report)`)
		if strings.Contains(draft.Body, `id="publish"`) {
			t.Error("a draft that cannot be published offers to publish")
		}
		pub := c.Post("/admin/directory/entries/"+orgID+"/publish", url.Values{"revision": {"1"}, "base": {"1"}})
		expect(t, "publish refused", pub, 422, "Not published")
		c.Post("/admin/directory/entries/"+orgID+"/discard", url.Values{"revision": {"1"}})

		// Hide the guide; then the organisation can go.
		editURL = "/admin/directory/entries/" + guideID + "/edit"
		edit = c.Get(editURL)
		publishDraft(t, c, submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"no"}}))
		if strings.Contains(public.Get("/reading").Body, "exam resits") {
			t.Error("a hidden guide is on the reading page")
		}
		editURL = "/admin/directory/entries/" + orgID + "/edit"
		edit = c.Get(editURL)
		_, page = publishDraft(t, c, submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"no"}}))
		expect(t, "organisation hidden", page, 200, "It is hidden")
		expect(t, "API", public.Get("/api/hsds/organizations/"+orgID), 404)
		// A guide cannot be shown while its publisher is hidden.
		editURL = "/admin/directory/entries/" + guideID + "/edit"
		edit = c.Get(editURL)
		draft = follow(t, c, submit(t, c, edit.Body, editURL, map[string][]string{"shown": {"yes"}}))
		expect(t, "publisher hidden", draft, 200, "Its publisher, Example Trust, is hidden")
		if _, err := directory.ReadDataset(strings.NewReader(export(t, in))); err != nil {
			t.Errorf("the export is refused by import: %v", err)
		}
	})
}

// With a second pair of eyes, whoever saved a draft last cannot publish
// it; someone else can. Two people editing at once do not overwrite each
// other unawares.
func TestSecondPairOfEyesAndConflicts(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		a, _ := edtest.Editor(t, in)
		b, bob := edtest.Editor(t, in)
		settings := a.Get("/admin/directory/settings")
		expect(t, "settings", settings, 200, "Must someone else publish a draft?")
		expect(t, "bad months", submit(t, a, settings.Body, "/admin/directory/settings", map[string][]string{"review_months": {"forty"}}), 422,
			"whole number", `value="forty"`)
		res := submit(t, a, settings.Body, "/admin/directory/settings", map[string][]string{"second_pair": {"yes"}, "review_months": {"3"}})
		expect(t, "saved", follow(t, a, res), 200, "The directory settings are saved", `value="3"`)

		id := entry(t, in, directory.EntryService, "Gamcare").ID
		editURL := "/admin/directory/entries/" + id + "/edit"
		formA, formB := a.Get(editURL), b.Get(editURL)
		res = submit(t, a, formA.Body, editURL, map[string][]string{"wait_time": {"A reply within a day."}})
		draftURL := res.Header.Get("Location")
		// Bob saves over a draft he has not seen: refused, his words kept.
		res = submit(t, b, formB.Body, editURL, map[string][]string{"wait_time": {"Bob's words."}})
		expect(t, "conflict", res, 409, "Not saved", "while you were editing it", `value="Bob&#39;s words."`)
		// Saving again from that page replaces the draft knowingly.
		res = submit(t, b, res.Body, editURL, nil)
		if res.StatusCode != 303 {
			t.Fatalf("second save: %d\n%s", res.StatusCode, res.Body)
		}

		// Ann saved first but Bob saved last: Ann may publish, Bob may not.
		draftB := b.Get(draftURL)
		expect(t, "Bob's draft page", draftB, 200, "You saved this draft last", "Bob&#39;s words.")
		if strings.Contains(draftB.Body, `id="publish"`) {
			t.Error("the person who saved last is offered Publish")
		}
		pub := b.Post("/admin/directory/entries/"+id+"/publish", url.Values{"revision": {"2"}, "base": {"1"}})
		expect(t, "Bob publishes", pub, 409, "second pair of eyes")
		draftA := a.Get(draftURL)
		expect(t, "Ann's draft page", draftA, 200, "Saved by "+bob.Name)
		// Someone else published meanwhile: what Ann saw is out of date.
		stale := submit(t, a, draftA.Body, "/admin/directory/entries/"+id+"/publish", map[string][]string{"base": {"0"}})
		expect(t, "stale base", stale, 409, "Another version of this listing was published after you opened the draft")
		res = submit(t, a, draftA.Body, "/admin/directory/entries/"+id+"/publish", nil)
		expect(t, "Ann publishes", follow(t, a, res), 200, "Published as version 2")
		hist := a.Get("/admin/directory/entries/" + id + "/history")
		expect(t, "history", hist, 200, "Published from a draft, by Test Directory editor", "Bob&#39;s words.")
		expect(t, "public", in.Client(t).Get("/services/"+id), 200, "Bob&#39;s words.")
	})
}

// Services not checked for the review period are listed; one click marks
// one checked, which its page then shows, as a version of its own.
func TestDueForReview(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		ctx := context.Background()
		c, _ := edtest.Editor(t, in)
		e := entry(t, in, directory.EntryService, "Cameron Fund")
		v, err := directory.LoadVersion(ctx, in.App.DB, e.ID, e.Version)
		if err != nil {
			t.Fatal(err)
		}
		var s hsds.Service
		json.Unmarshal(v.Doc, &s)
		s.AssuredDate = time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
		doc, _ := json.Marshal(s)
		err = in.App.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := directory.Publish(ctx, tx, directory.Publication{Kind: e.Kind, ID: e.ID, Doc: doc, State: directory.StateShown,
				Base: e.Version, Action: directory.ActionPublish})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		home := c.Get("/admin/directory")
		expect(t, "home", home, 200, "1 service not checked for 6 months")
		review := c.Get("/admin/directory/review")
		expect(t, "review", review, 200, "Cameron Fund", "Mark as checked")
		if strings.Count(review.Body, "Mark as checked<span") != 1 {
			t.Errorf("want only Cameron Fund due:\n%s", review.Body)
		}
		res := submit(t, c, review.Body, "/admin/directory/entries/"+e.ID+"/checked", nil)
		if res.Header.Get("Location") != "/admin/directory/review" {
			t.Fatalf("mark checked: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		expect(t, "review after", follow(t, c, res), 200, "Cameron Fund is marked as checked today", "Every service shown has been checked")
		today := time.Now().In(london(t)).Format("2 January 2006")
		expect(t, "public", in.Client(t).Get("/services/"+e.ID), 200, "These details were last checked on "+today)
		expect(t, "history", c.Get("/admin/directory/entries/"+e.ID+"/history"), 200, "Version 3 (published now)",
			"Marked as checked, nothing else changed", "Last checked")
		// A page opened before another change does not mark it.
		stale := c.Post("/admin/directory/entries/"+e.ID+"/checked", url.Values{"version": {"2"}})
		expect(t, "stale", follow(t, c, stale), 200, "was not marked as checked")
	})
}

// Closing reports: declining needs a reason, which the reporter who asked
// to hear back is told; a report without a contact sends nothing; a report
// closed twice says so.
func TestClosingReports(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		ctx := context.Background()
		c, _ := edtest.Editor(t, in)
		id := entry(t, in, directory.EntryService, "Gamblers Anonymous").ID
		public := in.Client(t)
		expect(t, "bad contact", public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"closed"}, "email": {"me at home"}}), 422,
			"Enter an e-mail address in the right format", `value="me at home"`)
		public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"closed"}, "email": {"asker@example.org"}})
		public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"phone-wrong"}})
		reports, err := directory.Reports(ctx, in.App.DB, in.App.Sealer(), directory.ReportOpen)
		if err != nil || len(reports) != 2 || !reports[0].HasContact || reports[1].HasContact {
			t.Fatalf("reports: %+v %v", reports, err)
		}
		var raw []byte
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT contact FROM dir_reports WHERE id = ?`, reports[0].ID), &raw)
		if len(raw) == 0 || strings.Contains(string(raw), "asker@example.org") {
			t.Error("the reporter's address is not sealed")
		}
		expect(t, "entry page", c.Get("/admin/directory/entries/"+id), 200, "The service has closed", "A phone number is wrong")

		first := "/admin/directory/reports/" + reports[0].ID
		page := c.Get(first)
		expect(t, "no reason", submit(t, c, page.Body, first, map[string][]string{"outcome": {"dismissed"}}), 422, "Say why the listing stays as it is")
		res := submit(t, c, page.Body, first, map[string][]string{"outcome": {"dismissed"}, "note": {"The group still meets every week."}})
		expect(t, "declined", follow(t, c, res), 200, "closed as declined", "being told by e-mail")
		mails := in.SMTP.Wait(t, 1, 10*time.Second)
		if mails[0].To[0] != "asker@example.org" || !strings.Contains(mails[0].Body, "leave the listing as it is") ||
			!strings.Contains(mails[0].Body, "Why: The group still meets every week.") {
			t.Errorf("mail: %v\n%s", mails[0].To, mails[0].Body)
		}
		expect(t, "closed twice", submit(t, c, page.Body, first, map[string][]string{"outcome": {"resolved"}}), 409, "already closed")

		second := "/admin/directory/reports/" + reports[1].ID
		page = c.Get(second)
		res = submit(t, c, page.Body, second, map[string][]string{"outcome": {"resolved"}})
		expect(t, "done", follow(t, c, res), 200, "closed as done", "Closed lately", "Declined")
		time.Sleep(500 * time.Millisecond)
		if n := len(in.SMTP.Mails()); n != 1 {
			t.Errorf("%d mails, want only the one to the reporter who asked", n)
		}
	})
}

// A directory editor lands on the staff home after signing in, and it
// leads to the editor; someone without the role is not shown the way.
func TestStaffHomeLeadsToTheEditor(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c, _ := edtest.Editor(t, in)
	expect(t, "editor's home", c.Get("/staff"), 200, `href="/admin/directory"`)
	other := in.Client(t)
	other.SignIn(in.CreateStaff(t, web.RoleAdviser))
	if strings.Contains(other.Get("/staff").Body, `href="/admin/directory"`) {
		t.Error("an adviser is shown the way to the directory editor")
	}
	expect(t, "adviser refused", other.Get("/admin/directory"), 403)
	if res := in.Client(t).Get("/admin/directory"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in?next=") {
		t.Errorf("a visitor: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}
