package settings_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
	"github.com/psu-project/psu/internal/workdays"
)

// The settings page, its errors, its confirmation and its warning pass axe
// in Chromium, and a person can use both forms with the mouse and keyboard
// alone (no JavaScript).
func TestSettingsPageInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	tab := webtest.New(t).Tab(t, webtest.NoJS())

	tab.Visit(in.URL + "/sign-in?next=/admin/settings")
	tab.Fill("#email", admin.Email)
	tab.Fill("#password", admin.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
	tab.Click("form button[type=submit]")
	if got := tab.Text("h1"); got != "Unit settings" {
		t.Fatalf("after sign-in: %q at %s", got, tab.URL())
	}
	tab.Axe()

	tab.Fill("#days", "three weeks")
	tab.Click("#save-clock")
	if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "whole number") {
		t.Errorf("error summary %q", got)
	}
	tab.Axe()
	tab.Fill("#days", "21")
	tab.Check("#mode-1")
	tab.Click("#save-clock")
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "now 21 working days") {
		t.Errorf("banner %q", got)
	}
	tab.Axe()

	// The unit's details: a mistake, then saved, then on the contact page.
	tab.Click(`a[href="/admin/settings/unit"]`)
	tab.Axe()
	tab.Fill("#phone", "ring us")
	tab.Click("#save-unit")
	if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "digits and spaces only") {
		t.Errorf("unit error summary %q", got)
	}
	tab.Axe()
	tab.Fill("#phone", "020 7946 0000")
	tab.Fill("#hours", "Monday to Friday, 9am to 5pm")
	tab.Click("#save-unit")
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "details are saved") {
		t.Errorf("unit banner %q", got)
	}
	tab.Visit(in.URL + "/contact")
	if got := tab.Text("main"); !strings.Contains(got, "020 7946 0000") || !strings.Contains(got, "Monday to Friday, 9am to 5pm") {
		t.Errorf("the contact page: %q", got)
	}
	tab.Axe()
	for _, page := range []string{"/accessibility", "/privacy"} {
		tab.Visit(in.URL + page)
		if got := tab.Text("main"); !strings.Contains(got, "020 7946 0000") {
			t.Errorf("%s does not give the unit's new number: %q", page, got)
		}
		tab.Axe()
	}
	tab.Visit(in.URL + "/admin/settings")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bank-holidays.csv")
	os.WriteFile(bad, []byte("2027-01-01,New Year's Day\n"), 0o600)
	tab.Upload("#file", bad)
	tab.Click("#upload-holidays")
	if got := tab.Text("#file-error"); !strings.Contains(got, "not JSON") {
		t.Errorf("file error %q", got)
	}
	tab.Axe()

	soon := filepath.Join(dir, "bank-holidays.json")
	os.WriteFile(soon, govUK(t, []workdays.Holiday{{Date: time.Now().AddDate(0, 1, 0).Format(time.DateOnly), Title: "Test bank holiday"}}), 0o600)
	tab.Upload("#file", soon)
	tab.Click("#upload-holidays")
	if got := tab.Text("#holidays-running-out"); !strings.Contains(got, "run out soon") {
		t.Errorf("warning %q", got)
	}
	tab.Axe()
	tab.Click("#use-shipped")
	if got := tab.Text("#holiday-count"); got != strconv.Itoa(len(workdays.Shipped())) {
		t.Errorf("after going back, %q holidays", got)
	}
	cs, err := settings.Clock(t.Context(), in.App.DB)
	if err != nil || cs != (settings.ClockSettings{Days: 21, Mode: workdays.Working}) {
		t.Errorf("clock %+v, %v", cs, err)
	}
}
