package auth_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cli"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.Scan(db.QueryRowContext(t.Context(), q, args...), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// firstAdminLink is what psu serve prints at start: the path of a new link,
// or "" when it prints none.
func firstAdminLink(t *testing.T, in *apptest.Instance) string {
	t.Helper()
	link, err := auth.FirstAdminLink(t.Context(), in.App.DB, in.URL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(link, in.URL)
}

// psuUserAdd runs `psu user add` against in's database, as on the server.
func psuUserAdd(t *testing.T, in *apptest.Instance, password string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"PSU_DATABASE_URL": in.DBURL, "PSU_DATA_DIR": t.TempDir()}
	code := cli.Main(context.Background(), cli.Env{Args: append([]string{"user", "add"}, args...), Stdin: strings.NewReader(password + "\n"),
		Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }})
	return code, out.String() + errOut.String()
}

func adminForm(email, password string) url.Values {
	return url.Values{"name": {"Grace Hopper"}, "email": {email}, "password": {password}, "confirm": {password}}
}

const goodPassword = "tangerine walrus bicycle"

// The review's finding: after psu user add had made an administrator, the
// link printed at first start still made another. Now any administrator,
// however made, ends every link.
func TestFirstAdminLinkDiesWhenAnAdministratorExists(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			link := firstAdminLink(t, in)
			c := in.Client(t)
			if res := c.Get(link); res.StatusCode != http.StatusOK {
				t.Fatalf("fresh link: %d", res.StatusCode)
			}
			if code, out := psuUserAdd(t, in, goodPassword, "--email", "ada@example.nhs.uk", "--name", "Ada Admin", "--role", "administrator"); code != 0 {
				t.Fatalf("psu user add: %d %s", code, out)
			}
			if res := c.Get(link); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "stop working as soon as an administrator exists") {
				t.Errorf("link after psu user add: %d", res.StatusCode)
			}
			if res := c.Post(link, adminForm("mallory@example.nhs.uk", goodPassword)); res.StatusCode != http.StatusNotFound {
				t.Errorf("link used after psu user add: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM user_roles WHERE role = 'administrator'`); n != 1 {
				t.Fatalf("%d administrators, want 1", n)
			}
			if l := firstAdminLink(t, in); l != "" {
				t.Errorf("a new link was printed while an administrator exists: %s", l)
			}

			// An administrator that appears without revoking anything (say,
			// restored from a backup) ends a link too: the check is made
			// when the link is used.
			in2 := apptest.Start(t, e)
			link2 := firstAdminLink(t, in2)
			now := store.Now()
			restored := store.NewID()
			if _, err := in2.App.DB.ExecContext(t.Context(), `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
				VALUES (?, 'restored@example.nhs.uk', 'Restored', 'x', ?, ?)`, restored, now, now); err != nil {
				t.Fatal(err)
			}
			if _, err := in2.App.DB.ExecContext(t.Context(), `INSERT INTO user_roles (user_id, role) VALUES (?, 'administrator')`, restored); err != nil {
				t.Fatal(err)
			}
			c2 := in2.Client(t)
			if res := c2.Get(link2); res.StatusCode != http.StatusNotFound {
				t.Errorf("link with an administrator present: %d", res.StatusCode)
			}
			if res := c2.Post(link2, adminForm("mallory@example.nhs.uk", goodPassword)); res.StatusCode != http.StatusNotFound {
				t.Errorf("link used with an administrator present: %d", res.StatusCode)
			}
			if n := count(t, in2.App.DB, `SELECT COUNT(*) FROM users WHERE email = 'mallory@example.nhs.uk'`); n != 0 {
				t.Fatal("a second administrator was made")
			}
		})
	}
}

// Staff who are not administrators do not end the link: it is how the first
// administrator is made. But the form does not fail on an address in use.
func TestFirstAdminLinkWithOnlyAdvisers(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			adviser := in.CreateStaff(t, web.RoleAdviser)
			link := firstAdminLink(t, in)
			if link == "" {
				t.Fatal("no link while no administrator exists")
			}
			c := in.Client(t)
			res := c.Post(link, adminForm(adviser.Email, goodPassword))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "already has an account with this e-mail address") {
				t.Fatalf("address in use: %d", res.StatusCode)
			}
			res = c.Post(link, adminForm("grace@example.nhs.uk", goodPassword))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
				t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			// The first administrator also keeps the directory.
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
				WHERE u.email = ? AND r.role IN ('administrator', 'directory_editor')`, "grace@example.nhs.uk"); n != 2 {
				t.Errorf("the first administrator holds %d of administrator and directory editor, want both", n)
			}
		})
	}
}

// A link works once, for 24 hours; the next start prints a new one while no
// administrator exists.
func TestFirstAdminLinkWorksOnceAndExpires(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			db := in.App.DB
			link := firstAdminLink(t, in)
			if n := count(t, db, `SELECT COUNT(*) FROM one_time_tokens WHERE purpose = 'first_admin' AND used_at IS NULL`); n != 1 {
				t.Fatalf("%d live links", n)
			}
			var created, expires time.Time
			if err := store.Scan(db.QueryRowContext(t.Context(), `SELECT created_at, expires_at FROM one_time_tokens WHERE used_at IS NULL`), &created, &expires); err != nil {
				t.Fatal(err)
			}
			if d := expires.Sub(created); d != 24*time.Hour {
				t.Fatalf("link lives %s, want 24h", d)
			}
			// A day passes.
			if _, err := db.ExecContext(t.Context(), `UPDATE one_time_tokens SET created_at = ?, expires_at = ? WHERE used_at IS NULL`,
				created.Add(-24*time.Hour-time.Second), created.Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			c := in.Client(t)
			if res := c.Get(link); res.StatusCode != http.StatusNotFound {
				t.Errorf("expired link: %d", res.StatusCode)
			}
			if res := c.Post(link, adminForm("grace@example.nhs.uk", goodPassword)); res.StatusCode != http.StatusNotFound {
				t.Errorf("expired link used: %d", res.StatusCode)
			}
			// The next start prints a new link, which works once.
			link = firstAdminLink(t, in)
			if link == "" {
				t.Fatal("no new link at the next start")
			}
			if res := c.Post(link, adminForm("grace@example.nhs.uk", goodPassword)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("new link: %d\n%s", res.StatusCode, res.Body)
			}
			if res := in.Client(t).Post(link, adminForm("eve@example.nhs.uk", goodPassword)); res.StatusCode != http.StatusNotFound {
				t.Errorf("link used twice: %d", res.StatusCode)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM users`); n != 1 {
				t.Errorf("%d accounts, want 1", n)
			}
		})
	}
}

// The first administrator's form and psu user add refuse the same weak
// passwords, saying why.
func TestWeakPasswordsRefusedWherePasswordsAreSet(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			link := firstAdminLink(t, in)
			c := in.Client(t)
			for pw, want := range map[string]string{
				"password1234":       "too common",
				"123456789012":       "too common",
				"qwertyuiop12":       "too common",
				"GraceHopper1906":    "must not be based on your name",
				"grace.hopper!!2024": "must not be based on your name",
				"short":              "12 characters or more",
			} {
				res := c.Post(link, url.Values{"name": {"Grace Hopper"}, "email": {"grace.hopper@example.nhs.uk"}, "password": {pw}, "confirm": {pw}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) || !strings.Contains(res.Body, `value="Grace Hopper"`) {
					t.Errorf("first administrator with %q: %d, want 422 saying %q", pw, res.StatusCode, want)
				}
				if strings.Contains(res.Body, pw) {
					t.Errorf("the password %q was echoed back", pw)
				}
			}
			for pw, want := range map[string]string{
				"password1234":   "too common",
				"qwertyuiop12":   "too common",
				"AdaLovelace!23": "must not be based on your name",
			} {
				code, out := psuUserAdd(t, in, pw, "--email", "ada.lovelace@example.nhs.uk", "--name", "Ada Lovelace", "--role", "adviser")
				if code != 1 || !strings.Contains(out, want) {
					t.Errorf("psu user add with %q: exit %d %q, want 1 saying %q", pw, code, out, want)
				}
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM users`); n != 0 {
				t.Fatalf("%d accounts made with weak passwords", n)
			}
		})
	}
}
