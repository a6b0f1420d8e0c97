// Package apptest starts a whole psu in the test process, on a fresh
// database of either engine, with a real SMTP receiver, and gives tests an
// HTTP client with a cookie jar that signs in like a person would.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/app"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// CheapArgon2 keeps password hashing quick in tests; it is still argon2id.
var CheapArgon2 = auth.Argon2{Time: 1, MemKiB: 8 * 1024, Threads: 1}

// Instance is one running psu.
type Instance struct {
	URL   string
	DBURL string
	App   *app.App
	SMTP  *mailtest.Server
	// Stop shuts psu down as SIGTERM does and returns Run's error.
	Stop func() error

	logs *logBuffer
}

// Start runs psu on a fresh database of engine e. Extra environment
// variables override the defaults.
func Start(t testing.TB, e store.Engine, env ...string) *Instance {
	t.Helper()
	return StartOn(t, storetest.URL(t, e), env...)
}

// StartOn runs psu on an existing database URL, so two instances can share
// one database like two processes behind a load balancer.
func StartOn(t testing.TB, dbURL string, env ...string) *Instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtp := mailtest.Start(t)
	dir := t.TempDir()
	vars := map[string]string{
		"PSU_ADDR":         ln.Addr().String(),
		"PSU_DATA_DIR":     dir,
		"PSU_DATABASE_URL": dbURL,
		"PSU_SMTP_URL":     smtp.URL(),
		"PSU_LOG_LEVEL":    "warn",
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(testWriter{t, logs}, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, app.Options{Argon2: CheapArgon2})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	in := &Instance{URL: "http://" + ln.Addr().String(), DBURL: dbURL, App: a, SMTP: smtp, logs: logs}
	in.Stop = sync.OnceValue(func() error {
		cancel()
		err := <-done
		a.Close()
		return err
	})
	t.Cleanup(func() {
		if err := in.Stop(); err != nil {
			t.Errorf("psu stopped with %v", err)
		}
	})
	return in
}

type testWriter struct {
	t    testing.TB
	logs *logBuffer
}

// logBuffer keeps everything psu logged, for tests that check what a log
// may never hold.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

// Logs returns everything this psu has logged so far (at the level the
// test set with PSU_LOG_LEVEL; warn by default).
func (in *Instance) Logs() []byte {
	in.logs.mu.Lock()
	defer in.logs.mu.Unlock()
	return append([]byte(nil), in.logs.buf...)
}

func (w testWriter) Write(p []byte) (int, error) {
	w.logs.mu.Lock()
	w.logs.buf = append(w.logs.buf, p...)
	w.logs.mu.Unlock()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Staff is a member of staff created for a test, with 2FA already set up.
type Staff struct {
	ID, Email, Name, Password, Secret string
	Roles                             web.RoleSet
}

// CreateStaff adds a member of staff holding one or more roles, with a
// password and TOTP secret.
func (in *Instance) CreateStaff(t testing.TB, role web.Role, more ...web.Role) Staff {
	t.Helper()
	ctx := context.Background()
	roles := web.NewRoleSet(append([]web.Role{role}, more...)...)
	tag := strings.ReplaceAll(roles.String(), ",", "-")
	s := Staff{Email: tag + "-" + store.NewID()[24:] + "@example.nhs.uk", Name: "Test " + strings.Join(roles.Labels(), " and "),
		Password: "correct horse battery staple", Roles: roles}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "test", AccountName: s.Email})
	if err != nil {
		t.Fatal(err)
	}
	s.Secret = key.Secret()
	err = in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		u, err := auth.CreateUser(ctx, tx, CheapArgon2, s.Email, s.Name, roles, s.Password)
		if err != nil {
			return err
		}
		s.ID = u.ID
		return auth.SetTOTPSecret(ctx, tx, in.App.Sealer(), u.ID, s.Secret)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Client is a browser-like HTTP client: cookies kept, redirects not
// followed (tests look at each step).
type Client struct {
	*http.Client
	Base    string
	Headers http.Header
	t       testing.TB
}

// Client returns a new client with an empty cookie jar.
func (in *Instance) Client(t testing.TB) *Client { return NewClient(t, in.URL) }

// NewClient returns a client for the psu at base (for example one started as
// a separate process).
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		Client: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		Base: base, Headers: http.Header{}, t: t,
	}
}

// On returns a client for another instance that shares this client's
// cookies, like one browser talking to two servers behind a balancer.
func (c *Client) On(in *Instance) *Client {
	jar, _ := cookiejar.New(nil)
	from, _ := url.Parse(c.Base)
	to, _ := url.Parse(in.URL)
	jar.SetCookies(to, c.Jar.Cookies(from))
	return &Client{Client: &http.Client{Jar: jar, Timeout: c.Timeout, CheckRedirect: c.CheckRedirect}, Base: in.URL, Headers: c.Headers.Clone(), t: c.t}
}

// Response is a read response.
type Response struct {
	*http.Response
	Body string
}

func (c *Client) do(req *http.Request) Response {
	c.t.Helper()
	for k, v := range c.Headers {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{res, string(b)}
}

// Get fetches path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.Base+path, nil)
	return c.do(req)
}

// Post submits a form to path.
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// SignIn signs s in through the real pages: password, then code.
func (c *Client) SignIn(s Staff) {
	c.t.Helper()
	res := c.Post("/sign-in", url.Values{"email": {s.Email}, "password": {s.Password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/code" {
		c.t.Fatalf("sign in: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	// A code is good once: wait for the next step if this one was used.
	code := CodeFor(c.t, s.Secret)
	res = c.Post("/sign-in/code", url.Values{"code": {code}})
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign-in code: %d\n%s", res.StatusCode, res.Body)
	}
}

// CodeFor returns the current TOTP code for secret.
func CodeFor(t testing.TB, secret string) string {
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

var secretRE = regexp.MustCompile(`<code>([A-Z2-7 ]+)</code>`)

// SecretOnPage reads the manual-entry key from the 2FA set-up page.
func SecretOnPage(t testing.TB, body string) string {
	m := secretRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret on the set-up page:\n%s", body)
	}
	return strings.ReplaceAll(m[1], " ", "")
}
