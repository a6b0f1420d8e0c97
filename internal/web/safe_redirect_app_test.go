package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// The mux's own redirects (to a cleaned path) are built from the request's
// path, so they go through SafeRedirectTarget too: a doubled escape must not
// become another site once a layer decodes it again.
func TestPathCleaningRedirectsStayOnSite(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			c := in.Client(t)
			for path, want := range map[string]string{
				"/%5C%5Cevil.example/.":  "/",
				"/%2F%2Fevil.example/.":  "/",
				"/%09/evil.example/.":    "/",
				"/.//evil.example":       "/evil.example",
				"/services/./?q=support": "/services/?q=support",
			} {
				res := c.Get(path)
				loc := res.Header.Get("Location")
				if res.StatusCode < 300 || res.StatusCode > 399 || loc != want {
					t.Errorf("GET %s: %d to %q, want a redirect to %q", path, res.StatusCode, loc, want)
				}
				for d := loc; ; {
					if s := strings.ReplaceAll(d, "\\", "/"); !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
						t.Errorf("GET %s: Location %q leaves the site once decoded: %q", path, loc, d)
						break
					}
					next, err := url.PathUnescape(d)
					if err != nil || next == d {
						break
					}
					d = strings.Map(func(r rune) rune {
						if r == '\t' || r == '\n' || r == '\r' {
							return -1
						}
						return r
					}, next)
				}
				if web.SafeRedirectTarget(loc) != loc {
					t.Errorf("GET %s: Location %q is not what SafeRedirectTarget makes of it", path, loc)
				}
			}
		})
	}
}
