package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

func eachEngine(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

var securityHeaders = map[string]string{
	"Content-Security-Policy": web.ContentSecurityPolicy,
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"X-Frame-Options":         "DENY",
}

func checkHeaders(t *testing.T, what string, res apptest.Response) {
	t.Helper()
	for k, v := range securityHeaders {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("%s: CSP lacks frame-ancestors 'none'", what)
	}
	if res.Header.Get("Permissions-Policy") == "" {
		t.Errorf("%s: no Permissions-Policy", what)
	}
}

func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	home := c.Get("/")
	css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(home.Body)
	if css == nil {
		t.Fatal("no stylesheet link on the home page")
	}
	cross := in.Client(t)
	cross.Headers.Set("Sec-Fetch-Site", "cross-site")
	for _, tc := range []struct {
		what   string
		res    apptest.Response
		status int
	}{
		{"home", home, 200},
		{"asset", c.Get(css[1]), 200},
		{"healthz", c.Get("/healthz"), 200},
		{"not found", c.Get("/no/such/page"), 404},
		{"method not allowed", c.Post("/", nil), 405},
		{"cross-origin POST", cross.Post("/sign-in", url.Values{"email": {"a@b.example"}}), 403},
		{"too large", c.Post("/sign-in", url.Values{"email": {strings.Repeat("a", 2<<20)}}), 413},
		{"redirect", c.Get("/account"), 303},
	} {
		if tc.res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.what, tc.res.StatusCode, tc.status)
		}
		checkHeaders(t, tc.what, tc.res)
	}
	if cc := c.Get(css[1]).Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("hashed asset Cache-Control = %q", cc)
	}
	if cc := home.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page Cache-Control = %q", cc)
	}
	if hsts := home.Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("HSTS on plain http: %q", hsts)
	}
}

func TestHSTSAndSecureCookieWhenServedOverHTTPS(t *testing.T) {
	in := apptest.Start(t, store.SQLite, "PSU_BASE_URL=https://psu.example.org")
	res := in.Client(t).Post("/sign-in", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password here"}})
	if !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS over https")
	}
	in2 := apptest.Start(t, store.SQLite, "PSU_BASE_URL=https://psu.example.org")
	s := in2.CreateStaff(t, web.RoleAdviser)
	c := in2.Client(t)
	res = c.Post("/sign-in", url.Values{"email": {s.Email}, "password": {s.Password}})
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{web.SessionCookie + "=", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	for _, h := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		c := in.Client(t)
		c.Headers.Set(h[0], h[1])
		res := c.Post("/sign-in", url.Values{"email": {"a@b.example"}, "password": {"x"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "You cannot see this page") {
			t.Errorf("%s: %s → %d", h[0], h[1], res.StatusCode)
		}
	}
	same := in.Client(t)
	same.Headers.Set("Sec-Fetch-Site", "same-origin")
	if res := same.Post("/sign-in", url.Values{"email": {"a@b.example"}, "password": {"x"}}); res.StatusCode == http.StatusForbidden {
		t.Error("same-origin POST refused")
	}
}

func TestErrorPagesRevealNothing(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	in.App.Web.Router.Handle("GET /test/panic", web.Public, func(http.ResponseWriter, *http.Request) {
		panic("boom at /root/secret.go: SELECT * FROM users")
	})
	res := in.Client(t).Get("/test/panic")
	if res.StatusCode != 500 || !strings.Contains(res.Body, "Sorry, there is a problem with the service") {
		t.Fatalf("panic → %d", res.StatusCode)
	}
	for _, leak := range []string{"boom", "secret.go", "SELECT", "goroutine", ".go:"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("500 page shows %q", leak)
		}
	}
	res = in.Client(t).Get("/api/nothing")
	if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("API 404: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		in := apptest.Start(t, e)
		c := in.Client(t)
		if res := c.Get("/healthz"); res.StatusCode != 200 {
			t.Errorf("healthz %d", res.StatusCode)
		}
		if res := c.Get("/readyz"); res.StatusCode != 200 || res.Body != "ready\n" {
			t.Errorf("readyz %d %q", res.StatusCode, res.Body)
		}
		// A schema newer than the binary makes the instance not ready,
		// without saying why to the caller.
		in.App.DB.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', ?)`, store.Now())
		if res := c.Get("/readyz"); res.StatusCode != 503 || res.Body != "not ready\n" {
			t.Errorf("readyz on a newer schema: %d %q", res.StatusCode, res.Body)
		}
	})
}

func TestMetricsOnlyForLoopbackOrAdministrator(t *testing.T) {
	in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	local := in.Client(t)
	local.Get("/")
	res := local.Get("/metrics")
	if res.StatusCode != 200 {
		t.Fatalf("loopback /metrics: %d", res.StatusCode)
	}
	for _, want := range []string{`psu_http_requests_total{method="GET",route="GET /{$}",status="200"}`, "psu_http_request_duration_seconds_bucket", "psu_db_connections_open", "psu_outbox_pending", "psu_outbox_oldest_age_seconds"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	remote := in.Client(t)
	remote.Headers.Set("X-Forwarded-For", "203.0.113.50")
	if res := remote.Get("/metrics"); res.StatusCode != 403 {
		t.Errorf("remote visitor /metrics: %d", res.StatusCode)
	}
	admin := in.CreateStaff(t, web.RoleAdministrator)
	remote.SignIn(admin)
	if res := remote.Get("/metrics"); res.StatusCode != 200 {
		t.Errorf("remote administrator /metrics: %d", res.StatusCode)
	}
}

// On shutdown psu stops accepting, lets a request in flight finish, and
// returns cleanly.
func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	started := make(chan struct{})
	in.App.Web.Router.Handle("GET /test/slow", web.Public, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	got := make(chan apptest.Response, 1)
	go func() { got <- in.Client(t).Get("/test/slow") }()
	<-started
	if err := in.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	res := <-got
	if res.StatusCode != 200 || res.Body != "finished" {
		t.Fatalf("in-flight request: %d %q", res.StatusCode, res.Body)
	}
	if _, err := http.Get(in.URL + "/healthz"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}
