package referral_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func filled() url.Values {
	return url.Values{
		"referrer_name":         {"Dr Alma Referrer"},
		"referrer_role":         {"Educational supervisor"},
		"referrer_organisation": {"St Elsewhere Trust"},
		"referrer_email":        {"alma.referrer@example.nhs.uk"},
		"trainee_name":          {"Sam Trainee"},
		"trainee_email":         {"Sam.Trainee@example.org"},
		"reason":                {"Failed the same exam three times and seems exhausted."},
		"trainee_told":          {"yes"},
		"website":               {""},
	}
}

// What must never leave in an e-mail: who was recommended, by whom, or why.
var sensitive = []string{"Alma Referrer", "Educational supervisor", "St Elsewhere", "Sam Trainee", "exam three times", "exhausted"}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.Scan(db.QueryRowContext(t.Context(), q, args...), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A referrer's notification: stored sealed, an acknowledgement to them and
// an invitation to the trainee, neither carrying anything sensitive; when
// the trainee applies with that address the notification is linked.
func TestNotification(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			c := in.Client(t)
			res := c.Get("/referrers/notify")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `href="tel:02078663271"`) {
				t.Fatalf("form: %d", res.StatusCode)
			}
			res = c.Post("/referrers/notify", filled())
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/referrers/notify/sent" {
				t.Fatalf("send: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
			}
			if res := c.Get("/referrers/notify/sent"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Thank you for letting us know") {
				t.Errorf("sent page: %d", res.StatusCode)
			}

			mails := in.SMTP.Wait(t, 2, 10*time.Second)
			byTo := map[string]string{}
			for _, m := range mails {
				if len(m.To) != 1 {
					t.Fatalf("mail to %v", m.To)
				}
				byTo[m.To[0]] = m.Subject + "\n" + m.Body
				for _, s := range sensitive {
					if strings.Contains(strings.ToLower(m.Subject+m.Body), strings.ToLower(s)) {
						t.Errorf("mail to %s contains %q", m.To[0], s)
					}
				}
			}
			ack, inv := byTo["alma.referrer@example.nhs.uk"], byTo["sam.trainee@example.org"]
			if !strings.Contains(ack, "We have received your notification") || !strings.Contains(ack, "0207 866 3271") || !strings.Contains(ack, "will not tell you whether they have applied") {
				t.Errorf("acknowledgement:\n%s", ack)
			}
			if !strings.Contains(inv, in.URL+"/eligibility") || !strings.Contains(inv, "your choice") || strings.Contains(inv, "referrer@") {
				t.Errorf("invitation:\n%s", inv)
			}

			db := in.App.DB
			if n := count(t, db, `SELECT COUNT(*) FROM referrals WHERE application_id IS NULL AND trainee_told = ?`, true); n != 1 {
				t.Fatalf("%d referrals stored", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'referral.received'`); n != 1 {
				t.Errorf("audit entries: %d", n)
			}
			// The application links with the same blind index, in exactly
			// the statement the application uses.
			blind := referral.BlindEmail(in.App.Sealer(), "SAM.TRAINEE@EXAMPLE.ORG")
			appID := store.NewID()
			r, err := db.ExecContext(t.Context(), `UPDATE referrals SET application_id = ? WHERE trainee_email_blind = ? AND application_id IS NULL`, appID, blind)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := r.RowsAffected(); n != 1 {
				t.Fatalf("linked %d", n)
			}
			got, err := referral.ForApplication(t.Context(), db, in.App.Sealer(), appID)
			if err != nil || len(got) != 1 || got[0].Reason != filled().Get("reason") || got[0].ReferrerName != "Dr Alma Referrer" || got[0].TraineeEmail != "sam.trainee@example.org" {
				t.Errorf("linked notification: %+v %v", got, err)
			}
		})
	}
}

func TestNotificationFormErrorsKeepEverything(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)

	res := c.Post("/referrers/notify", url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty: %d", res.StatusCode)
	}
	for _, want := range []string{
		"<title>Error: ", "There is a problem",
		`<a href="#referrer_name">Enter your full name</a>`,
		`<a href="#referrer_role">`, `<a href="#referrer_organisation">`,
		`<a href="#referrer_email">Enter your work e-mail address</a>`,
		`<a href="#trainee_name">`, `<a href="#trainee_email">`,
		`<a href="#reason">Tell us why you are recommending support</a>`,
		`<a href="#trainee_told">Confirm that you have told them`,
		// The NHS.UK character count, with its limit as a hint for when
		// JavaScript does not run.
		`data-module="nhsuk-character-count" data-maxlength="5000"`, `aria-describedby="reason-hint reason-error reason-info"`,
		`<div class="nhsuk-hint nhsuk-character-count__message" id="reason-info">You can enter up to 5,000 characters</div>`,
	} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("empty form: page lacks %q", want)
		}
	}

	v := filled()
	v.Set("referrer_email", "alma at example")
	v.Set("trainee_email", "alma at example")
	v.Set("reason", strings.Repeat("é", 5001))
	v.Del("trainee_told")
	res = c.Post("/referrers/notify", v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", res.StatusCode)
	}
	for _, want := range []string{
		"Enter an e-mail address in the right format",
		"must be 5,000 characters or fewer; you have written 5,001",
		`value="Dr Alma Referrer"`, `value="St Elsewhere Trust"`, `value="Sam Trainee"`, `value="alma at example"`,
		strings.Repeat("é", 5001) + "</textarea>",
	} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("bad form: page lacks %q", want)
		}
	}

	v = filled()
	v.Set("trainee_email", "ALMA.referrer@example.nhs.uk")
	res = c.Post("/referrers/notify", v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Enter their own e-mail address, not yours") {
		t.Errorf("same address: %d", res.StatusCode)
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM referrals`); n != 0 {
		t.Errorf("%d stored from forms with errors", n)
	}
}

// A form-filling robot fills the hidden field: it sees the thank-you page,
// and nothing is stored or sent.
func TestNotificationHoneypot(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	v := filled()
	v.Set("website", "http://spam.example")
	res := in.Client(t).Post("/referrers/notify", v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/referrers/notify/sent" {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM referrals`); n != 0 {
		t.Errorf("%d stored", n)
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM outbox`); n != 0 {
		t.Errorf("%d mails queued", n)
	}
}

// A trainee is invited at most three times a day; the fourth referrer is
// told why and what to do, with what they typed kept.
func TestNotificationLimits(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	for i, who := range []string{"a", "b", "c", "d"} {
		v := filled()
		v.Set("referrer_email", who+"@example.nhs.uk")
		res := in.Client(t).Post("/referrers/notify", v)
		if i < 3 {
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("notification %d: %d", i+1, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("fourth notification: %d", res.StatusCode)
		}
		for _, want := range []string{"There is a problem", "already invited them to apply", "phone us", `value="d@example.nhs.uk"`, html.EscapeString(filled().Get("reason"))} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("limit page lacks %q", want)
			}
		}
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM referrals`); n != 3 {
		t.Errorf("%d stored", n)
	}
}

func TestReferrersPage(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	res := c.Get("/referrers")
	for _, want := range []string{`href="tel:02078663271"`, "0207 866 3271", "without naming the person", `href="/referrers/notify"`, `href="/confidentiality"`, "apply to us themselves"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("/referrers lacks %q", want)
		}
	}
	if res := c.Get("/guidance/referrers"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/referrers" {
		t.Errorf("/guidance/referrers: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(c.Get("/").Body, `href="/referrers"`) {
		t.Error("home page does not link to /referrers")
	}
}
