package staff_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// An administrator invites someone with two roles; the invitation comes
// through the outbox to a real SMTP server; the link leads to a password
// and an authenticator, and the person is signed in with both roles. Only
// a hash of the link's token is stored, the account cannot be signed in to
// before it is accepted, and every step is in the audit trail with where
// it came from.
func TestInviteAcceptAndSignIn(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			const email = "rowan.tamsworth@example.nhs.uk"
			id := invite(t, ac, "Rowan Tamsworth", email, web.RoleTriageLead, web.RoleAdviser)
			page := ac.Get("/admin/staff/" + id)
			if !strings.Contains(page.Body, "We have sent Rowan Tamsworth an invitation") || !strings.Contains(page.Body, "Invited") {
				t.Errorf("member page after inviting:\n%s", page.Body)
			}
			m := mailTo(t, in.SMTP, 1, email)
			if m.Subject != "Set up your staff account" || !strings.Contains(m.Body, "Hello Rowan Tamsworth") ||
				!strings.Contains(m.Body, "triage lead, adviser") || !strings.Contains(m.Body, "works once") {
				t.Errorf("invitation mail %q:\n%s", m.Subject, m.Body)
			}
			link := inviteLink(t, m)
			tok := strings.TrimPrefix(link, "/invitation/")
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM one_time_tokens WHERE purpose = 'invite' AND user_id = ? AND token_hash = ?`, id, sha256Hex(tok)); n != 1 {
				t.Errorf("%d invitation tokens stored by their SHA-256", n)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM one_time_tokens WHERE token_hash = ?`, tok); n != 0 {
				t.Error("the token itself is stored")
			}
			var created, expires time.Time
			if err := store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT created_at, expires_at FROM one_time_tokens WHERE user_id = ?`, id), &created, &expires); err != nil {
				t.Fatal(err)
			}
			if d := expires.Sub(created); d != 72*time.Hour {
				t.Errorf("the link lives %s, want 72h", d)
			}

			// Nobody can sign in to the account before it is accepted,
			// whatever they type (and the answer is the usual one).
			res := in.Client(t).Post("/sign-in", url.Values{"email": {email}, "password": {goodPassword}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "e-mail address or password is not right") {
				t.Errorf("sign-in before accepting: %d", res.StatusCode)
			}

			c, s := accept(t, in, link, email, goodPassword)
			if res := c.Get("/staff"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Hello, Rowan Tamsworth") {
				t.Errorf("staff home after accepting: %d", res.StatusCode)
			}
			acct := c.Get("/account")
			if !strings.Contains(acct.Body, "Triage lead, Adviser") || !strings.Contains(acct.Body, "<dt class=\"nhsuk-summary-list__key\">Roles</dt>") {
				t.Errorf("the account page does not list both roles:\n%s", acct.Body)
			}
			if res := c.Get("/cases"); res.StatusCode != http.StatusOK {
				t.Errorf("a triage lead's queue: %d", res.StatusCode)
			}
			if res := c.Get("/admin/staff"); res.StatusCode != http.StatusForbidden {
				t.Errorf("a lead and adviser at /admin/staff: %d", res.StatusCode)
			}

			// Later, they sign in like anyone else.
			c.Post("/sign-out", url.Values{})
			signIn(t, in, s, 1)

			list := ac.Get("/admin/staff")
			if !strings.Contains(list.Body, "Rowan Tamsworth") || !strings.Contains(list.Body, email) || !strings.Contains(list.Body, "Triage lead, Adviser") {
				t.Errorf("the staff list:\n%s", list.Body)
			}
			if strings.Contains(list.Body, ">Invited<") {
				t.Error("the list still says Invited")
			}
			for _, action := range []string{"staff.invited", "staff.invitation_accepted"} {
				if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ? AND source = '127.0.0.1' AND case_id = ''`, action, id); n != 1 {
					t.Errorf("%d %s entries with the client address", n, action)
				}
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'staff.invited' AND detail = 'triage_lead,adviser'`); n != 1 {
				t.Errorf("the invitation's audit entry does not name the roles")
			}
		})
	}
}

// Opening the link does not spend it (a mail scanner may open it first);
// continuing does, once. A link expires after 72 hours, and a new
// invitation ends the one before.
func TestInvitationLinkWorksOnceAndExpires(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			id := invite(t, ac, "Ash Penhallow", "ash@example.nhs.uk", web.RoleAdviser)
			link := inviteLink(t, mailTo(t, in.SMTP, 1, "ash@example.nhs.uk"))
			scanner := in.Client(t)
			for range 2 {
				if res := scanner.Get(link); res.StatusCode != http.StatusOK {
					t.Fatalf("opening the link: %d", res.StatusCode)
				}
			}
			accept(t, in, link, "ash@example.nhs.uk", goodPassword)
			again := in.Client(t)
			if res := again.Get(link); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "This invitation link does not work") {
				t.Errorf("used link opened: %d", res.StatusCode)
			}
			if res := again.Post(link, url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("used link continued: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if res := again.Get("/invitation/password"); res.StatusCode != http.StatusNotFound {
				t.Errorf("password page without an invitation: %d", res.StatusCode)
			}
			if res := again.Post("/invitation/password", url.Values{"password": {goodPassword}, "confirm": {goodPassword}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("password set without an invitation: %d", res.StatusCode)
			}
			if res := ac.Post("/admin/staff/"+id+"/invite", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("re-inviting an accepted account: %d", res.StatusCode)
			} else if page := ac.Get("/admin/staff/" + id); !strings.Contains(page.Body, "already accepted their invitation") {
				t.Errorf("re-inviting an accepted account says:\n%s", page.Body)
			}

			// 72 hours pass.
			id2 := invite(t, ac, "Bryn Kestle", "bryn@example.nhs.uk", web.RoleAdviser)
			old := inviteLink(t, mailTo(t, in.SMTP, 2, "bryn@example.nhs.uk"))
			if _, err := in.App.DB.ExecContext(t.Context(), `UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?`, store.Now().Add(-time.Second), id2); err != nil {
				t.Fatal(err)
			}
			late := in.Client(t)
			if res := late.Get(old); res.StatusCode != http.StatusNotFound {
				t.Errorf("expired link opened: %d", res.StatusCode)
			}
			if res := late.Post(old, url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("expired link continued: %d", res.StatusCode)
			}
			if page := ac.Get("/admin/staff/" + id2); !strings.Contains(page.Body, "Invitation expired") {
				t.Errorf("the member page does not say the invitation expired")
			}
			// A new invitation works; the one before it does not, even had
			// it not expired.
			if res := ac.Post("/admin/staff/"+id2+"/invite", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("new invitation: %d", res.StatusCode)
			}
			fresh := inviteLink(t, mailTo(t, in.SMTP, 3, "bryn@example.nhs.uk"))
			if _, err := in.App.DB.ExecContext(t.Context(), `UPDATE one_time_tokens SET expires_at = ? WHERE token_hash = ?`,
				store.Now().Add(time.Hour), sha256Hex(strings.TrimPrefix(old, "/invitation/"))); err != nil {
				t.Fatal(err)
			}
			if res := late.Get(old); res.StatusCode != http.StatusNotFound {
				t.Errorf("a replaced link opened: %d", res.StatusCode)
			}
			accept(t, in, fresh, "bryn@example.nhs.uk", goodPassword)
		})
	}
}

// Accepting an invitation takes a password under the same policy as every
// password; a refused one leaves the account waiting, and the form says why.
func TestWeakPasswordRefusedOnAcceptance(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			_, ac := admin(t, in)
			const email = "morwenna.tregear@example.nhs.uk"
			id := invite(t, ac, "Morwenna Tregear", email, web.RoleAdviser)
			link := inviteLink(t, mailTo(t, in.SMTP, 1, email))
			c := in.Client(t)
			c.Get(link)
			c.Post(link, url.Values{})
			for pw, want := range map[string]string{
				"password1234":      "too common",
				"MorwennaTregear1!": "must not be based on your name",
				"short":             "12 characters or more",
			} {
				res := c.Post("/invitation/password", url.Values{"password": {pw}, "confirm": {pw}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) {
					t.Errorf("%q: %d, want 422 saying %q", pw, res.StatusCode, want)
				}
				if strings.Contains(res.Body, pw) {
					t.Errorf("%q is sent back in the page", pw)
				}
			}
			res := c.Post("/invitation/password", url.Values{"password": {goodPassword}, "confirm": {goodPassword + "x"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "do not match") {
				t.Errorf("mismatched passwords: %d", res.StatusCode)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM users WHERE id = ? AND password_hash = ''`, id); n != 1 {
				t.Fatal("a refused password was stored")
			}
			res = c.Post("/invitation/password", url.Values{"password": {goodPassword}, "confirm": {goodPassword}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in/set-up-2fa" {
				t.Fatalf("a good password: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			enrol(t, c)
		})
	}
}

// Roles change at once, wherever the person is signed in. The last active
// administrator keeps that role, however the change is asked for, even by
// two administrators removing each other at the same moment.
func TestChangeRolesAndLastAdministrator(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			a, ac := admin(t, in)
			// An invited administrator is not one yet: they cannot sign in.
			invite(t, ac, "Pending Admin", "pending.admin@example.nhs.uk", web.RoleAdministrator)

			res := ac.Post("/admin/staff/"+a.ID+"/roles", url.Values{"role": {"adviser"}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "is the only active administrator, so they must keep that role") {
				t.Errorf("removing the last administrator: %d\n%s", res.StatusCode, res.Body)
			}
			if res := ac.Get("/admin/staff"); res.StatusCode != http.StatusOK {
				t.Fatalf("the last administrator lost access: %d", res.StatusCode)
			}
			for _, bad := range []url.Values{{}, {"role": {"superuser"}}} {
				if res := ac.Post("/admin/staff/"+a.ID+"/roles", bad); res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("roles %v: %d", bad, res.StatusCode)
				}
			}
			// Adding a role to oneself is fine.
			if res := ac.Post("/admin/staff/"+a.ID+"/roles", url.Values{"role": {"administrator", "triage_lead"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("adding a role: %d\n%s", res.StatusCode, res.Body)
			}
			if res := ac.Get("/cases"); res.StatusCode != http.StatusOK {
				t.Errorf("an administrator who is also a lead at /cases: %d", res.StatusCode)
			}

			b := in.CreateStaff(t, web.RoleAdministrator)
			bc := in.Client(t)
			bc.SignIn(b)
			if res := ac.Post("/admin/staff/"+b.ID+"/roles", url.Values{"role": {"adviser"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("removing another administrator's role: %d\n%s", res.StatusCode, res.Body)
			}
			if res := bc.Get("/admin/staff"); res.StatusCode != http.StatusForbidden {
				t.Errorf("the former administrator's open session at /admin/staff: %d", res.StatusCode)
			}
			if res := bc.Get("/cases"); res.StatusCode != http.StatusOK {
				t.Errorf("the new adviser's open session at /cases: %d", res.StatusCode)
			}
			// The account page lists the administration pages to
			// administrators only.
			if page := ac.Get("/account"); !strings.Contains(page.Body, `href="/admin/staff"`) || !strings.Contains(page.Body, `href="/admin/settings"`) ||
				!strings.Contains(page.Body, "Administrator, Triage lead") {
				t.Errorf("an administrator's account page:\n%s", page.Body)
			}
			if page := bc.Get("/account"); strings.Contains(page.Body, `href="/admin/staff"`) || !strings.Contains(page.Body, `id="account-roles">Adviser<`) {
				t.Errorf("an adviser's account page:\n%s", page.Body)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'staff.roles_changed' AND target_id = ? AND detail = 'from administrator to adviser' AND source = '127.0.0.1'`, b.ID); n != 1 {
				t.Errorf("%d audit entries for the change", n)
			}

			// Two administrators each remove the other at the same time:
			// one of them stays.
			for round := range 5 {
				x, y := in.CreateStaff(t, web.RoleAdministrator), in.CreateStaff(t, web.RoleAdministrator)
				xc, yc := in.Client(t), in.Client(t)
				xc.SignIn(x)
				yc.SignIn(y)
				// a steps down, leaving x and y the only administrators, and
				// goes back to the staff home.
				if res := ac.Post("/admin/staff/"+a.ID+"/roles", url.Values{"role": {"triage_lead"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff" {
					t.Fatalf("round %d: a steps down: %d %s", round, res.StatusCode, res.Header.Get("Location"))
				}
				var wg sync.WaitGroup
				wg.Add(2)
				go func() { defer wg.Done(); xc.Post("/admin/staff/"+y.ID+"/roles", url.Values{"role": {"adviser"}}) }()
				go func() { defer wg.Done(); yc.Post("/admin/staff/"+x.ID+"/roles", url.Values{"role": {"adviser"}}) }()
				wg.Wait()
				n := count(t, in.App.DB, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
					WHERE r.role = 'administrator' AND u.disabled_at IS NULL AND u.password_hash <> ''`)
				if n != 1 {
					t.Fatalf("round %d: %d active administrators left, want 1", round, n)
				}
				// Whoever is left makes a the administrator again, and steps
				// down.
				left, leftID := xc, x.ID
				if count(t, in.App.DB, `SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role = 'administrator'`, y.ID) == 1 {
					left, leftID = yc, y.ID
				}
				if res := left.Post("/admin/staff/"+a.ID+"/roles", url.Values{"role": {"administrator", "triage_lead"}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("round %d: restoring a: %d", round, res.StatusCode)
				}
				if res := left.Post("/admin/staff/"+leftID+"/roles", url.Values{"role": {"adviser"}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("round %d: stepping down: %d", round, res.StatusCode)
				}
			}
		})
	}
}
