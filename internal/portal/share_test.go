package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/portal"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var (
	shareLinkRE = regexp.MustCompile(`/shared/[A-Za-z0-9_-]{43}`)
	codeRE      = regexp.MustCompile(`\b\d{6}\b`)
)

func mailTo(to string) func(mailtest.Mail) bool {
	return func(m mailtest.Mail) bool { return len(m.To) == 1 && m.To[0] == to }
}

// shareWith shares version 1 of the signed-in trainee's summary with the
// supervisor, through the form, its check page and the send, and returns
// the link the supervisor was e-mailed.
func shareWith(t *testing.T, in *apptest.Instance, trainee *apptest.Client, email string) string {
	t.Helper()
	before := len(in.SMTP.Mails())
	form := url.Values{"name": {"Dr Sam Supervisor"}, "role": {"educational-supervisor"}, "email": {email}, "approve": {"yes"}, "step": {"check"}}
	res := trainee.Post("/portal/summaries/1/share", form)
	expect(t, "check page", res, http.StatusOK, "")
	if !strings.Contains(res.Body, "Check before you share") || !strings.Contains(res.Body, "Educational supervisor") {
		t.Fatalf("no check page:\n%s", res.Body)
	}
	form.Set("step", "send")
	expect(t, "share", trainee.Post("/portal/summaries/1/share", form), http.StatusSeeOther, "/portal/shares")
	m := in.SMTP.WaitFor(t, before, 15*time.Second, mailTo(email))
	// The subject (kept unsealed in the outbox) names nobody; the body
	// says whose summary it is.
	if strings.Contains(m.Subject, "Ada") || !strings.Contains(m.Body, "Ada Trainee has chosen to let you read") {
		t.Errorf("share mail: %q\n%s", m.Subject, m.Body)
	}
	link := shareLinkRE.FindString(m.Body)
	if link == "" {
		t.Fatalf("no link in %q", m.Body)
	}
	return link
}

// openWithCode asks for a code on link and types it, as the supervisor.
func openWithCode(t *testing.T, in *apptest.Instance, sup *apptest.Client, link, email string) {
	t.Helper()
	before := len(in.SMTP.Mails())
	expect(t, "send code", sup.Post(link, nil), http.StatusSeeOther, link+"/code")
	m := in.SMTP.WaitFor(t, before, 15*time.Second, func(m mailtest.Mail) bool { return mailTo(email)(m) && strings.Contains(m.Subject, "code") })
	code := codeRE.FindString(m.Body)
	if code == "" {
		t.Fatalf("no code in %q", m.Body)
	}
	expect(t, "code page", sup.Get(link+"/code"), http.StatusOK, "")
	expect(t, "right code", sup.Post(link+"/code", url.Values{"code": {code[:3] + " " + code[3:]}}), http.StatusSeeOther, "/shared/summary")
}

// The journey of the issue, over HTTP on both engines: the trainee shares
// version 1 of their summary with a supervisor (form, check, send); the
// supervisor's link opens nothing without the code sent to the same
// address; a wrong code is refused with a message, the right one opens the
// summary and its PDF; the trainee sees each open; withdrawing ends the
// link at once, wherever the supervisor is in it. A staff member has no
// way to share, and the share's mail left through the consent ledger.
func TestShareJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		c := applied(t, in, "ada@example.com", true, false)
		v, _, adviser := seenWithPlan(t, in, c)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "ada@example.com", 0)

		// Before a summary is issued there is nothing to share.
		expect(t, "share before the summary", trainee.Get("/portal/summaries/1/share"), http.StatusNotFound, "")
		issue(t, in, v, c)
		res := trainee.Get("/portal/summaries")
		if !strings.Contains(res.Body, `href="/portal/summaries/1/share"`) {
			t.Errorf("the summaries page offers no share:\n%s", res.Body)
		}
		res = trainee.Get("/portal/summaries/1/share")
		expect(t, "share form", res, http.StatusOK, "")
		if !strings.Contains(res.Body, "which ends the link at once") {
			t.Error("the share form does not show the consent's words")
		}

		// Mistakes: each named, everything typed kept.
		res = trainee.Post("/portal/summaries/1/share", url.Values{"name": {"Dr Sam Supervisor"}, "role": {"other"}, "email": {"sam at example"}, "days": {"9"}, "step": {"check"}})
		expect(t, "bad share", res, http.StatusUnprocessableEntity, "")
		for _, want := range []string{"Enter their role, for example", "in the correct format", "Tick the box", "Select how long the link should work", `value="Dr Sam Supervisor"`, `value="sam at example"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("bad share page lacks %q", want)
			}
		}
		// "Change" on the check page goes back with everything kept.
		res = trainee.Post("/portal/summaries/1/share", url.Values{"name": {"Dr Sam Supervisor"}, "role": {"educational-supervisor"}, "email": {"sam@example.nhs.uk"}, "approve": {"yes"}, "step": {"change"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `value="sam@example.nhs.uk"`) || !strings.Contains(res.Body, "checked") {
			t.Errorf("change lost what was typed: %d", res.StatusCode)
		}

		// A member of staff cannot share: the route is the trainee's alone.
		staff := in.Client(t)
		staff.SignIn(adviser)
		if res := staff.Post("/portal/summaries/1/share", url.Values{"name": {"X"}, "role": {"other"}, "email": {"x@example.com"}, "approve": {"yes"}, "step": {"send"}}); res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/portal/shares" {
			t.Fatal("a member of staff shared the summary")
		}

		link := shareWith(t, in, trainee, "sam@example.nhs.uk")
		k, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.ShareSummary, Document: "summary", Version: 1,
			Recipient: referral.BlindEmail(in.App.Cases.Sealer, "sam@example.nhs.uk")})
		if err != nil {
			var n int
			store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM consents WHERE case_id = ? AND purpose = 'share_summary'`, c.ID), &n)
			t.Fatalf("no share consent in the ledger (%d share consents): %v", n, err)
		}
		res = trainee.Get("/portal/shares")
		if !strings.Contains(res.Body, "Dr Sam Supervisor, Educational supervisor") || !strings.Contains(res.Body, "not opened it yet") {
			t.Errorf("shares page before opening:\n%s", res.Body)
		}

		// The supervisor: the link's page names nobody; a wrong code is refused.
		sup := in.Client(t)
		res = sup.Get(link)
		expect(t, "link page", res, http.StatusOK, "")
		if strings.Contains(res.Body, "Ada") {
			t.Error("the link's page names the trainee before the code")
		}
		if res := sup.Get("/shared/summary"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Open the link in your e-mail again") || strings.Contains(res.Body, "Ada") {
			t.Errorf("summary before the code: %d", res.StatusCode)
		}
		expect(t, "pdf before the code", sup.Get("/shared/summary.pdf"), http.StatusSeeOther, "/shared/summary")
		before := len(in.SMTP.Mails())
		expect(t, "send code", sup.Post(link, nil), http.StatusSeeOther, link+"/code")
		m := in.SMTP.WaitFor(t, before, 15*time.Second, mailTo("sam@example.nhs.uk"))
		code := codeRE.FindString(m.Body)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		res = sup.Post(link+"/code", url.Values{"code": {wrong}})
		expect(t, "wrong code", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "That code is not right") {
			t.Errorf("wrong code page:\n%s", res.Body)
		}
		res = sup.Post(link+"/code", url.Values{"code": {"12ab"}})
		expect(t, "malformed code", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "6 digits") || !strings.Contains(res.Body, `value="12ab"`) {
			t.Error("a malformed code is not explained and kept")
		}
		expect(t, "right code", sup.Post(link+"/code", url.Values{"code": {code}}), http.StatusSeeOther, "/shared/summary")
		expect(t, "the code is spent", sup.Post(link+"/code", url.Values{"code": {code}}), http.StatusUnprocessableEntity, "")
		res = sup.Get("/shared/summary")
		expect(t, "summary page", res, http.StatusOK, "")
		if !strings.Contains(res.Body, "Ada Trainee's summary") || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("summary page:\n%s", res.Body)
		}
		res = sup.Get("/shared/summary.pdf")
		expect(t, "pdf", res, http.StatusOK, "")
		if !strings.HasPrefix(res.Body, "%PDF-") {
			t.Error("the download is not the PDF")
		}

		// The trainee sees both: the opening and the download.
		res = trainee.Get("/portal/shares")
		if !strings.Contains(res.Body, "Opened on") || !strings.Contains(res.Body, "Downloaded on") {
			t.Errorf("shares page does not show the opens:\n%s", res.Body)
		}
		var opens int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND action IN ('share.opened', 'share.downloaded')`, c.ID), &opens)
		if opens != 2 {
			t.Errorf("%d opens audited, want 2", opens)
		}

		// Withdrawing ends the link at once, wherever the supervisor is.
		expect(t, "stop sharing", trainee.Post("/portal/consents/"+k.ID+"/withdraw", url.Values{"from": {"shares"}}), http.StatusSeeOther, "/portal/shares")
		// Every GET route of the recipient's side, from the route table, so
		// a new one cannot be left out.
		var paths []string
		for _, r := range in.App.Web.Router.Routes() {
			if p, ok := strings.CutPrefix(r.Pattern, "GET /shared/"); ok {
				paths = append(paths, strings.ReplaceAll("/shared/"+p, "/shared/{token}", link))
			}
		}
		if len(paths) < 4 {
			t.Fatalf("only %d recipient routes found: %v", len(paths), paths)
		}
		for _, path := range paths {
			res := sup.Get(path)
			if res.StatusCode != http.StatusGone || !strings.Contains(res.Body, "no longer available") {
				t.Errorf("%s after withdrawal: %d", path, res.StatusCode)
			}
		}
		expect(t, "code after withdrawal", sup.Post(link, nil), http.StatusGone, "")
		res = trainee.Get("/portal/shares")
		if !strings.Contains(res.Body, "You stopped sharing on") || strings.Contains(res.Body, "Stop sharing") {
			t.Errorf("shares page after stopping:\n%s", res.Body)
		}
		if res := trainee.Get("/portal/consents"); !strings.Contains(res.Body, "Share version 1 of your summary with Dr Sam Supervisor") {
			t.Error("the consents page does not name the share")
		}
		// The trainee's own data holds the share, its openings and its end.
		var data portal.MyData
		if err := json.Unmarshal([]byte(trainee.Get("/portal/my-data/psu-my-data.json").Body), &data); err != nil {
			t.Fatal(err)
		}
		if len(data.Shares) != 1 || data.Shares[0].Recipient.Email != "sam@example.nhs.uk" || len(data.Shares[0].Opens) != 2 || data.Shares[0].EndedAt == nil {
			t.Errorf("shares in my data: %+v", data.Shares)
		}
	})
}

// A link stops at its expiry; five wrong codes spend the code; a new share
// to someone else is its own consent and link.
func TestShareLinkLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		c := applied(t, in, "ada@example.com", true, false)
		v, _, _ := seenWithPlan(t, in, c)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "ada@example.com", 0)
		issue(t, in, v, c)

		link := shareWith(t, in, trainee, "tpd@example.nhs.uk")
		sup := in.Client(t)
		before := len(in.SMTP.Mails())
		expect(t, "send code", sup.Post(link, nil), http.StatusSeeOther, link+"/code")
		code := codeRE.FindString(in.SMTP.WaitFor(t, before, 15*time.Second, mailTo("tpd@example.nhs.uk")).Body)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < 5; i++ {
			expect(t, "wrong code", sup.Post(link+"/code", url.Values{"code": {wrong}}), http.StatusUnprocessableEntity, "")
		}
		res := sup.Post(link+"/code", url.Values{"code": {code}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "tried too many times") {
			t.Errorf("the right code after five wrong ones: %d", res.StatusCode)
		}
		// A new code works.
		openWithCode(t, in, sup, link, "tpd@example.nhs.uk")

		// The trainee may let a link work longer: 30 days here.
		form := url.Values{"name": {"Dr Long Reader"}, "role": {"clinical-supervisor"}, "email": {"long@example.nhs.uk"}, "days": {"30"}, "approve": {"yes"}, "step": {"send"}}
		expect(t, "a 30-day share", trainee.Post("/portal/summaries/1/share", form), http.StatusSeeOther, "/portal/shares")
		var lives []float64
		rows, err := db.QueryContext(ctx, `SELECT created_at, expires_at FROM share_links ORDER BY created_at`)
		must(t, err)
		for rows.Next() {
			var made, ends time.Time
			must(t, rows.Scan(&made, &ends))
			lives = append(lives, ends.Sub(made).Hours()/24)
		}
		rows.Close()
		if len(lives) != 2 || lives[0] != 7 || lives[1] != 30 {
			t.Errorf("share links' lives in days: %v, want [7 30]", lives)
		}
		// A second share is its own link; the first's expiry ends only the first.
		second := shareWith(t, in, trainee, "cs@example.nhs.uk")
		if _, err := db.ExecContext(ctx, `UPDATE share_links SET expires_at = ? WHERE token_hash <> '' AND created_at = (SELECT MIN(created_at) FROM share_links)`,
			time.Now().Add(-time.Minute).UTC()); err != nil {
			t.Fatal(err)
		}
		expect(t, "expired link", in.Client(t).Get(link), http.StatusGone, "")
		expect(t, "expired link, already open", sup.Get("/shared/summary"), http.StatusGone, "")
		expect(t, "the other link", in.Client(t).Get(second), http.StatusOK, "")
		if res := trainee.Get("/portal/shares"); !strings.Contains(res.Body, "The link expired on") {
			t.Error("the shares page does not say the link expired")
		}

		// An erased case's links are gone too: a calm 410, not an error.
		if err := db.Tx(ctx, func(tx *store.Tx) error { return in.App.Cases.Erase(ctx, tx, c.ID, "erasure request") }); err != nil {
			t.Fatal(err)
		}
		expect(t, "link of an erased case", in.Client(t).Get(second), http.StatusGone, "")
	})
}
