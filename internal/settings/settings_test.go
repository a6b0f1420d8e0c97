package settings_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// govUK is a file in the shape GOV.UK publishes at
// https://www.gov.uk/bank-holidays.json: every division, keyed by name.
func govUK(t *testing.T, england []workdays.Holiday) []byte {
	t.Helper()
	type event struct {
		Title   string `json:"title"`
		Date    string `json:"date"`
		Notes   string `json:"notes"`
		Bunting bool   `json:"bunting"`
	}
	division := func(name string, hs []workdays.Holiday) map[string]any {
		evs := []event{}
		for _, h := range hs {
			evs = append(evs, event{Title: h.Title, Date: h.Date, Bunting: true})
		}
		return map[string]any{"division": name, "events": evs}
	}
	year := time.Now().Year()
	b, err := json.Marshal(map[string]any{
		"england-and-wales": division("england-and-wales", england),
		"scotland":          division("scotland", []workdays.Holiday{{Date: fmt.Sprintf("%d-11-30", year+1), Title: "St Andrew’s Day"}}),
		"northern-ireland":  division("northern-ireland", []workdays.Holiday{{Date: fmt.Sprintf("%d-03-17", year+1), Title: "St Patrick’s Day"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upload posts data as the file field of the bank holidays form, as a
// browser does.
func upload(t *testing.T, c *apptest.Client, data []byte) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "bank-holidays.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return post(t, c, "/admin/settings/bank-holidays", mw.FormDataContentType(), body.Bytes())
}

func post(t *testing.T, c *apptest.Client, path, contentType string, body []byte) apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.Base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return apptest.Response{Response: res, Body: b.String()}
}

// saved checks that res is the redirect back to the page after a change,
// and returns the page that follows, with its confirmation.
func saved(t *testing.T, c *apptest.Client, res apptest.Response, want string) string {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/settings" {
		t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	page := c.Get("/admin/settings")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "nhsuk-notification-banner--success") || !strings.Contains(page.Body, want) {
		t.Fatalf("after saving, the page lacks the confirmation %q:\n%s", want, page.Body)
	}
	return page.Body
}

// runningCase opens a case whose first-response clock started at submitted.
func runningCase(t *testing.T, in *apptest.Instance, submitted time.Time) string {
	t.Helper()
	ctx := context.Background()
	cs := &cases.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox}
	var id string
	err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		c, err := cs.Arrive(ctx, tx, cases.Arrival{ApplicationID: store.NewID(), Reference: application.NewReference(),
			SubmittedAt: submitted, Email: "trainee-" + store.NewID()[24:] + "@example.com", Name: "Test Trainee"})
		if c != nil {
			id = c.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// checkDue checks that the case's target is what the settings in use give.
func checkDue(t *testing.T, in *apptest.Instance, id string, submitted time.Time) time.Time {
	t.Helper()
	ctx := context.Background()
	clock, cs, err := settings.WorkClock(ctx, in.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	c, err := (&cases.Store{DB: in.App.DB, Sealer: in.App.Sealer()}).Get(ctx, in.App.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Due(submitted, cs.Days); !c.ResponseDue.Equal(want) {
		t.Errorf("the case's target is %s; %d %s from %s is %s", c.ResponseDue, cs.Days, cs.Mode.Label(), submitted, want)
	}
	return c.ResponseDue
}

func auditEntries(t *testing.T, db *store.DB, action string) []audit.Entry {
	t.Helper()
	p, err := audit.List(context.Background(), db, audit.Filter{ActionPrefix: action})
	if err != nil {
		t.Fatal(err)
	}
	return p.Entries
}

func clockNow(t *testing.T, db *store.DB) settings.ClockSettings {
	t.Helper()
	cs, err := settings.Clock(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func holidaysNow(t *testing.T, db *store.DB) []workdays.Holiday {
	t.Helper()
	hs, err := settings.Holidays(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

func sameHolidays(a, b []workdays.Holiday) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// nextMonday is the first Monday at least days from now, at 10am in London.
func nextMonday(days int) time.Time {
	d := time.Now().In(workdays.London).AddDate(0, 0, days)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, workdays.London).UTC()
}

// An administrator changes the first-response target: the values are
// stored, every running target moves in the same change, and the change is
// audited. A bad number comes back with a message and what was typed.
func TestAdministratorChangesTheClock(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			admin := in.Client(t)
			staff := in.CreateStaff(t, web.RoleAdministrator)
			admin.SignIn(staff)

			page := admin.Get("/admin/settings")
			if page.StatusCode != http.StatusOK {
				t.Fatalf("settings page: %d", page.StatusCode)
			}
			for _, want := range []string{"<h1>Unit settings</h1>", `name="days" type="text" value="14"`, `value="calendar" checked`, "The list psu ships with"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("settings page lacks %q", want)
				}
			}

			submitted := nextMonday(40)
			id := runningCase(t, in, submitted)
			before := checkDue(t, in, id, submitted)

			// 11, not 10: ten working days are two weeks, as 14 calendar days are.
			res := admin.Post("/admin/settings/clock", url.Values{"days": {" 11 "}, "mode": {"working"}})
			body := saved(t, admin, res, "The first-response target is now 11 working days.")
			if !strings.Contains(body, `value="working" checked`) || !strings.Contains(body, `value="11"`) {
				t.Error("the page does not show the new settings")
			}
			if got := clockNow(t, in.App.DB); got != (settings.ClockSettings{Days: 11, Mode: workdays.Working}) {
				t.Errorf("settings.Clock = %+v, want 11 working days", got)
			}
			if after := checkDue(t, in, id, submitted); after.Equal(before) {
				t.Errorf("the running case's target did not move from %s", before)
			}
			es := auditEntries(t, in.App.DB, "settings.clock")
			if len(es) != 1 || es[0].ActorID != staff.ID || es[0].Detail != "11 working days (was 14 calendar days)" || es[0].Source == "" {
				t.Errorf("audit entries: %+v", es)
			}

			for _, tc := range []struct {
				name        string
				form        url.Values
				message     string
				kept        []string
				errorFields []string
			}{
				{"too many days", url.Values{"days": {"61"}, "mode": {"calendar"}}, "The number of days must be from 1 to 60",
					[]string{`value="61"`, `value="calendar" checked`}, []string{"days"}},
				{"no days", url.Values{"days": {"0"}, "mode": {"working"}}, "The number of days must be from 1 to 60",
					[]string{`value="0"`, `value="working" checked`}, []string{"days"}},
				{"not a number", url.Values{"days": {"two weeks"}, "mode": {"working"}}, "Enter the number of days as a whole number, like 14",
					[]string{`value="two weeks"`}, []string{"days"}},
				{"a fraction", url.Values{"days": {"7.5"}, "mode": {"working"}}, "whole number", []string{`value="7.5"`}, []string{"days"}},
				{"huge", url.Values{"days": {strings.Repeat("9", 40)}, "mode": {"working"}}, "must be from 1 to 60", []string{strings.Repeat("9", 40)}, []string{"days"}},
				{"empty", url.Values{"days": {""}, "mode": {"working"}}, "Enter the number of days, from 1 to 60", nil, []string{"days"}},
				{"no mode", url.Values{"days": {"12"}}, "Select calendar days or working days", []string{`value="12"`}, []string{"mode"}},
				{"unknown mode", url.Values{"days": {"abc"}, "mode": {"weekdays"}}, "Select calendar days or working days",
					[]string{`value="abc"`}, []string{"days", "mode"}},
			} {
				res := admin.Post("/admin/settings/clock", tc.form)
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: %d, want 422", tc.name, res.StatusCode)
					continue
				}
				for _, want := range append([]string{"There is a problem", "<title>Error: Unit settings", tc.message}, tc.kept...) {
					if !strings.Contains(res.Body, want) {
						t.Errorf("%s: the page lacks %q", tc.name, want)
					}
				}
				for _, f := range tc.errorFields {
					if !strings.Contains(res.Body, `href="#`+f+`"`) || !strings.Contains(res.Body, `id="`+f+`-error"`) {
						t.Errorf("%s: no error summary link or message for %s", tc.name, f)
					}
				}
			}
			if got := clockNow(t, in.App.DB); got != (settings.ClockSettings{Days: 11, Mode: workdays.Working}) {
				t.Errorf("refused forms changed the settings to %+v", got)
			}

			res = admin.Post("/admin/settings/clock", url.Values{"days": {"11"}, "mode": {"working"}})
			saved(t, admin, res, "was already 11 working days. Nothing has changed.")
			if n := len(auditEntries(t, in.App.DB, "settings.clock")); n != 1 {
				t.Errorf("%d clock entries after saving the same values; want 1", n)
			}

			res = admin.Post("/admin/settings/clock", url.Values{"days": {"60"}, "mode": {"calendar"}})
			saved(t, admin, res, "now 60 calendar days")
			checkDue(t, in, id, submitted)
		})
	}
}

// An administrator uploads GOV.UK's file: its England and Wales dates
// replace the list in use and every running target moves. A file with any
// problem changes nothing and says what is wrong. The list psu ships with
// comes back at the press of a button.
func TestAdministratorLoadsBankHolidays(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			admin := in.Client(t)
			staff := in.CreateStaff(t, web.RoleAdministrator)
			admin.SignIn(staff)
			shipped := workdays.Shipped()

			page := admin.Get("/admin/settings").Body
			for _, want := range []string{"The list psu ships with", `<dd class="nhsuk-summary-list__value" id="holiday-count">` + strconv.Itoa(len(shipped)) + "</dd>", "Load a newer list", `enctype="multipart/form-data"`} {
				if !strings.Contains(page, want) {
					t.Errorf("settings page lacks %q", want)
				}
			}
			if strings.Contains(page, "Go back to the list psu ships with") {
				t.Error("the page offers to go back to the list already in use")
			}

			if res := admin.Post("/admin/settings/clock", url.Values{"days": {"5"}, "mode": {"working"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("clock: %d", res.StatusCode)
			}
			submitted := nextMonday(40)
			id := runningCase(t, in, submitted)
			before := checkDue(t, in, id, submitted)

			// Last year's, this year's and the next two years' dates, and a
			// made-up holiday on the Wednesday after the case arrived.
			year := time.Now().Year()
			var england []workdays.Holiday
			for y := year - 1; y <= year+2; y++ {
				england = append(england,
					workdays.Holiday{Date: fmt.Sprintf("%d-01-01", y), Title: "New Year’s Day"},
					workdays.Holiday{Date: fmt.Sprintf("%d-12-25", y), Title: "Christmas Day"},
					workdays.Holiday{Date: fmt.Sprintf("%d-12-26", y), Title: "Boxing Day"})
			}
			wednesday := submitted.In(workdays.London).AddDate(0, 0, 2).Format(time.DateOnly)
			england = append(england, workdays.Holiday{Date: wednesday, Title: "Test <day> & more"})
			good := govUK(t, england)

			res := upload(t, admin, good)
			body := saved(t, admin, res, fmt.Sprintf("%d bank holidays have been loaded from the file", len(england)))
			for _, want := range []string{"Uploaded by an administrator on", `id="holiday-count">` + strconv.Itoa(len(england)) + "<",
				"Test &lt;day&gt; &amp; more", "Go back to the list psu ships with",
				`id="holiday-last">` + time.Date(year+2, 12, 26, 0, 0, 0, 0, time.UTC).Format("Monday 2 January 2006") + "<"} {
				if !strings.Contains(body, want) {
					t.Errorf("after the upload the page lacks %q", want)
				}
			}
			if strings.Contains(body, "St Andrew") || strings.Contains(body, "run out soon") {
				t.Error("the page shows another division's holiday, or warns about a long list")
			}
			loaded := holidaysNow(t, in.App.DB)
			want, _ := workdays.Parse(good)
			if !sameHolidays(loaded, want) || len(loaded) != len(england) {
				t.Fatalf("holidays in use: %v", loaded)
			}
			if after := checkDue(t, in, id, submitted); after.Equal(before) {
				t.Errorf("the running case's target did not move for the new bank holiday (still %s)", before)
			}
			es := auditEntries(t, in.App.DB, "settings.bank_holidays")
			if len(es) != 1 || es[0].ActorID != staff.ID || !strings.HasPrefix(es[0].Detail, strconv.Itoa(len(england))+" loaded") {
				t.Errorf("audit entries: %+v", es)
			}

			notJSON := []byte("Date,Title\n2027-01-01,New Year's Day\n")
			for _, tc := range []struct {
				name string
				data []byte
				want string
			}{
				{"not JSON", notJSON, "The file is not JSON in the shape GOV.UK publishes bank holidays."},
				{"another division", []byte(`{"division": "scotland", "events": [{"date": "2031-11-30", "title": "St Andrew's Day"}]}`),
					"The file lists bank holidays for &#34;scotland&#34;, not England and Wales."},
				{"no events", []byte(`{"england-and-wales": {"division": "england-and-wales"}}`), "The file has no list of England and Wales bank holidays"},
				{"a bad date", govUK(t, []workdays.Holiday{{Date: "2031-01-01", Title: "New Year’s Day"}, {Date: "31/12/2031", Title: "Hogmanay"}}),
					"Entry 2 has the date &#34;31/12/2031&#34;, which is not a date written like 2027-05-31."},
				{"no title", govUK(t, []workdays.Holiday{{Date: "2031-05-05", Title: ""}}), "Entry 1 (2031-05-05) has no title."},
				{"empty list", govUK(t, nil), "The file lists no bank holidays."},
				{"only the past", govUK(t, []workdays.Holiday{{Date: "2019-12-25", Title: "Christmas Day"}}),
					"The file lists no bank holidays after today: its last is Wednesday 25 December 2019."},
				{"no file chosen", nil, "Select the bank holidays file to upload"},
			} {
				var res apptest.Response
				if tc.data == nil {
					var b bytes.Buffer
					mw := multipart.NewWriter(&b)
					mw.CreateFormFile("file", "")
					mw.Close()
					res = post(t, admin, "/admin/settings/bank-holidays", mw.FormDataContentType(), b.Bytes())
				} else {
					res = upload(t, admin, tc.data)
				}
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: %d, want 422", tc.name, res.StatusCode)
					continue
				}
				for _, want := range []string{"There is a problem", `href="#file"`, `id="file-error"`, tc.want, `value="5"`, `value="working" checked`} {
					if !strings.Contains(res.Body, want) {
						t.Errorf("%s: the page lacks %q", tc.name, want)
					}
				}
			}
			// Too large for the route: refused before it is read.
			big := govUK(t, []workdays.Holiday{{Date: "2031-01-01", Title: strings.Repeat("x", settings.MaxUpload)}})
			if res := upload(t, admin, big); res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("a file over 1 MiB: %d, want 413", res.StatusCode)
			}
			// Not a multipart body at all.
			if res := admin.Post("/admin/settings/bank-holidays", url.Values{"file": {string(good)}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a form without a file: %d, want 422", res.StatusCode)
			}
			if got := holidaysNow(t, in.App.DB); !sameHolidays(got, loaded) {
				t.Errorf("a refused file changed the holidays in use to %v", got)
			}
			if n := len(auditEntries(t, in.App.DB, "settings.bank_holidays")); n != 1 {
				t.Errorf("%d bank holiday entries after refused files; want 1", n)
			}

			// A list that runs out within six months is in use, and flagged.
			soon := time.Now().In(workdays.London).AddDate(0, 2, 0).Format(time.DateOnly)
			res = upload(t, admin, govUK(t, []workdays.Holiday{{Date: soon, Title: "Only day"}}))
			body = saved(t, admin, res, "1 bank holiday has been loaded from the file")
			if !strings.Contains(body, "The bank holidays run out soon") || !strings.Contains(body, "less than 6 months from now") {
				t.Error("no warning for a list that runs out within six months")
			}

			res = admin.Post("/admin/settings/bank-holidays/shipped", nil)
			body = saved(t, admin, res, fmt.Sprintf("The list psu ships with is in use again: %d bank holidays", len(shipped)))
			if !strings.Contains(body, "The list psu ships with") || strings.Contains(body, "run out soon") {
				t.Error("after going back, the page does not show psu's own list")
			}
			if got := holidaysNow(t, in.App.DB); !sameHolidays(got, shipped) {
				t.Errorf("after going back, the holidays in use are %v", got)
			}
			if after := checkDue(t, in, id, submitted); !after.Equal(before) {
				t.Errorf("after going back to psu's list, the target is %s, not %s", after, before)
			}
			if es := auditEntries(t, in.App.DB, "settings.bank_holidays"); len(es) != 3 || !strings.Contains(es[0].Detail, "the list psu ships with") {
				t.Errorf("audit entries: %+v", es)
			}
		})
	}
}

// Only administrators reach the settings: advisers and triage leads are
// refused and change nothing; a visitor is sent to sign in.
func TestSettingsAreForAdministratorsOnly(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			for _, role := range []web.Role{web.RoleAdviser, web.RoleTriageLead} {
				c := in.Client(t)
				c.SignIn(in.CreateStaff(t, role))
				if res := c.Get("/admin/settings"); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: GET %d, want 403", role, res.StatusCode)
				}
				if res := c.Post("/admin/settings/clock", url.Values{"days": {"30"}, "mode": {"working"}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: POST clock %d, want 403", role, res.StatusCode)
				}
				year := time.Now().Year()
				if res := upload(t, c, govUK(t, []workdays.Holiday{{Date: fmt.Sprintf("%d-06-01", year+1), Title: "Made up"}})); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: upload %d, want 403", role, res.StatusCode)
				}
				if res := c.Post("/admin/settings/bank-holidays/shipped", nil); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: go back %d, want 403", role, res.StatusCode)
				}
			}
			if got := clockNow(t, in.App.DB); got != (settings.ClockSettings{Days: settings.DefaultResponseDays, Mode: settings.DefaultDayMode}) {
				t.Errorf("refused requests changed the clock to %+v", got)
			}
			if got := holidaysNow(t, in.App.DB); !sameHolidays(got, workdays.Shipped()) {
				t.Error("refused requests changed the bank holidays")
			}
			if es := auditEntries(t, in.App.DB, "settings."); len(es) != 0 {
				t.Errorf("refused requests were audited as changes: %+v", es)
			}
			if res := in.Client(t).Get("/admin/settings"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in?next=") {
				t.Errorf("visitor: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
}

// An administrator sets how long ended cases are kept: a whole number of
// years in range, else 422 with the figure typed kept; audited.
func TestAdministratorSetsRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		admin := in.Client(t)
		staff := in.CreateStaff(t, web.RoleAdministrator)
		admin.SignIn(staff)
		if page := admin.Get("/admin/settings"); !strings.Contains(page.Body, `name="years" type="text" value="7"`) {
			t.Error("the settings page does not show the default of 7 years")
		}
		for _, bad := range []string{"", "0", "seven", "51"} {
			res := admin.Post("/admin/settings/retention", url.Values{"years": {bad}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "nhsuk-error-summary") ||
				!strings.Contains(res.Body, `name="days" type="text" value="14"`) {
				t.Errorf("years %q: %d", bad, res.StatusCode)
			}
		}
		saved(t, admin, admin.Post("/admin/settings/retention", url.Values{"years": {"10"}}), "Ended cases are now kept for 10 years")
		if n, err := settings.RetentionYears(context.Background(), in.App.DB); err != nil || n != 10 {
			t.Errorf("RetentionYears = %d (%v), want 10", n, err)
		}
		if es := auditEntries(t, in.App.DB, "settings.retention"); len(es) != 1 || es[0].Detail != "10 years (was 7)" {
			t.Errorf("audit entries: %+v", es)
		}
	})
}

// An administrator sets the unit's own details: each mistake comes back as
// 422 with a message saying what to do and the rest kept; once saved
// (audited, naming what changed), the contact and privacy pages show them.
// Until then those pages show the defaults and nothing made up.
func TestAdministratorSetsTheUnitsDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		visitor := in.Client(t)
		contact := visitor.Get("/contact").Body
		if !strings.Contains(contact, `href="tel:02078663271"`) || strings.Contains(contact, "mailto:") || strings.Contains(contact, "By post") {
			t.Errorf("the default contact page:\n%s", contact)
		}
		if privacy := visitor.Get("/privacy").Body; !strings.Contains(privacy, "for 7 years after your case ends") || !strings.Contains(privacy, "ico.org.uk") {
			t.Errorf("the default privacy notice:\n%s", privacy)
		}

		admin := in.Client(t)
		admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
		if page := admin.Get("/admin/settings"); !strings.Contains(page.Body, `href="/admin/settings/unit"`) || !strings.Contains(page.Body, `id="basis-unconfirmed"`) {
			t.Error("the settings page does not link to the unit's details, or does not ask for the lawful basis to be confirmed")
		}
		if form := admin.Get("/admin/settings/unit"); form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `value="0207 866 3271"`) ||
			!strings.Contains(form.Body, "Article 6(1)(e)") || !strings.Contains(form.Body, "data protection officer must confirm") {
			t.Errorf("the form does not show the details in use, or does not ask the DPO to confirm the lawful basis: %d", form.StatusCode)
		}
		good := url.Values{"name": {"Example Professional Support Unit"}, "phone": {"020 7946 0000"}, "email": {"psu@example.org"},
			"hours": {"Monday to Friday, 9am to 5pm"}, "address": {"1 Example Street\r\nLondon\r\nE1 1AA"}, "dpo": {"The data protection officer, dpo@example.org"},
			"region": {"North Example"}, "lawful_basis": {"Article 6(1)(e), as our DPO confirmed."}, "special_category": {"Article 9(2)(h), as our DPO confirmed."},
			"basis_confirmed": {"yes"}, "tested": {"Tested on 1 March 2027 by the Example digital team."}}
		for _, c := range []struct{ field, value, message string }{
			{"name", "", "Enter the name of the unit"},
			{"phone", "", "phone number, like 020 7946 0000"},
			{"phone", "call us", "digits and spaces only"},
			{"email", "not an address", "Enter the e-mail address in the right format"},
			{"hours", strings.Repeat("a", 201), "must be 200 characters or fewer"},
			{"lawful_basis", " ", "Enter the lawful basis under UK GDPR Article 6"},
			{"special_category", "", "Enter the condition under UK GDPR Article 9"},
		} {
			v := url.Values{}
			for k, vs := range good {
				v[k] = vs
			}
			v.Set(c.field, c.value)
			res := admin.Post("/admin/settings/unit", v)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.message) || !strings.Contains(res.Body, "nhsuk-error-summary") ||
				!strings.Contains(res.Body, "1 Example Street") {
				t.Errorf("%s = %q: %d, want 422 saying %q", c.field, c.value, res.StatusCode, c.message)
			}
		}
		if es := auditEntries(t, in.App.DB, "settings.unit"); len(es) != 0 {
			t.Fatalf("refused forms were audited: %+v", es)
		}
		saved(t, admin, admin.Post("/admin/settings/unit", good), "details are saved. The public pages and e-mails")
		if page := admin.Get("/admin/settings"); strings.Contains(page.Body, `id="basis-unconfirmed"`) {
			t.Error("the settings page still asks for the confirmed lawful basis")
		}
		u, err := settings.UnitDetails(context.Background(), in.App.DB)
		if err != nil || u.Phone != "020 7946 0000" || u.Address != "1 Example Street\nLondon\nE1 1AA" {
			t.Errorf("UnitDetails = %+v (%v)", u, err)
		}
		if es := auditEntries(t, in.App.DB, "settings.unit"); len(es) != 1 || es[0].Detail != "changed: name, region, phone, email, hours, address, dpo, lawful_basis, special_category, basis_confirmed, tested" {
			t.Errorf("audit entries: %+v", es)
		}
		saved(t, admin, admin.Post("/admin/settings/unit", good), "details are saved. The public pages and e-mails")
		if es := auditEntries(t, in.App.DB, "settings.unit"); len(es) != 1 {
			t.Errorf("saving the same details again was audited: %+v", es)
		}

		contact = visitor.Get("/contact").Body
		for _, want := range []string{"Example Professional Support Unit", `href="tel:02079460000"`, `href="mailto:psu@example.org"`,
			"Monday to Friday, 9am to 5pm", "1 Example Street<br>London<br>E1 1AA"} {
			if !strings.Contains(contact, want) {
				t.Errorf("the contact page lacks %q", want)
			}
		}
		for _, page := range []string{"/who-can-apply", "/referrers", "/referrers/notify"} {
			if body := visitor.Get(page).Body; !strings.Contains(body, `href="tel:02079460000"`) || strings.Contains(body, `href="tel:02078663271"`) {
				t.Errorf("%s does not offer the unit's new phone number", page)
			}
			if body := visitor.Get(page).Body; page != "/who-can-apply" && !strings.Contains(body, "the Example Professional Support Unit") {
				t.Errorf("%s does not name the unit as set", page)
			}
		}
		privacy := visitor.Get("/privacy").Body
		for _, want := range []string{"The Example Professional Support Unit is responsible", "dpo@example.org", "as our DPO confirmed.", "Article 9(2)(h)", "1 Example Street, London, E1 1AA"} {
			if !strings.Contains(privacy, want) {
				t.Errorf("the privacy notice lacks %q", want)
			}
		}
		access := visitor.Get("/accessibility").Body
		for _, want := range []string{"run by the Example Professional Support Unit", `href="tel:02079460000"`, `href="mailto:psu@example.org"`, "Tested on 1 March 2027 by the Example digital team."} {
			if !strings.Contains(access, want) {
				t.Errorf("the accessibility statement lacks %q", want)
			}
		}
		for _, page := range []string{"/", "/how-it-works", "/apply"} {
			if body := visitor.Get(page).Body; !strings.Contains(body, "Example Professional Support Unit") || !strings.Contains(body, "in North Example") ||
				strings.Contains(body, "London and Kent") {
				t.Errorf("%s does not name the unit and where it works as set", page)
			}
			if body := visitor.Get(page).Body; !strings.Contains(body, `href="/">Example Professional Support Unit</a>`) ||
				!strings.Contains(body, "– Example Professional Support Unit</title>") {
				t.Errorf("%s: the header and title do not name the unit as set", page)
			}
		}
		for _, role := range []web.Role{web.RoleAdviser, web.RoleTriageLead} {
			c := in.Client(t)
			c.SignIn(in.CreateStaff(t, role))
			if res := c.Post("/admin/settings/unit", good); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: POST %d, want 403", role, res.StatusCode)
			}
		}
	})
}
