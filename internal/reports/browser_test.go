package reports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The report, its chart and table, a bad date and the threshold page pass
// axe in Chromium, with JavaScript off and on, and the filters work from
// the keyboard and mouse alone.
func TestReportsInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	at := time.Now().UTC().AddDate(0, -1, 0)
	for i := range 15 { // 10 doctors, 5 nurses: nothing hidden, whole or narrowed
		prof := []string{"doctor", "doctor", "nurse"}[i%3]
		if _, err := in.App.DB.ExecContext(t.Context(), `INSERT INTO cases (id, reference, status, status_at, opened_at,
			profession, submitted_at, responded_at, response_due, email_blind, key_sealed, updated_at) VALUES (?, ?, 'contacted', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			fmt.Sprint("b", i), fmt.Sprint("PSU-B", i), at, at, prof, at, at.Add(time.Duration(i)*24*time.Hour), at.AddDate(0, 0, 14),
			fmt.Sprint("b", i), []byte{1}, at); err != nil {
			t.Fatal(err)
		}
	}
	b := webtest.New(t)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	for i, opts := range [][]webtest.Option{{webtest.NoJS()}, nil} {
		tab := b.Tab(t, opts...)
		if i == 0 { // the tabs share one browser's cookies
			tab.Visit(in.URL + "/sign-in?next=/reports")
			tab.Fill("#email", admin.Email)
			tab.Fill("#password", admin.Password)
			tab.Click("form button[type=submit]")
			tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
			tab.Click("form button[type=submit]")
		} else {
			tab.Visit(in.URL + "/reports")
		}
		if got := tab.Text("h1"); got != "Reports" {
			t.Fatalf("after sign-in: %q at %s", got, tab.URL())
		}
		if got := tab.Text("table"); !strings.Contains(strings.ToLower(got), "doctor") || !strings.Contains(got, "15") {
			t.Errorf("table %q", got)
		}
		tab.Axe()
		tab.Select("#only", "profession:doctor")
		tab.Click("#show-report")
		if got := tab.Text("#report-title"); !strings.Contains(got, "only Doctor") {
			t.Errorf("narrowed report's heading %q", got)
		}
		if got := tab.Text("table"); strings.Contains(strings.ToLower(got), "nurse") || !strings.Contains(got, "10") {
			t.Errorf("narrowed to doctors, the table is %q", got)
		}
		tab.Axe()
		tab.Select("#only", "")
		tab.Fill("#from", "yesterday")
		tab.Click("#show-report")
		if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Enter the first day") {
			t.Errorf("error summary %q", got)
		}
		tab.Axe()
		tab.Visit(in.URL + "/reports/threshold")
		tab.Axe()
		tab.Visit(in.URL + "/reports/caseload")
		if got := tab.Text("h1"); got != "Caseload and closures" {
			t.Fatalf("caseload: %q", got)
		}
		tab.Axe()
		tab.Visit(in.URL + "/reports/feedback")
		if got := tab.Text("h1"); got != "Feedback from trainees" {
			t.Fatalf("feedback: %q", got)
		}
		tab.Axe()
		for _, per := range []string{"month", "adviser"} {
			tab.Visit(in.URL + "/reports/targets?per=" + per)
			if got := tab.Text("h1"); got != "Targets" {
				t.Fatalf("targets: %q", got)
			}
			tab.Axe()
		}
	}
}
