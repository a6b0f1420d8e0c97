package staff_test

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// sessionOf returns c's session token on in.
func sessionOf(t *testing.T, c *apptest.Client, in *apptest.Instance) string {
	t.Helper()
	u, _ := url.Parse(in.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == web.SessionCookie {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// Disabling an account signs its holder out at once, on another client of
// another psu sharing the database; their session rows go; they cannot sign
// in. Enabling it again lets them sign in, but does not bring back a
// session from before, even one written back by a request in flight.
func TestDisableSignsOutEverywhere(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			// A second psu on the same database and key, as behind a
			// load balancer.
			other := apptest.StartOn(t, in.DBURL, "PSU_KEY_FILE="+filepath.Join(in.App.Config.DataDir, "psu.key"))
			_, ac := admin(t, in)
			v := in.CreateStaff(t, web.RoleAdviser)
			vc := other.Client(t)
			vc.SignIn(v)
			if !signedIn(t, vc) {
				t.Fatal("not signed in")
			}
			tok := sessionOf(t, vc, other)
			var data []byte
			var expiry store.Time
			if err := store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT data, expiry FROM sessions WHERE token = ?`, tok), &data, &expiry); err != nil {
				t.Fatal(err)
			}

			res := ac.Post("/admin/staff/"+v.ID+"/disable", url.Values{})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d\n%s", res.StatusCode, res.Body)
			}
			if page := ac.Get("/admin/staff/" + v.ID); !strings.Contains(page.Body, "signed out everywhere") || !strings.Contains(page.Body, "Disabled") {
				t.Errorf("member page after disabling:\n%s", page.Body)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM sessions WHERE token = ?`, tok); n != 0 {
				t.Error("the session row is still there")
			}
			if signedIn(t, vc) {
				t.Error("still signed in on the other psu after being disabled")
			}
			if res := in.Client(t).Post("/sign-in", url.Values{"email": {v.Email}, "password": {v.Password}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a disabled account signs in: %d", res.StatusCode)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'staff.disabled' AND target_id = ? AND source = '127.0.0.1'`, v.ID); n != 1 {
				t.Errorf("%d audit entries", n)
			}

			if res := ac.Post("/admin/staff/"+v.ID+"/enable", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("enable: %d", res.StatusCode)
			}
			// A request that was in flight writes the old session back.
			if _, err := in.App.DB.ExecContext(t.Context(), `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)`, tok, data, expiry.Time); err != nil {
				t.Fatal(err)
			}
			if signedIn(t, vc) {
				t.Error("a session from before the account was disabled works again")
			}
			signIn(t, in, v, 1)
		})
	}
}

// An administrator cannot disable their own account; disabling twice, or
// enabling an enabled account, changes nothing.
func TestDisableRefusals(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	a, ac := admin(t, in)
	res := ac.Post("/admin/staff/"+a.ID+"/disable", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "You cannot disable your own account") {
		t.Errorf("disabling oneself: %d", res.StatusCode)
	}
	if !signedIn(t, ac) {
		t.Fatal("disabling oneself signed them out")
	}
	v := in.CreateStaff(t, web.RoleAdviser)
	ac.Post("/admin/staff/"+v.ID+"/disable", url.Values{})
	ac.Post("/admin/staff/"+v.ID+"/disable", url.Values{})
	if page := ac.Get("/admin/staff/" + v.ID); !strings.Contains(page.Body, "was already disabled. Nothing has changed") {
		t.Errorf("disabling twice:\n%s", page.Body)
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'staff.disabled'`); n != 1 {
		t.Errorf("%d audit entries for disabling once and again", n)
	}
	for _, path := range []string{"/admin/staff/" + store.NewID(), "/admin/staff/not-an-id"} {
		if res := ac.Get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
		if res := ac.Post(path+"/disable", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s/disable: %d", path, res.StatusCode)
		}
	}
}

// Resetting someone's two-step sign-in signs them out, tells them by
// e-mail, and at their next sign-in they set up an authenticator again,
// after their password; the old authenticator's codes no longer work.
func TestReset2FAForcesEnrolment(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			v := in.CreateStaff(t, web.RoleTriageLead)
			vc := in.Client(t)
			vc.SignIn(v)
			if res := ac.Post("/admin/staff/"+v.ID+"/reset-2fa", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reset: %d", res.StatusCode)
			}
			if signedIn(t, vc) {
				t.Error("still signed in after the reset")
			}
			m := mailTo(t, in.SMTP, 1, v.Email)
			if m.Subject != "Your two-step sign-in has been reset" {
				t.Errorf("mail %q", m.Subject)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM users WHERE id = ? AND totp_secret IS NULL`, v.ID); n != 1 {
				t.Fatal("the secret is still there")
			}
			c := in.Client(t)
			res := c.Post("/sign-in", url.Values{"email": {v.Email}, "password": {v.Password}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
				t.Fatalf("sign-in after the reset: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if res := c.Post("/sign-in/code", url.Values{"code": {codeAt(t, v.Secret, 1)}}); res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/staff" {
				t.Error("the old authenticator's code signed in")
			}
			if signedIn(t, c) {
				t.Fatal("signed in before setting up an authenticator")
			}
			v.Secret = enrol(t, c)
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'staff.2fa_reset' AND target_id = ? AND source = '127.0.0.1'`, v.ID); n != 1 {
				t.Errorf("%d audit entries", n)
			}
		})
	}
}

var codeRE = regexp.MustCompile(`<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>`)

// A member of staff makes ten recovery codes, shown once and stored as
// hashes; each signs in once in place of the authenticator's code; a new
// set ends the old; an administrator sees how many are left.
func TestRecoveryCodes(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			v := in.CreateStaff(t, web.RoleAdviser)
			vc := in.Client(t)
			vc.SignIn(v)
			if page := vc.Get("/account"); !strings.Contains(page.Body, `id="account-recovery">None`) || !strings.Contains(page.Body, `href="/account/recovery-codes"`) {
				t.Errorf("account page before making codes:\n%s", page.Body)
			}
			res := vc.Post("/account/recovery-codes", url.Values{})
			var codes []string
			for _, m := range codeRE.FindAllStringSubmatch(res.Body, -1) {
				codes = append(codes, m[1])
			}
			if res.StatusCode != http.StatusOK || len(codes) != 10 {
				t.Fatalf("making codes: %d, %d codes\n%s", res.StatusCode, len(codes), res.Body)
			}
			if page := vc.Get("/account/recovery-codes"); strings.Contains(page.Body, codes[0]) || !strings.Contains(page.Body, "You have 10 unused recovery codes") {
				t.Errorf("the codes page afterwards:\n%s", page.Body)
			}
			for _, c := range codes {
				plain := strings.ReplaceAll(c, "-", "")
				if n := count(t, in.App.DB, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash IN (?, ?, ?, ?)`,
					c, plain, sha256Hex(plain), fmt.Sprintf("%x", sha256.Sum256([]byte(c)))); n != 0 {
					t.Fatal("a code is stored as itself or its bare hash")
				}
			}
			if page := ac.Get("/admin/staff/" + v.ID); !strings.Contains(page.Body, `id="member-recovery">10 unused`) {
				t.Errorf("the administrator's view of the codes:\n%s", page.Body)
			}

			recover := func(code string) apptest.Response {
				c := in.Client(t)
				res := c.Post("/sign-in", url.Values{"email": {v.Email}, "password": {v.Password}})
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/code" {
					t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
				}
				if page := c.Get("/sign-in/code"); !strings.Contains(page.Body, `href="/sign-in/recovery-code"`) {
					t.Error("the code page does not offer recovery codes")
				}
				if page := c.Get("/sign-in/recovery-code"); page.StatusCode != http.StatusOK {
					t.Fatalf("recovery page: %d", page.StatusCode)
				}
				return c.Post("/sign-in/recovery-code", url.Values{"code": {code}})
			}
			if res := recover("abcd-efgh-jkmn-pqrs"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "The code is not right") {
				t.Errorf("a wrong code: %d", res.StatusCode)
			}
			// Capitals and spaces do not matter.
			typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))
			if res := recover(typed); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
				t.Fatalf("a recovery code: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
			}
			if m := mailTo(t, in.SMTP, 1, v.Email); m.Subject != "A recovery code was used to sign in to your account" || !strings.Contains(m.Body, "You have 9 recovery codes left") {
				t.Errorf("mail %q:\n%s", m.Subject, m.Body)
			}
			if res := recover(codes[0]); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "used before") {
				t.Errorf("the same code again: %d", res.StatusCode)
			}
			if page := ac.Get("/admin/staff/" + v.ID); !strings.Contains(page.Body, `id="member-recovery">9 unused`) {
				t.Error("the administrator does not see 9 left")
			}
			// A new set ends the old one.
			vc.Post("/account/recovery-codes", url.Values{})
			if res := recover(codes[1]); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a code from the old set: %d", res.StatusCode)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.recovery_code_used' AND target_id = ? AND source = '127.0.0.1'`, v.ID); n != 1 {
				t.Errorf("%d audit entries for a code used", n)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.recovery_codes_created' AND target_id = ?`, v.ID); n != 2 {
				t.Errorf("%d audit entries for sets made", n)
			}
		})
	}
}

// stateDigest reads everything a staff route could change.
func stateDigest(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, email, name, password_hash, COALESCE(disabled_at, created_at) = created_at, totp_secret IS NULL, updated_at FROM users ORDER BY id`,
		`SELECT user_id, role FROM user_roles ORDER BY user_id, role`,
		`SELECT token_hash, COALESCE(user_id, ''), used_at IS NULL FROM one_time_tokens ORDER BY token_hash`,
		`SELECT id FROM outbox ORDER BY id`,
		`SELECT user_id, code_hash, used_at IS NULL FROM recovery_codes ORDER BY user_id, code_hash`,
		`SELECT id FROM audit_log WHERE action LIKE 'staff.%' ORDER BY id`,
	} {
		rows, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

// Someone who is not an administrator (whatever else they are, or signed
// out) is refused every /admin/staff route, with a complete and valid form,
// and nothing changes.
func TestNonAdministratorRefusedEveryStaffRoute(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			target := in.CreateStaff(t, web.RoleAdviser)
			invited := invite(t, ac, "Waiting Person", "waiting@example.nhs.uk", web.RoleAdviser)
			mailTo(t, in.SMTP, 1, "waiting@example.nhs.uk")
			var routes []web.Route
			for _, r := range in.App.Web.Router.Routes() {
				if strings.Contains(r.Pattern, " /admin/staff") {
					routes = append(routes, r)
				}
			}
			if len(routes) < 9 {
				t.Fatalf("only %d staff routes", len(routes))
			}
			form := url.Values{"name": {"Mallory"}, "email": {"mallory@example.nhs.uk"}, "role": {"administrator"}}
			callers := map[string]*apptest.Client{"visitor": in.Client(t)}
			for _, roles := range [][]web.Role{{web.RoleAdviser}, {web.RoleTriageLead}, {web.RoleDirectoryEditor}, {web.RoleTriageLead, web.RoleAdviser, web.RoleDirectoryEditor}} {
				c := in.Client(t)
				c.SignIn(in.CreateStaff(t, roles[0], roles[1:]...))
				callers[web.NewRoleSet(roles...).Label()] = c
			}
			before := stateDigest(t, in.App.DB)
			for _, r := range routes {
				method, path, _ := strings.Cut(r.Pattern, " ")
				for _, id := range []string{target.ID, invited} {
					p := strings.ReplaceAll(path, "{id}", id)
					for who, c := range callers {
						var res apptest.Response
						if method == http.MethodPost {
							res = c.Post(p, form)
						} else {
							res = c.Get(p)
						}
						ok := res.StatusCode == http.StatusForbidden ||
							(who == "visitor" && method == http.MethodGet && res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/sign-in?next="))
						if !ok {
							t.Errorf("%s %s as %s: %d %s", method, p, who, res.StatusCode, res.Header.Get("Location"))
						}
						if strings.Contains(res.Body, target.Email) || strings.Contains(res.Body, "waiting@example.nhs.uk") {
							t.Errorf("%s %s as %s shows someone's address", method, p, who)
						}
					}
				}
			}
			if after := stateDigest(t, in.App.DB); after != before {
				t.Errorf("refused requests changed something:\nbefore\n%s\nafter\n%s", before, after)
			}
			if got := len(in.SMTP.Mails()); got != 1 {
				t.Errorf("%d mails, want only the one invitation", got)
			}
		})
	}
}
