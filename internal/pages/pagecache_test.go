package pages_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// The home page is kept in the page cache for visitors without a cookie;
// a member of staff signed in, or a visitor with a list, gets a page of
// their own, and never leaves it in the cache for others.
func TestHomePageCache(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			anon := in.Client(t)
			first := anon.Get("/")
			again := anon.Get("/")
			etag := first.Header.Get("ETag")
			if first.StatusCode != 200 || etag == "" || again.Header.Get("ETag") != etag || again.Body != first.Body {
				t.Fatalf("home not kept: %d, ETag %q then %q", first.StatusCode, etag, again.Header.Get("ETag"))
			}
			if again.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy || again.Header.Get("Cache-Control") != "no-store" ||
				!strings.Contains(strings.Join(again.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("kept home page's headers: %v", again.Header)
			}

			staff := in.CreateStaff(t, web.RoleAdviser)
			c := in.Client(t)
			c.SignIn(staff)
			mine := c.Get("/")
			if !strings.Contains(html.UnescapeString(mine.Body), staff.Name) || mine.Header.Get("ETag") != "" {
				t.Error("signed-in staff did not get their own home page")
			}

			v := in.Client(t)
			search := v.Get("/services?q=stress").Body
			_, rest, _ := strings.Cut(search, `id="service-`)
			id, _, _ := strings.Cut(rest, `"`)
			v.Post("/my-list", url.Values{"id": {id}, "action": {"add"}, "back": {"/"}})
			if body := v.Get("/").Body; !strings.Contains(body, "My list (1)") {
				t.Error("a visitor with a list does not see it in the header")
			}

			later := in.Client(t).Get("/")
			if later.Body != first.Body || later.Header.Get("ETag") != etag || strings.Contains(later.Body, staff.Name) {
				t.Error("a personal home page reached a visitor without a cookie")
			}

			// The home page shows the unit's name: a new name is on the
			// very next page, not on a kept one.
			if err := in.App.DB.Tx(t.Context(), func(tx *store.Tx) error {
				return settings.Set(t.Context(), tx, settings.KeyUnitName, "Harbour Deanery Support Unit", "")
			}); err != nil {
				t.Fatal(err)
			}
			if renamed := in.Client(t).Get("/"); !strings.Contains(renamed.Body, "Harbour Deanery Support Unit") || renamed.Header.Get("ETag") == etag {
				t.Error("the home page kept from before the unit was renamed is still served")
			}
		})
	}
}
