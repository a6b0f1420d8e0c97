package pages_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
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
		})
	}
}
