package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// mailWith waits for a mail whose subject is subject, to to.
func mailWith(t *testing.T, in *apptest.Instance, n int, to, subject string) {
	t.Helper()
	for _, m := range in.SMTP.Wait(t, n, 15*time.Second) {
		if m.Subject == subject && len(m.To) == 1 && m.To[0] == to {
			return
		}
	}
	t.Errorf("no mail %q to %s", subject, to)
}

// A trainee asks for their record to be erased (one open request at a
// time, the reason at most 1,000 characters); a lead declines with a reason
// the trainee reads on their page; asked again, a lead approves and the
// case is erased at once, the trainee told by e-mail and signed out of a
// record that no longer exists.
func TestErasureRequestReviewedByALead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		ctx := context.Background()
		c := submittedAs(t, in, "eve@example.com", "Eve Erased", "EVE-SITUATION")
		in.SMTP.Wait(t, 1, 15*time.Second)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "eve@example.com", 1)

		res := trainee.Post("/portal/my-data/erase", url.Values{"reason": {strings.Repeat("é", 1001)}})
		expect(t, "too long", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "nhsuk-error-summary") || !strings.Contains(res.Body, "1,000 characters or fewer") || !strings.Contains(res.Body, strings.Repeat("é", 1001)) {
			t.Error("too long: no error summary, message or the text typed")
		}
		expect(t, "ask", trainee.Post("/portal/my-data/erase", url.Values{"reason": {"I have moved on, thank you"}}), http.StatusSeeOther, "/portal/my-data")
		if page := trainee.Get("/portal/my-data"); !strings.Contains(page.Body, "A lead will review it") || strings.Contains(page.Body, `id="ask-erasure"`) {
			t.Errorf("after asking, the page does not say the request waits:\n%s", page.Body)
		}
		res = trainee.Post("/portal/my-data/erase", nil)
		expect(t, "ask twice", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "already asked") {
			t.Error("a second request is not refused with a message")
		}

		lead := in.Client(t)
		lead.SignIn(in.CreateStaff(t, web.RoleTriageLead))
		adviser := in.Client(t)
		adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
		expect(t, "adviser on the list", adviser.Get("/cases/erasure-requests"), http.StatusForbidden, "")
		list := lead.Get("/cases/erasure-requests")
		expect(t, "lead's list", list, http.StatusOK, "")
		if !strings.Contains(list.Body, c.Reference) || !strings.Contains(list.Body, "I have moved on, thank you") {
			t.Errorf("the lead's list lacks the request:\n%s", list.Body)
		}
		var id string
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM erasure_requests WHERE case_id = ?`, c.ID), &id); err != nil {
			t.Fatal(err)
		}
		res = lead.Post("/cases/erasure-requests", url.Values{"id": {id}, "decision": {"decline"}})
		expect(t, "decline without a reason", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "Write why the record is being kept") {
			t.Error("declining without a reason gives no message")
		}
		expect(t, "decline", lead.Post("/cases/erasure-requests", url.Values{"id": {id}, "decision": {"decline"},
			"answer-" + id: {"Your support is still going on; ask again when it ends."}}), http.StatusSeeOther, "/cases/erasure-requests")
		mailWith(t, in, 3, "eve@example.com", "About your request to erase your record")
		var mails int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE case_id = ?`, c.ID), &mails)
		if mails < 2 {
			t.Errorf("%d mails in the outbox name the case, want the sign-in link and the decline", mails)
		}
		page := trainee.Get("/portal/my-data")
		if !strings.Contains(page.Body, "decided to keep your record") || !strings.Contains(page.Body, "ask again when it ends") {
			t.Errorf("the trainee is not told the decline:\n%s", page.Body)
		}
		if res := lead.Post("/cases/erasure-requests", url.Values{"id": {id}, "decision": {"approve"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("approving a declined request: %d", res.StatusCode)
		}

		expect(t, "ask again", trainee.Post("/portal/my-data/erase", url.Values{"reason": {""}}), http.StatusSeeOther, "/portal/my-data")
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM erasure_requests WHERE case_id = ? AND status = 'waiting'`, c.ID), &id); err != nil {
			t.Fatal(err)
		}
		expect(t, "approve", lead.Post("/cases/erasure-requests", url.Values{"id": {id}, "decision": {"approve"}}), http.StatusSeeOther, "/cases/erasure-requests")
		mailWith(t, in, 4, "eve@example.com", "Your record has been erased")
		after, err := in.App.Cases.Get(ctx, in.App.DB, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !after.Erased() || after.Status.Open() {
			t.Errorf("after approval: erased %v, status %s", after.Erased(), after.Status)
		}
		var why string
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE case_id = ? AND action = 'case.erased'`, c.ID), &why)
		if why != "erasure request" {
			t.Errorf("audit says %q", why)
		}
		// The mail about the case, the trainee's address in it, goes once
		// delivered.
		var left int
		for i := 0; i < 100; i++ {
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE case_id = ? AND sent_at IS NULL`, c.ID), &left)
			if left == 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, err := in.App.Cases.EraseExpired(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE case_id = ?`, c.ID), &left)
		if left != 0 {
			t.Errorf("%d mails about the erased case left in the outbox", left)
		}
		expect(t, "portal after erasure", trainee.Get("/portal/my-data"), http.StatusSeeOther, "/portal/sign-in")
		if list := lead.Get("/cases/erasure-requests"); strings.Contains(list.Body, c.Reference) {
			t.Error("the approved request is still on the list")
		}
		if page := lead.Get("/cases/" + c.Reference); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Record erased") {
			t.Errorf("the erased case's page: %d", page.StatusCode)
		}
	})
}
