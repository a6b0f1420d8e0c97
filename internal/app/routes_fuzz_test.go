package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/psu-project/psu/internal/app"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// FuzzRoutes sends any path values, query and form body to every route in
// the route table, as a stranger, as an applicant with a draft, and as each
// kind of member of staff, to a whole psu. Whatever arrives, psu answers
// without a server error: a 500 means a handler let bad input reach
// somewhere it could not cope (a panic, or text the database refuses). On
// PostgreSQL (PSU_TEST_DATABASE_URL set) this includes text that is not
// UTF-8, which PostgreSQL refuses and SQLite keeps.
//
//	PSU_TEST_DATABASE_URL=postgres://… go test ./internal/app -run '^$' -fuzz '^FuzzRoutes$' -fuzztime 10m -parallel 1
func FuzzRoutes(f *testing.F) {
	engine := store.SQLite
	if os.Getenv("PSU_TEST_DATABASE_URL") != "" {
		engine = store.Postgres
	}
	in, logs := startQuiet(f, engine)
	var routes []web.Route
	for _, r := range in.App.Web.Router.Routes() {
		// Signing out would leave the staff clients below signed out for
		// the rest of the run.
		if !strings.Contains(r.Pattern, "sign-out") {
			routes = append(routes, r)
		}
	}
	clients := []*apptest.Client{in.Client(f)}
	applicant := in.Client(f)
	if res := applicant.Post("/apply/start", nil); res.StatusCode != http.StatusSeeOther {
		f.Fatalf("start an application: %d", res.StatusCode)
	}
	clients = append(clients, applicant)
	for _, role := range []web.Role{web.RoleAdviser, web.RoleTriageLead, web.RoleAdministrator} {
		c := in.Client(f)
		c.SignIn(in.CreateStaff(f, role))
		clients = append(clients, c)
	}

	for i := range routes {
		f.Add(uint16(i), uint8(i), "0190b2f0-8c2a-7b4e-9d3c-5f1e2a3b4c5d", "", "")
		f.Add(uint16(i), uint8(i+1), "\xff\x00", "q=burnout&page=9223372036854775807", "answer=%ff&document=%7B&email=a%40example.com")
	}
	var n atomic.Uint32
	f.Fuzz(func(t *testing.T, route uint16, who uint8, param, query, body string) {
		r := routes[int(route)%len(routes)]
		method, pattern, _ := strings.Cut(r.Pattern, " ")
		path := strings.ReplaceAll(pattern, "{$}", "")
		path = fuzzWildcard.ReplaceAllLiteralString(path, escapeAll(param))
		c := clients[int(who)%len(clients)]
		var rd io.Reader
		if method != http.MethodGet {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, in.URL+path+"?"+escapeQuery(query), rd)
		if err != nil {
			return // not a URL any client could send
		}
		if rd != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		// Each request from its own address, so rate limits answer 429
		// rarely and the handlers behind them are reached.
		k := n.Add(1)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(k>>16), byte(k>>8), byte(k)))
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, req.URL, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 && (res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "") {
			t.Fatalf("%s %s as caller %d, body %q: %d\n%s", method, req.URL, int(who)%len(clients), body, res.StatusCode, logs.last(5))
		}
	})
}

var fuzzWildcard = regexp.MustCompile(`\{[^}]*\}`)

// escapeAll percent-encodes every byte but the unreserved ones, so a path
// value can carry anything, including "/" and bytes that are not UTF-8.
func escapeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// escapeQuery keeps what shapes a query (& = % +) as given, so malformed
// escapes reach psu, and encodes what no request line may hold.
func escapeQuery(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// startQuiet runs psu as apptest.Start does, but keeps what it logs in a
// buffer: a fuzz target may not log through testing.F while it runs, and a
// 500 is reported with psu's last lines instead.
func startQuiet(f *testing.F, e store.Engine) (*apptest.Instance, *logLines) {
	f.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	smtp := mailtest.Start(f)
	vars := map[string]string{
		"PSU_ADDR":            ln.Addr().String(),
		"PSU_DATA_DIR":        f.TempDir(),
		"PSU_DATABASE_URL":    storetest.URL(f, e),
		"PSU_SMTP_URL":        smtp.URL(),
		"PSU_LOG_LEVEL":       "warn",
		"PSU_TRUSTED_PROXIES": "127.0.0.0/8",
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		f.Fatal(err)
	}
	logs := &logLines{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: cfg.LogLevel})), app.Options{Argon2: apptest.CheapArgon2})
	if err != nil {
		cancel()
		f.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	f.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			f.Errorf("psu stopped with %v", err)
		}
		a.Close()
	})
	return &apptest.Instance{URL: "http://" + ln.Addr().String(), DBURL: vars["PSU_DATABASE_URL"], App: a, SMTP: smtp}, logs
}

// logLines keeps the end of what psu logged (a long run sends a great
// many requests).
type logLines struct {
	mu  sync.Mutex
	buf []byte
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) > 64<<10 {
		l.buf = append([]byte(nil), l.buf[len(l.buf)-32<<10:]...)
	}
	return len(p), nil
}

func (l *logLines) last(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(l.buf), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
