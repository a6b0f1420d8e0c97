package auth_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// startBehindProxy runs psu believing X-Forwarded-For from loopback, so a
// test can speak from many addresses.
func startBehindProxy(t *testing.T, e store.Engine) *apptest.Instance {
	return apptest.Start(t, e, "PSU_TRUSTED_PROXIES=127.0.0.1/32")
}

// from returns a new browser (empty cookie jar) at addr.
func from(t *testing.T, in *apptest.Instance, addr string) *apptest.Client {
	c := in.Client(t)
	c.Headers.Set("X-Forwarded-For", addr)
	return c
}

func signIn(c *apptest.Client, email, password string) apptest.Response {
	return c.Post("/sign-in", url.Values{"email": {email}, "password": {password}})
}

// finish enters the code after the password step, using a time step no
// earlier sign-in of s has used.
func finish(t *testing.T, c *apptest.Client, s apptest.Staff, step int) apptest.Response {
	t.Helper()
	code, err := totp.GenerateCode(s.Secret, time.Now().Add(time.Duration(step)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c.Post("/sign-in/code", url.Values{"code": {code}})
}

// The review's finding: next=/%09/evil.example sent the browser off the site
// after signing in. Each sign-in below ends on this site.
func TestSignInNextStaysOnSite(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			for next, want := range map[string]string{
				"/%09/evil.example":  "/staff",
				"/%5C/evil.example":  "/staff",
				"%2F%2Fevil.example": "/staff",
				"/admin/eligibility": "/admin/eligibility",
			} {
				s := in.CreateStaff(t, web.RoleAdministrator)
				c := in.Client(t)
				page := c.Get("/sign-in?next=" + next)
				if page.StatusCode != http.StatusOK {
					t.Fatalf("sign-in page: %d", page.StatusCode)
				}
				// What the browser submits: the hidden field as the page
				// holds it, decoded once.
				raw, _ := url.QueryUnescape(next)
				res := c.Post("/sign-in", url.Values{"email": {s.Email}, "password": {s.Password}, "next": {raw}})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("password step: %d", res.StatusCode)
				}
				res = finish(t, c, s, 0)
				if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != want {
					t.Errorf("next=%s: %d to %q, want %q", next, res.StatusCode, loc, want)
				}
			}
		})
	}
}

// The review's finding: ten failures from anywhere locked the real person out
// for 15 minutes. A stranger at one address now slows only themselves.
func TestStrangerCannotLockOwnerOut(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := startBehindProxy(t, e)
			s := in.CreateStaff(t, web.RoleAdviser)
			stranger := from(t, in, "203.0.113.7")
			var answers []apptest.Response
			for i := 1; i <= 12; i++ {
				answers = append(answers, signIn(stranger, s.Email, fmt.Sprintf("guess number %d", i)))
			}
			// The owner, on a device never used before, signs in.
			owner := from(t, in, "198.51.100.20")
			res := signIn(owner, s.Email, s.Password)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/code" {
				t.Fatalf("owner locked out by a stranger: %d\n%s", res.StatusCode, res.Body)
			}
			if res := finish(t, owner, s, 0); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
				t.Fatalf("owner's code: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			// The stranger had five tries, then was told to wait.
			for i, res := range answers {
				want := http.StatusUnprocessableEntity
				if i >= 5 {
					want = http.StatusTooManyRequests
				}
				if res.StatusCode != want {
					t.Fatalf("stranger's attempt %d: %d, want %d", i+1, res.StatusCode, want)
				}
				if i >= 5 && (res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "The password has been wrong too many times. Wait")) {
					t.Fatalf("refusal %d does not say how long to wait: %q\n%s", i+1, res.Header.Get("Retry-After"), res.Body)
				}
			}
			// Even the right password is refused there for now: a throttle
			// that answered it would tell the guesser when they were right.
			if res := signIn(stranger, s.Email, s.Password); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("right password from the throttled address: %d", res.StatusCode)
			}
		})
	}
}

// Guessing spread over many addresses fills the account's own bucket: new
// devices are then held back, but the browser the owner has signed in on
// before is not. The owner hears of it by e-mail, once, and the audit log
// has every failure and the limit reached.
func TestManyAddressesHoldBackNewDevicesOnly(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := startBehindProxy(t, e)
			s := in.CreateStaff(t, web.RoleAdviser)
			owner := from(t, in, "198.51.100.20")
			if res := signIn(owner, s.Email, s.Password); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner: %d", res.StatusCode)
			}
			res := finish(t, owner, s, 0)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner's code: %d", res.StatusCode)
			}
			var device *http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == auth.DeviceCookie {
					device = ck
				}
			}
			if device == nil || !device.HttpOnly || device.Path != "/sign-in" || device.MaxAge < 90*24*3600 || device.SameSite != http.SameSiteLaxMode {
				t.Fatalf("device cookie: %+v", device)
			}
			owner.Post("/sign-out", nil)

			failures, accountRefused := 0, false
			for a := 1; a <= 15 && !accountRefused; a++ {
				stranger := from(t, in, fmt.Sprintf("203.0.113.%d", a))
				for i := 1; i <= 5; i++ {
					res := signIn(stranger, s.Email, fmt.Sprintf("guess %d from %d", i, a))
					switch {
					case res.StatusCode == http.StatusUnprocessableEntity:
						failures++
					case res.StatusCode == http.StatusTooManyRequests && strings.Contains(res.Body, "Sign in on a device you have used before"):
						accountRefused = true
					default:
						t.Fatalf("stranger %d attempt %d: %d\n%s", a, i, res.StatusCode, res.Body)
					}
					if accountRefused {
						break
					}
				}
			}
			if !accountRefused || failures < 45 || failures > 50 {
				t.Fatalf("account limit: refused %v after %d failures, want after about 50", accountRefused, failures)
			}
			// The owner on a new device is held back too, and told what to do.
			res = signIn(from(t, in, "192.0.2.55"), s.Email, s.Password)
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "Sign in on a device you have used before") {
				t.Fatalf("owner on a new device: %d", res.StatusCode)
			}
			// On their own browser, from another address even, they sign in.
			owner.Headers.Set("X-Forwarded-For", "192.0.2.56")
			res = signIn(owner, s.Email, s.Password)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/code" {
				t.Fatalf("owner on a known device: %d\n%s", res.StatusCode, res.Body)
			}
			if res := finish(t, owner, s, 1); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner's second code: %d", res.StatusCode)
			}

			// One e-mail, however many failures, saying nothing of where
			// they came from beyond "a device not used before".
			db := in.App.DB
			if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE kind = 'auth.sign_in_failures'`); n != 1 {
				t.Fatalf("%d alert e-mails queued, want 1", n)
			}
			m := in.SMTP.Wait(t, 1, 15*time.Second)[0]
			if len(m.To) != 1 || m.To[0] != s.Email || !strings.Contains(m.Body, "has not been used to sign in to your account before") {
				t.Fatalf("alert: to %v\n%s", m.To, m.Body)
			}
			for _, leak := range []string{"203.0.113", "198.51.100", "192.0.2", "guess"} {
				if strings.Contains(m.Body, leak) || strings.Contains(m.Subject, leak) {
					t.Errorf("alert holds %q", leak)
				}
			}

			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND target_id = ?`, s.ID); n != failures {
				t.Errorf("%d failures audited, want %d", n, failures)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_throttled' AND target_id = ? AND detail LIKE '%devices not signed in on before%'`, s.ID); n != 1 {
				t.Errorf("%d account limit events audited, want 1", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_throttled' AND target_id = ? AND detail LIKE '%from one address%'`, s.ID); n < 9 {
				t.Errorf("%d address limit events audited, want one per stranger", n)
			}
		})
	}
}

// A known device has a bucket of its own: someone at the owner's unlocked
// computer is slowed just as a stranger is.
func TestKnownDeviceIsThrottledOnItsOwn(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := startBehindProxy(t, e)
			s := in.CreateStaff(t, web.RoleAdviser)
			c := from(t, in, "198.51.100.20")
			signIn(c, s.Email, s.Password)
			if res := finish(t, c, s, 0); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("code: %d", res.StatusCode)
			}
			c.Post("/sign-out", nil)
			for i := 1; i <= 6; i++ {
				res := signIn(c, s.Email, fmt.Sprintf("wrong %d", i))
				want := http.StatusUnprocessableEntity
				if i == 6 {
					want = http.StatusTooManyRequests
				}
				if res.StatusCode != want {
					t.Fatalf("attempt %d on the known device: %d, want %d", i, res.StatusCode, want)
				}
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND detail = 'from a device signed in on before'`); n != 5 {
				t.Errorf("%d failures audited as from a known device, want 5", n)
			}
			// The device's bucket is its own: the owner elsewhere is not held.
			if res := signIn(from(t, in, "192.0.2.9"), s.Email, s.Password); res.StatusCode != http.StatusSeeOther {
				t.Errorf("owner elsewhere: %d", res.StatusCode)
			}
		})
	}
}

// One address trying many accounts is slowed whether or not they exist,
// and nothing readable about them is kept: no typed address in the audit log
// or the throttle's table.
func TestOneAddressTryingManyAccounts(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := startBehindProxy(t, e)
			s := in.CreateStaff(t, web.RoleAdviser)
			sprayer := from(t, in, "203.0.113.99")
			for i := 1; i <= 30; i++ {
				if res := signIn(sprayer, fmt.Sprintf("nobody%d@example.nhs.uk", i), "Summer2024!!"); res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("attempt %d: %d", i, res.StatusCode)
				}
			}
			res := signIn(sprayer, s.Email, s.Password)
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "too many attempts to sign in from your network") {
				t.Fatalf("31st attempt from one address: %d\n%s", res.StatusCode, res.Body)
			}
			if res := signIn(from(t, in, "198.51.100.1"), s.Email, s.Password); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("another address: %d", res.StatusCode)
			}
			db := in.App.DB
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND target_id = ''`); n != 30 {
				t.Errorf("%d failures on unknown accounts audited, want 30", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%nobody%' OR target_id LIKE '%nobody%' OR source LIKE '%203.0.113%'`); n != 0 {
				t.Errorf("%d audit entries hold a typed address or the visitor's IP", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM auth_throttle WHERE key LIKE '%@%' OR key LIKE '%203.0.113%'`); n != 0 {
				t.Errorf("%d throttle keys are readable", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.sign_in_throttled' AND detail LIKE '%across accounts%'`); n != 1 {
				t.Errorf("%d address-wide limit events, want 1", n)
			}
		})
	}
}

// Attempts sent at once are counted exactly: no more than the limit get
// their password checked, on either engine.
func TestParallelAttemptsCountedExactly(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := startBehindProxy(t, e)
			s := in.CreateStaff(t, web.RoleAdviser)
			var wg sync.WaitGroup
			var mu sync.Mutex
			codes := map[int]int{}
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					form := url.Values{"email": {s.Email}, "password": {fmt.Sprintf("parallel guess %d", i)}}
					req, _ := http.NewRequest(http.MethodPost, in.URL+"/sign-in", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Forwarded-For", "203.0.113.50")
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					mu.Lock()
					codes[res.StatusCode]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if codes[http.StatusUnprocessableEntity] != 5 || codes[http.StatusTooManyRequests] != 15 {
				t.Fatalf("answers %v, want 5 checked and 15 refused", codes)
			}
		})
	}
}
