package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "psu-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "psu")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build psu: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type proc struct {
	cmd    *exec.Cmd
	url    string
	stdout *bytes.Buffer
	stderr *bytes.Buffer
	lines  chan string
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs `psu serve` as its own process and waits until /readyz is 200.
func start(t *testing.T, dataDir, dbURL string, env ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "PSU_ADDR="+addr, "PSU_DATA_DIR="+dataDir, "PSU_DATABASE_URL="+dbURL, "PSU_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	p := &proc{cmd: cmd, url: "http://" + addr, stderr: &bytes.Buffer{}, lines: make(chan string, 100)}
	cmd.Stderr = p.stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(p.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("psu did not become ready: %v\n%s", err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hint reads what psu printed for the person at the terminal.
func (p *proc) hint(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return b.String()
			}
			b.WriteString(l + "\n")
			if strings.Contains(l, "psu user add") || strings.HasPrefix(l, "Sign in at") {
				return b.String()
			}
		case <-timeout:
			t.Fatalf("no sign-in hint printed; got %q", b.String())
		}
	}
}

// stop sends SIGTERM and expects a clean exit within the drain time.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("psu exited with %v after SIGTERM\n%s", err, p.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Error("psu did not exit within 15 s of SIGTERM")
	}
}

var linkRE = regexp.MustCompile(`http://\S+/setup/\S+`)

// On each engine: psu serve starts on an empty database, prints a one-time
// link, the first administrator is created through it and sets up 2FA, and
// SIGTERM stops psu cleanly.
func TestServeFirstRunOnEachEngine(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			dir := t.TempDir()
			p := start(t, dir, storetest.URL(t, e))
			hint := p.hint(t)
			link := linkRE.FindString(hint)
			if link == "" {
				t.Fatalf("no first-administrator link in %q", hint)
			}
			if res, _ := http.Get(p.url + "/healthz"); res == nil || res.StatusCode != 200 {
				t.Fatal("healthz not 200")
			}
			if fi, err := os.Stat(filepath.Join(dir, "psu.key")); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("key file: %v %v", fi, err)
			}
			c := apptest.NewClient(t, p.url)
			path := strings.TrimPrefix(link, p.url)
			if res := c.Get(path); res.StatusCode != 200 {
				t.Fatalf("setup link: %d", res.StatusCode)
			}
			res := c.Post(path, url.Values{"name": {"Ada Admin"}, "email": {"ada@example.nhs.uk"}, "password": {"short"}, "confirm": {"short"}})
			if res.StatusCode != 422 || !strings.Contains(res.Body, "Password must be 12 characters or more") || !strings.Contains(res.Body, `value="Ada Admin"`) {
				t.Fatalf("weak password: %d", res.StatusCode)
			}
			pw := "a long and memorable passphrase"
			res = c.Post(path, url.Values{"name": {"Ada Admin"}, "email": {"ada@example.nhs.uk"}, "password": {pw}, "confirm": {pw}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
				t.Fatalf("create admin: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			secret := apptest.SecretOnPage(t, c.Get("/sign-in/set-up-2fa").Body)
			if res := c.Post("/sign-in/set-up-2fa", url.Values{"code": {"000000"}}); res.StatusCode != 422 {
				t.Errorf("wrong code accepted: %d", res.StatusCode)
			}
			res = c.Post("/sign-in/set-up-2fa", url.Values{"code": {apptest.CodeFor(t, secret)}})
			if res.StatusCode != 303 {
				t.Fatalf("enrol: %d", res.StatusCode)
			}
			if res := c.Get("/account"); res.StatusCode != 200 || !strings.Contains(res.Body, "Ada Admin") {
				t.Fatalf("account page: %d", res.StatusCode)
			}
			// The link works once.
			if res := apptest.NewClient(t, p.url).Get(path); res.StatusCode != 404 {
				t.Errorf("used setup link: %d", res.StatusCode)
			}
			p.stop(t)
		})
	}
}

// Two psu serve processes on one database share a signed-in session: a
// person signed in through one is signed in on the other.
func TestTwoInstancesShareASession(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			dir := t.TempDir()
			dbURL := storetest.URL(t, e)
			a := start(t, dir, dbURL)
			b := start(t, dir, dbURL)
			a.hint(t)
			cmd := exec.Command(binary, "user", "add", "--email", "bo@example.nhs.uk", "--name", "Bo Adviser", "--role", "adviser")
			cmd.Env = append(os.Environ(), "PSU_DATA_DIR="+dir, "PSU_DATABASE_URL="+dbURL)
			cmd.Stdin = strings.NewReader("a long and memorable passphrase\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("psu user add: %v\n%s", err, out)
			}
			c := apptest.NewClient(t, a.url)
			res := c.Post("/sign-in", url.Values{"email": {"bo@example.nhs.uk"}, "password": {"a long and memorable passphrase"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
				t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			// Half-way through signing in on A, the next step is on B.
			c.Base = b.url
			secret := apptest.SecretOnPage(t, c.Get("/sign-in/set-up-2fa").Body)
			c.Base = a.url
			if res := c.Post("/sign-in/set-up-2fa", url.Values{"code": {apptest.CodeFor(t, secret)}}); res.StatusCode != 303 {
				t.Fatalf("enrol: %d", res.StatusCode)
			}
			c.Base = b.url
			if res := c.Get("/account"); res.StatusCode != 200 || !strings.Contains(res.Body, "Bo Adviser") {
				t.Fatalf("instance B does not see the session: %d", res.StatusCode)
			}
			// Signing out on B signs out on A.
			c.Post("/sign-out", nil)
			c.Base = a.url
			if res := c.Get("/account"); res.StatusCode != 303 {
				t.Fatalf("still signed in on A after signing out on B: %d", res.StatusCode)
			}
			a.stop(t)
			b.stop(t)
		})
	}
}

func TestCommandLineErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		code int
		want string
	}{
		{nil, nil, 2, "Usage:"},
		{[]string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--bogus"}, nil, 2, "flag provided but not defined: -bogus"},
		{[]string{"migrate"}, nil, 2, "migrate: say up or status"},
		{[]string{"serve"}, []string{"PSU_ADDR=nonsense"}, 1, "PSU_ADDR"},
		{[]string{"serve"}, []string{"PSU_DATABASE_URL=mysql://x"}, 1, "PSU_DATABASE_URL"},
		{[]string{"serve"}, []string{"PSU_SMTP_TLS=maybe", "PSU_SMTP_HOST=mail.example"}, 1, "PSU_SMTP_TLS"},
		{[]string{"user", "add", "--email", "x", "--name", "n", "--role", "adviser"}, nil, 2, "--email must be an e-mail address"},
		{[]string{"version"}, nil, 0, "psu "},
	} {
		cmd := exec.Command(binary, tc.args...)
		cmd.Env = append(os.Environ(), append([]string{"PSU_DATA_DIR=" + t.TempDir()}, tc.env...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("psu %v: exit %d, want %d; output %q lacks %q", tc.args, code, tc.code, out.String(), tc.want)
		}
	}
}

func TestMigrateStatusAndRefusalOfNewerSchema(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "psu.db")
	run := func(args ...string) (string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "PSU_DATA_DIR="+dir, "PSU_DATABASE_URL="+dbURL)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return string(out), code
	}
	if out, _ := run("migrate", "status"); !strings.Contains(out, "schema version: 0") || !strings.Contains(out, "pending 0001_foundation") {
		t.Errorf("status on empty database: %q", out)
	}
	if out, code := run("migrate", "up"); code != 0 || !strings.Contains(out, "applied 0001_foundation") {
		t.Errorf("migrate up: %d %q", code, out)
	}
	if out, _ := run("migrate", "status"); !strings.Contains(out, "up to date") {
		t.Errorf("status after up: %q", out)
	}
	db, err := store.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	db.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', ?)`, store.Now())
	db.Close()
	if out, code := run("serve"); code != 1 || !strings.Contains(out, "newer than this psu binary") {
		t.Errorf("serve on a newer schema: exit %d %q", code, out)
	}
}
