package staff_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const goodPassword = "tangerine walrus bicycle"

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.Scan(db.QueryRowContext(t.Context(), q, args...), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// admin signs in a new administrator and returns them and their client.
func admin(t *testing.T, in *apptest.Instance) (apptest.Staff, *apptest.Client) {
	t.Helper()
	a := in.CreateStaff(t, web.RoleAdministrator)
	c := in.Client(t)
	c.SignIn(a)
	return a, c
}

// inviteForm is the invitation form filled in.
func inviteForm(name, email string, roles ...web.Role) url.Values {
	v := url.Values{"name": {name}, "email": {email}}
	for _, r := range roles {
		v.Add("role", string(r))
	}
	return v
}

// invite sends an invitation through the admin's client and returns the
// new account's id, from where the page sends the administrator.
func invite(t *testing.T, c *apptest.Client, name, email string, roles ...web.Role) string {
	t.Helper()
	res := c.Post("/admin/staff/invite", inviteForm(name, email, roles...))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/staff/") {
		t.Fatalf("invite: %d %s\n%s", res.StatusCode, loc, res.Body)
	}
	return strings.TrimPrefix(loc, "/admin/staff/")
}

var linkRE = regexp.MustCompile(`http://[^/\s]+(/invitation/[A-Za-z0-9_-]+)`)

// mailTo waits for the n-th mail overall and returns the last one to addr.
func mailTo(t *testing.T, smtp *mailtest.Server, n int, addr string) mailtest.Mail {
	t.Helper()
	ms := smtp.Wait(t, n, 20*time.Second)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, to := range ms[i].To {
			if to == addr {
				return ms[i]
			}
		}
	}
	t.Fatalf("no mail to %s among %d", addr, len(ms))
	return mailtest.Mail{}
}

// inviteLink is the path of the invitation link in m.
func inviteLink(t *testing.T, m mailtest.Mail) string {
	t.Helper()
	l := linkRE.FindStringSubmatch(m.Body)
	if l == nil {
		t.Fatalf("no invitation link in:\n%s", m.Body)
	}
	return l[1]
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// codeAt is secret's code steps × 30 seconds from now: each code is good
// once, so a second sign-in soon after the first takes the next one.
func codeAt(t *testing.T, secret string, steps int) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// accept follows an invitation link as the invitee would, in a new client:
// the link page, continue, a password, the authenticator. It returns the
// signed-in client and the person as a test signs them in later.
func accept(t *testing.T, in *apptest.Instance, link, email, password string) (*apptest.Client, apptest.Staff) {
	t.Helper()
	c := in.Client(t)
	if res := c.Get(link); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Set up your staff account") {
		t.Fatalf("link page: %d\n%s", res.StatusCode, res.Body)
	}
	res := c.Post(link, url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/invitation/password" {
		t.Fatalf("continue: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	if res := c.Get("/invitation/password"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, email) {
		t.Fatalf("password page: %d\n%s", res.StatusCode, res.Body)
	}
	res = c.Post("/invitation/password", url.Values{"password": {password}, "confirm": {password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
		t.Fatalf("password: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	s := apptest.Staff{Email: email, Password: password}
	s.Secret = enrol(t, c)
	return c, s
}

// enrol sets up an authenticator on the set-up page c is sent to, and
// checks that it finishes signing in.
func enrol(t *testing.T, c *apptest.Client) string {
	t.Helper()
	page := c.Get("/sign-in/set-up-2fa")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("set-up page: %d %s", page.StatusCode, page.Header.Get("Location"))
	}
	secret := apptest.SecretOnPage(t, page.Body)
	res := c.Post("/sign-in/set-up-2fa", url.Values{"code": {apptest.CodeFor(t, secret)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
		t.Fatalf("set-up: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	return secret
}

// signIn signs s in afresh in a new client, with the authenticator code
// steps ahead (see codeAt).
func signIn(t *testing.T, in *apptest.Instance, s apptest.Staff, steps int) *apptest.Client {
	t.Helper()
	c := in.Client(t)
	res := c.Post("/sign-in", url.Values{"email": {s.Email}, "password": {s.Password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/code" {
		t.Fatalf("password step: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	res = c.Post("/sign-in/code", url.Values{"code": {codeAt(t, s.Secret, steps)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
		t.Fatalf("code step: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	return c
}

// signedIn reports whether c's session is a signed-in member of staff's.
func signedIn(t *testing.T, c *apptest.Client) bool {
	t.Helper()
	res := c.Get("/account")
	switch res.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		return false
	}
	t.Fatalf("/account: %d", res.StatusCode)
	return false
}
