package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

var secretRE = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7 ]+)</code>`)

// codeAt is the authenticator's code for secret at now plus steps of 30 s.
func codeAt(t *testing.T, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A trainee adds an authenticator app (a wrong first code refused); from
// then on a sign-in by link waits for its code, which is refused when
// wrong or replayed; removing the app needs a code, and signing in is then
// the link alone.
func TestTraineeAuthenticator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		c := applied(t, in, "ada@example.com", true, false)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "ada@example.com", 0)

		// Keep clear of a step's edge, so the codes below fall where meant.
		if rest := 30 - time.Now().Unix()%30; rest < 4 {
			time.Sleep(time.Duration(rest+1) * time.Second)
		}
		res := trainee.Get("/portal/two-step")
		m := secretRE.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no secret on the set-up page:\n%s", res.Body)
		}
		secret := strings.ReplaceAll(m[1], " ", "")
		res = trainee.Post("/portal/two-step", url.Values{"code": {"000000"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Enter the 6-digit code") {
			t.Fatalf("a wrong first code: %d", res.StatusCode)
		}
		if got := secretRE.FindStringSubmatch(res.Body); got == nil || got[1] != m[1] {
			t.Fatal("the secret changed on a wrong code: the app just scanned would be useless")
		}
		expect(t, "add the app", trainee.Post("/portal/two-step", url.Values{"code": {codeAt(t, secret, -1)}}), http.StatusSeeOther, "/portal/two-step")
		if res := trainee.Get("/portal/two-step"); !strings.Contains(res.Body, "Your account is protected") {
			t.Error("the page does not say the app is on")
		}

		// Signing in by link now waits for the code.
		fresh := in.Client(t)
		link := signInLinkFor(t, in, fresh, "ada@example.com")
		expect(t, "link page", fresh.Get(link), http.StatusOK, "")
		expect(t, "use the link", fresh.Post(link, nil), http.StatusSeeOther, "/portal/sign-in/code")
		expect(t, "portal before the code", fresh.Get("/portal"), http.StatusSeeOther, "/portal/sign-in")
		expect(t, "code page", fresh.Get("/portal/sign-in/code"), http.StatusOK, "")
		expect(t, "wrong code", fresh.Post("/portal/sign-in/code", url.Values{"code": {"000000"}}), http.StatusUnauthorized, "")
		code := codeAt(t, secret, 0)
		expect(t, "right code", fresh.Post("/portal/sign-in/code", url.Values{"code": {code}}), http.StatusSeeOther, "/portal")
		expect(t, "portal after the code", fresh.Get("/portal"), http.StatusOK, "")

		// The same code does not work twice.
		third := in.Client(t)
		link = signInLinkFor(t, in, third, "ada@example.com")
		third.Get(link)
		expect(t, "use the link", third.Post(link, nil), http.StatusSeeOther, "/portal/sign-in/code")
		expect(t, "replayed code", third.Post("/portal/sign-in/code", url.Values{"code": {code}}), http.StatusUnauthorized, "")

		// Removing it needs a code; then the link alone signs in.
		res = fresh.Post("/portal/two-step/off", url.Values{"code": {""}})
		expect(t, "remove without a code", res, http.StatusUnprocessableEntity, "")
		expect(t, "remove", fresh.Post("/portal/two-step/off", url.Values{"code": {codeAt(t, secret, 1)}}), http.StatusSeeOther, "/portal/two-step")
		if res := fresh.Get("/portal/two-step"); !strings.Contains(res.Body, "This is optional") {
			t.Error("the page does not say the app is off")
		}
		var left int
		store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM portal_accounts WHERE totp_secret IS NOT NULL`), &left)
		if left != 0 {
			t.Error("the secret is still kept after removing the app")
		}

		// A trainee who lost their phone: a lead removes the app from the
		// case page, audited; an adviser not on the case cannot.
		res = fresh.Get("/portal/two-step")
		secret = strings.ReplaceAll(secretRE.FindStringSubmatch(res.Body)[1], " ", "")
		expect(t, "add the app again", fresh.Post("/portal/two-step", url.Values{"code": {codeAt(t, secret, 0)}}), http.StatusSeeOther, "/portal/two-step")
		lead := in.Client(t)
		lead.SignIn(in.CreateStaff(t, web.RoleTriageLead))
		if res := lead.Get(cases.Path(c)); !strings.Contains(res.Body, "They sign in with an authenticator app as well") || !strings.Contains(res.Body, "They last signed in on") {
			t.Errorf("the case page does not say the trainee uses an authenticator app:\n%s", res.Body)
		}
		stranger := in.Client(t)
		stranger.SignIn(in.CreateStaff(t, web.RoleAdviser))
		if res := stranger.Post(cases.Path(c)+"/portal/authenticator/remove", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an adviser not on the case: %d", res.StatusCode)
		}
		expect(t, "lead removes", lead.Post(cases.Path(c)+"/portal/authenticator/remove", nil), http.StatusSeeOther, cases.Path(c))
		store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM portal_accounts WHERE totp_secret IS NOT NULL`), &left)
		var audited int
		store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'portal.2fa_removed_by_staff' AND case_id = ?`, c.ID), &audited)
		if left != 0 || audited != 1 {
			t.Errorf("after the lead removed it: %d secrets kept, %d audited", left, audited)
		}
	})
}
