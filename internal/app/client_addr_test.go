package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Behind a trusted proxy that adds its own X-Forwarded-For line, a client
// cannot choose its address with a line of its own: every sign-in below
// comes from one address (the proxy's line), whatever the first line says,
// so the per-address limit holds.
func TestPerAddressLimitHoldsWhateverTheClientForwards(t *testing.T) {
	in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	for i := 0; i < 31; i++ {
		c := in.Client(t)
		c.Headers.Add("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)) // the client's own line
		c.Headers.Add("X-Forwarded-For", "192.0.2.10")                    // the proxy's
		res := c.Post("/sign-in", url.Values{"email": {fmt.Sprintf("nobody%d@example.nhs.uk", i)}, "password": {"not the password"}})
		want := http.StatusUnprocessableEntity
		if i == 30 {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
}

// A reverse proxy on the same machine connects from loopback on behalf of
// strangers: when it names one, /metrics is refused, trusted or not; a
// header never grants it.
func TestMetricsNotGrantedOnTheStrengthOfAHeader(t *testing.T) {
	for _, trusted := range []string{"", "127.0.0.0/8"} {
		in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES="+trusted)
		for _, tc := range []struct {
			lines []string
			want  int
		}{
			{nil, http.StatusOK},
			{[]string{"127.0.0.1"}, http.StatusOK},
			{[]string{"203.0.113.50"}, http.StatusForbidden},
			{[]string{"127.0.0.1", "203.0.113.50"}, http.StatusForbidden},
			{[]string{"203.0.113.50", "127.0.0.1"}, http.StatusForbidden},
			{[]string{"unknown"}, http.StatusForbidden},
		} {
			c := in.Client(t)
			for _, l := range tc.lines {
				c.Headers.Add("X-Forwarded-For", l)
			}
			if res := c.Get("/metrics"); res.StatusCode != tc.want {
				t.Errorf("trusted %q, X-Forwarded-For %q: %d, want %d", trusted, tc.lines, res.StatusCode, tc.want)
			}
		}
		c := in.Client(t)
		c.Headers.Set("Forwarded", "for=203.0.113.50")
		if res := c.Get("/metrics"); res.StatusCode != http.StatusForbidden {
			t.Errorf("trusted %q, Forwarded stranger: %d", trusted, res.StatusCode)
		}
		admin := in.CreateStaff(t, web.RoleAdministrator)
		c.SignIn(admin)
		if res := c.Get("/metrics"); res.StatusCode != http.StatusOK {
			t.Errorf("trusted %q, administrator through the proxy: %d", trusted, res.StatusCode)
		}
	}
}
