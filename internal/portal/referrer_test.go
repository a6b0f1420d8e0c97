package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A referrer hears nothing until the trainee asks; then one e-mail that
// says only that the person is in touch (no name, no reason), through the
// ledger; asking again sends nothing more; a trainee cannot have another
// case's referrer told.
func TestTellReferrer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		visitor := in.Client(t)
		res := visitor.Post("/referrers/notify", url.Values{"referrer_name": {"Dr Riley Referrer"}, "referrer_role": {"Clinical supervisor"},
			"referrer_organisation": {"St Example's Hospital"}, "referrer_email": {"riley@example.nhs.uk"}, "trainee_name": {"Ada Trainee"},
			"trainee_email": {"ada@example.com"}, "reason": {"Struggling after a failed exam attempt"}, "trainee_told": {"yes"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("notice: %d\n%s", res.StatusCode, res.Body)
		}
		c := applied(t, in, "ada@example.com", true, false)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "ada@example.com", len(in.SMTP.Wait(t, 2, 15*time.Second)))

		res = trainee.Get("/portal/consents")
		if !strings.Contains(res.Body, "Dr Riley Referrer, Clinical supervisor, St Example&#39;s Hospital") || !strings.Contains(res.Body, "Tell them I am in touch") {
			t.Fatalf("the consents page does not offer to tell the referrer:\n%s", res.Body)
		}
		id := regexp.MustCompile(`/portal/referrers/([^/]+)/tell`).FindStringSubmatch(res.Body)[1]
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.TellReferrer}); err == nil {
			t.Fatal("a consent to tell the referrer before the trainee asked")
		}
		before := len(in.SMTP.Mails())
		expect(t, "tell", trainee.Post("/portal/referrers/"+id+"/tell", nil), http.StatusSeeOther, "/portal/consents")
		m := in.SMTP.WaitFor(t, before, 15*time.Second, mailTo("riley@example.nhs.uk"))
		if !strings.Contains(m.Body, "The person you recommended is in touch with the unit") {
			t.Errorf("referrer's mail: %q", m.Body)
		}
		for _, secret := range []string{"Ada", "exam", "ada@example.com"} {
			if strings.Contains(m.Body+m.Subject, secret) {
				t.Errorf("the referrer's mail says %q", secret)
			}
		}
		res = trainee.Get("/portal/consents")
		if !strings.Contains(res.Body, "we told them on") || strings.Contains(res.Body, "Tell them I am in touch") {
			t.Error("the consents page does not say the referrer was told")
		}
		expect(t, "tell again", trainee.Post("/portal/referrers/"+id+"/tell", nil), http.StatusSeeOther, "/portal/consents")
		time.Sleep(300 * time.Millisecond)
		var n int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE kind = 'referral.in_touch'`), &n)
		if n != 1 {
			t.Errorf("%d e-mails to the referrer, want 1", n)
		}

		// Another trainee cannot have Ada's referrer told.
		applied(t, in, "bea@example.com", true, false)
		other := in.Client(t)
		signInByLink(t, in, other, "bea@example.com", len(in.SMTP.Mails()))
		expect(t, "another's referrer", other.Post("/portal/referrers/"+id+"/tell", nil), http.StatusNotFound, "")
	})
}
