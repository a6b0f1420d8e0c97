package directory_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// An administrator sets where the unit works and its own service; search
// follows at once; bad answers get messages and keep what was chosen.
func TestPlaceSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		admin := in.CreateStaff(t, web.RoleAdministrator)
		c := in.Client(t)
		c.SignIn(admin)
		expect(t, "page", c.Get("/admin/settings/search"), 200, "Where the unit works", `value="london" checked`, `value="kent-surrey-and-sussex" checked`)
		expect(t, "nothing chosen", c.Post("/admin/settings/search", url.Values{}), 422, "Choose at least one region", "Choose the unit&#39;s own service")
		expect(t, "made up", c.Post("/admin/settings/search", url.Values{"region": {"atlantis"}, "own": {"01a2011f-88d1-7ebd-bd56-5f92402c5f59"}}), 422, "Choose the regions from the list")

		// Before: Canopi (Wales) comes after the services for London and KSS.
		before := c.Get("/services?q=mental+health").Body
		if !strings.Contains(before, "Wales only") {
			t.Error("before: Canopi is not marked as for Wales")
		}
		res := c.Post("/admin/settings/search", url.Values{"region": {"wales"}, "own": {"01a2011f-88d1-7ec6-9ad7-9f8eba67b215"}})
		if res.StatusCode != 303 {
			t.Fatalf("save: %d", res.StatusCode)
		}
		expect(t, "saved", c.Get("/admin/settings/search"), 200, "Search now ranks services for Wales first", `value="wales" checked`)
		after := c.Get("/services?q=mental+health").Body
		if strings.Contains(after, "Wales only") || !strings.Contains(after, "London only") {
			t.Error("after: the places marked did not follow the setting")
		}
		// The Wales unit is now the own service: its card leads to the check.
		if body := c.Get("/services?q=progression").Body; !strings.Contains(body, `class="psu-card__apply"`) {
			t.Error("the new own service's card has no apply link")
		}
		// Visitors cannot reach it.
		if res := in.Client(t).Get("/admin/settings/search"); res.StatusCode == 200 {
			t.Error("a visitor reached the settings")
		}
	})
}

func TestPlaceSettingsInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	tab := webtest.New(t).Tab(t, webtest.NoJS())
	tab.Visit(in.URL + "/sign-in?next=/admin/settings/search")
	tab.Fill("#email", admin.Email)
	tab.Fill("#password", admin.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
	tab.Click("form button[type=submit]")
	if got := tab.Text("h1"); got != "Where the unit works" {
		t.Fatalf("after sign-in: %q", got)
	}
	tab.Axe()
	// Untick both regions: an error, axe-clean.
	tab.Check("#region-2")
	tab.Check("#region-3")
	tab.Click("#save-search")
	if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "Choose at least one region") {
		t.Errorf("error summary %q", got)
	}
	tab.Axe()
	// Kent, Surrey and Sussex alone.
	tab.Check("#region-3")
	tab.Click("#save-search")
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "Kent Surrey and Sussex first") {
		t.Errorf("banner %q", got)
	}
	tab.Axe()
}
