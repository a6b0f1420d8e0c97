package referral_test

import (
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// A supervisor finds the form from the home page and sends it in Chromium,
// with JavaScript on and off; a mistake is shown accessibly with nothing
// lost; the referrer and the trainee each get their one e-mail.
func TestNotificationInChromium(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []webtest.Option
	}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
		t.Run(tc.name, func(t *testing.T) {
			in := apptest.Start(t, store.SQLite)
			tab := webtest.New(t).Tab(t, tc.opts...)
			tab.Visit(in.URL + "/")
			tab.Click(`a[href="/referrers"]`)
			if got := tab.Text("h1"); got != "Recommending the service to someone you work with" {
				t.Fatalf("h1 %q", got)
			}
			tab.Axe()
			tab.Click(`a[href="/referrers/notify"]`)
			tab.Axe()

			tab.Fill("#referrer_name", "Dr Alma Referrer")
			tab.Fill("#referrer_role", "Educational supervisor")
			tab.Fill("#referrer_organisation", "St Elsewhere Trust")
			tab.Fill("#referrer_email", "alma.referrer@example.nhs.uk")
			tab.Fill("#trainee_name", "Sam Trainee")
			tab.Fill("#trainee_email", "sam.trainee.example.org") // a mistake
			tab.Fill("#reason", "Failed the same exam three times and seems exhausted.")
			tab.Click("form button[type=submit]")
			summary := tab.Text(".nhsuk-error-summary__list")
			for _, want := range []string{"Enter an e-mail address in the right format", "Confirm that you have told them"} {
				if !strings.Contains(summary, want) {
					t.Errorf("error summary %q lacks %q", summary, want)
				}
			}
			page := tab.HTML()
			for _, want := range []string{`value="Dr Alma Referrer"`, `value="sam.trainee.example.org"`, "seems exhausted.</textarea>"} {
				if !strings.Contains(page, want) {
					t.Errorf("lost after the error: %s", want)
				}
			}
			tab.Axe()

			tab.Fill("#trainee_email", "sam.trainee@example.org")
			tab.Check("#trainee_told")
			tab.Click("form button[type=submit]")
			if got := tab.Text("h1"); got != "Thank you for letting us know" {
				t.Fatalf("after sending: h1 %q at %s", got, tab.URL())
			}
			tab.Axe()

			mails := in.SMTP.Wait(t, 2, 10*time.Second)
			to := map[string]string{}
			for _, m := range mails {
				to[strings.Join(m.To, ",")] = m.Subject
			}
			if to["alma.referrer@example.nhs.uk"] != "We have received your notification" || to["sam.trainee@example.org"] != "An invitation from the Professional Support Unit" {
				t.Errorf("mails: %v", to)
			}
			for _, m := range mails {
				for _, s := range sensitive {
					if strings.Contains(m.Body, s) {
						t.Errorf("mail to %v contains %q", m.To, s)
					}
				}
			}
		})
	}
}
