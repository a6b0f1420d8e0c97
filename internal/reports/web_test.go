package reports_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// Leads and administrators see the report and download it; an adviser is
// refused; the export is the page's table, suppressed, parsed by
// encoding/csv; bad dates come back with a message, not a 500.
func TestReportsPageAndExport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			at := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
			for i := range 9 {
				prog := "Core surgical training"
				if i == 8 {
					prog = "=cmd|' /C calc'!A0" // typed under "other"
				}
				if i == 7 {
					prog = "GP"
				}
				_, err := in.App.DB.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at,
					programme, email_blind, key_sealed, updated_at) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?)`,
					fmt.Sprint("r", i), fmt.Sprint("PSU-R", i), at, at, prog, fmt.Sprint("b", i), []byte{1}, at)
				if err != nil {
					t.Fatal(err)
				}
			}
			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Get("/reports"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("adviser: %d", res.StatusCode)
			}
			for _, role := range []web.Role{web.RoleTriageLead, web.RoleAdministrator} {
				c := in.Client(t)
				c.SignIn(in.CreateStaff(t, role))
				q := "?by=programme&from=2026-05-01&to=2026-05-31"
				res := c.Get("/reports" + q)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", role, res.StatusCode)
				}
				for _, want := range []string{"<svg", "<title id=\"chart-title\">", "Core surgical training", "fewer than 5", "Others, each given by too few to show"} {
					if !strings.Contains(res.Body, want) {
						t.Errorf("%s: page lacks %q", role, want)
					}
				}
				if strings.Contains(res.Body, "calc") || strings.Contains(res.Body, ">GP<") {
					t.Errorf("%s: a programme only one trainee typed is on the page", role)
				}
				ex := c.Get("/reports/export.csv" + q)
				if ex.StatusCode != http.StatusOK || !strings.HasPrefix(ex.Body, "\uFEFF") {
					t.Fatalf("export: %d %q", ex.StatusCode, ex.Body[:min(20, len(ex.Body))])
				}
				recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(ex.Body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				// Core surgical 7; the two pooled (2) hidden, so 7 is hidden
				// too, and the totals (9) are shown.
				got := fmt.Sprint(recs)
				want := "[[Programme May 2026 Total] [Core surgical training not shown not shown] [Others, each given by too few to show fewer than 5 fewer than 5] [Total 9 9]]"
				if got != want {
					t.Errorf("export\n got %s\nwant %s", got, want)
				}
				// A range of days counts whole months: moving it by a day
				// gives nothing away.
				for _, days := range []string{"from=2026-05-13&to=2026-05-13", "from=2026-05-02&to=2026-05-30"} {
					if day := c.Get("/reports/export.csv?by=programme&" + days); day.Body != ex.Body {
						t.Errorf("%s: export differs from the whole month's", days)
					}
				}
				if page := c.Get("/reports?by=programme&from=2026-05-13&to=2026-05-20"); !strings.Contains(page.Body, `value="2026-05-01"`) || !strings.Contains(page.Body, `value="2026-05-31"`) {
					t.Error("the range shown is not the whole month")
				}
				bad := c.Get("/reports?from=31/05/2026&to=2026-05-01")
				if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Enter the first day as a date") || !strings.Contains(bad.Body, "31/05/2026") {
					t.Errorf("bad date: %d", bad.StatusCode)
				}
			}
		})
	}
}

// An administrator sets the threshold, never under 3; a lead may not.
func TestAdministratorSetsTheThreshold(t *testing.T) {
	in := apptest.Start(t, storetest.Engines[0])
	lead := in.Client(t)
	lead.SignIn(in.CreateStaff(t, web.RoleTriageLead))
	if res := lead.Get("/reports/threshold"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("lead: %d", res.StatusCode)
	}
	admin := in.Client(t)
	admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
	res := admin.Post("/reports/threshold", url.Values{"threshold": {"2"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Enter a whole number from 3 to 50") {
		t.Fatalf("threshold 2: %d", res.StatusCode)
	}
	admin.Post("/reports/threshold", url.Values{"threshold": {"10"}})
	if page := admin.Get("/reports"); !strings.Contains(page.Body, "Any number under 10") {
		t.Error("the threshold of 10 is not in use")
	}
}

// The targets page and its export, on both engines: a lead sees the share
// met, an adviser is refused, the CSV is the page's table, suppressed.
func TestTargetsPageAndExport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			at := time.Now().UTC().AddDate(0, -2, 0)
			for i := range 7 {
				responded := at.Add(48 * time.Hour)
				if i == 6 {
					responded = at.Add(20 * 24 * time.Hour)
				}
				_, err := in.App.DB.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at, submitted_at,
					responded_at, response_due, email_blind, key_sealed, updated_at) VALUES (?, ?, 'contacted', ?, ?, ?, ?, ?, ?, ?, ?)`,
					fmt.Sprint("t", i), fmt.Sprint("PSU-T", i), at, at, at, responded, at.AddDate(0, 0, 14), fmt.Sprint("b", i), []byte{1}, at)
				if err != nil {
					t.Fatal(err)
				}
			}
			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Get("/reports/targets"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("adviser: %d", res.StatusCode)
			}
			lead := in.Client(t)
			lead.SignIn(in.CreateStaff(t, web.RoleTriageLead))
			res := lead.Get("/reports/targets?target=response&per=adviser")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("lead: %d", res.StatusCode)
			}
			for _, want := range []string{"<svg", "First response within 14 days", "No adviser assigned", "fewer than 5", "Median days"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			ex := lead.Get("/reports/targets/export.csv?target=response&per=adviser")
			if ex.StatusCode != http.StatusOK || !strings.HasPrefix(ex.Body, "\uFEFF") {
				t.Fatalf("export: %d", ex.StatusCode)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(ex.Body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// Six met, one not: the one is hidden, so the six are too; the
			// total (7) shows, and nothing that would give the one away.
			got := fmt.Sprint(recs)
			want := "[[Adviser Met Not met Total Share met Median days 90th percentile days] [No adviser assigned not shown fewer than 5 7 not shown 2.0 20.0] [Total not shown fewer than 5 7 not shown 2.0 20.0]]"
			if got != want {
				t.Errorf("export\n got %s\nwant %s", got, want)
			}
		})
	}
}

// The caseload page and both its exports, on both engines.
func TestCaseloadPageAndExport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			at := time.Now().UTC().AddDate(0, -2, 0)
			for i := range 8 {
				status, closed := "contacted", any(nil)
				if i < 6 {
					status, closed = "closed", at.AddDate(0, 0, 10)
				}
				_, err := in.App.DB.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at, closed_at,
					outcome, email_blind, key_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'Support completed', ?, ?, ?)`,
					fmt.Sprint("k", i), fmt.Sprint("PSU-K", i), status, at, at, closed, fmt.Sprint("b", i), []byte{1}, at)
				if err != nil {
					t.Fatal(err)
				}
			}
			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Get("/reports/caseload"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("adviser: %d", res.StatusCode)
			}
			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
			res := admin.Get("/reports/caseload")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("administrator: %d", res.StatusCode)
			}
			for _, want := range []string{"<svg", "No adviser assigned", "fewer than 5", "10.0"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for table, want := range map[string]string{
				"caseload": "No adviser assigned fewer than 5",
				"closure":  "Total 6 10.0 10.0",
			} {
				ex := admin.Get("/reports/caseload/export.csv?table=" + table)
				if ex.StatusCode != http.StatusOK || !strings.HasPrefix(ex.Body, "\uFEFF") {
					t.Fatalf("%s export: %d", table, ex.StatusCode)
				}
				recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(ex.Body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(recs); !strings.Contains(got, want) {
					t.Errorf("%s export %s lacks %q", table, got, want)
				}
			}
		})
	}
}

// A report narrowed to one profession hides what setting it beside the
// others and the whole would give away; a narrowing not offered comes
// back with a message; the export is narrowed and named as the page.
func TestNarrowedReport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			at := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
			n := 0
			add := func(k int, prof, region string) {
				for range k {
					n++
					if _, err := in.App.DB.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at,
						profession, region, email_blind, key_sealed, updated_at) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?)`,
						fmt.Sprint("n", n), fmt.Sprint("PSU-N", n), at, at, prof, region, fmt.Sprint("b", n), []byte{1}, at); err != nil {
						t.Fatal(err)
					}
				}
			}
			// London in May: doctors 12, nurses 5, dentists 3 (20 in all);
			// KSS: doctors 10, nurses 10, dentists 10.
			add(12, "doctor", "london")
			add(5, "nurse", "london")
			add(3, "dentist", "london")
			add(10, "doctor", "kss")
			add(10, "nurse", "kss")
			add(10, "dentist", "kss")
			c := in.Client(t)
			c.SignIn(in.CreateStaff(t, web.RoleTriageLead))
			q := "?by=region&from=2026-05-01&to=2026-05-31"
			whole := c.Get("/reports/export.csv" + q)
			if !strings.Contains(whole.Body, "London,20,20") {
				t.Fatalf("whole: %s", whole.Body)
			}
			shown := map[string]string{}
			for _, prof := range []string{"doctor", "nurse", "dentist"} {
				page := c.Get("/reports" + q + "&only=profession:" + prof)
				if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `<option value="profession:`+prof+`" selected>`) {
					t.Fatalf("%s: %d, or the choice is not kept", prof, page.StatusCode)
				}
				ex := c.Get("/reports/export.csv" + q + "&only=profession:" + prof)
				if !strings.Contains(ex.Header.Get("Content-Disposition"), "-only-"+prof+".csv") {
					t.Errorf("%s: download named %q", prof, ex.Header.Get("Content-Disposition"))
				}
				recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(ex.Body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					if r[0] == "London" {
						shown[prof] = r[1]
					}
				}
			}
			if shown["dentist"] != "fewer than 5" {
				t.Errorf("dentists in London: %q", shown["dentist"])
			}
			if shown["doctor"] == "12" && shown["nurse"] == "5" {
				t.Errorf("doctors 12 and nurses 5 both shown beside a whole of 20: the dentists' 3 can be worked out (%v)", shown)
			}
			bad := c.Get("/reports" + q + "&only=profession:astronaut")
			if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Choose whose cases to count from the list") {
				t.Errorf("a narrowing not offered: %d", bad.StatusCode)
			}
		})
	}
}
