package pages_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The pages that explain the service, and the adviser administration
// (with an error shown), pass axe in Chromium.
func TestExplanatoryPagesInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	tab := webtest.New(t).Tab(t, webtest.NoJS())
	for _, path := range []string{"/how-it-works", "/guidance/applicants", "/advisers"} {
		tab.Visit(in.URL + path)
		if tab.Text("h1") == "" {
			t.Errorf("%s has no heading", path)
		}
		tab.Axe()
	}

	tab.Visit(in.URL + "/sign-in?next=/admin/advisers")
	tab.Fill("#email", admin.Email)
	tab.Fill("#password", admin.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
	tab.Click("form button[type=submit]")
	if got := tab.Text("h1"); got != "Adviser biographies" {
		t.Fatalf("after sign-in: %q at %s", got, tab.URL())
	}
	tab.Axe()
	tab.Click(`a[href="/admin/advisers/new"]`)
	tab.Fill("#name", "Dr Robin Example")
	tab.Click("form button[type=submit]")
	if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Enter the adviser's role") {
		t.Errorf("error summary %q", got)
	}
	tab.Axe()
	tab.Fill("#role", "Associate Dean")
	tab.Fill("#background", "A GP educator for many years.")
	tab.Click("form button[type=submit]")
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "Dr Robin Example has been added") {
		t.Errorf("banner %q", got)
	}
	tab.Axe()
	tab.Click(`a[href$="/delete"]`)
	tab.Axe()

	tab.Visit(in.URL + "/advisers")
	if !strings.Contains(tab.Text("main"), "Associate Dean") {
		t.Error("adviser not on the public page")
	}
	tab.Axe()
}
