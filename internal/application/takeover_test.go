package application_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
)

var formActionRE = regexp.MustCompile(`<form [^>]*action="([^"]*)"`)

// No page of a draft puts a capability in an address: every form posts to a
// plain path (at most ?return=check), so nothing in history, a proxy log or
// a shared computer lets anyone else write to the draft.
func TestNoDraftCapabilityInAnyAddress(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	fillAll(t, c)
	id := draftID(t, in)
	paths := []string{"/apply/check/region", "/apply/check-answers", "/apply/documents", "/apply/saved"}
	for _, p := range applicationPages() {
		paths = append(paths, p.path)
	}
	for _, p := range paths {
		res := c.Get(p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		if strings.Contains(res.Body, id) {
			t.Errorf("%s: the page carries the draft's id", p)
		}
		for _, m := range formActionRE.FindAllStringSubmatch(res.Body, -1) {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatalf("%s: action %q: %v", p, m[1], err)
			}
			for k := range u.Query() {
				if k != "return" {
					t.Errorf("%s: form action %q carries %q", p, m[1], k)
				}
			}
		}
	}
}

// The review's attack: someone who is not the applicant's session tries to
// change the draft's address to theirs and be sent a link. Every way in is
// closed, on both engines.
func TestDraftCannotBeTakenOver(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		in := apptest.Start(t, e)
		owner := in.Client(t)
		startEligible(t, owner)
		fillUntil(t, owner, "/apply/registration")
		id := draftID(t, in)
		expect(t, "confirm", owner.Post(linkIn(t, nthMail(t, in, 1)), nil), http.StatusSeeOther, "/apply/registration")
		const attacker = "attacker@example.net"

		// A browser without the session, posting the form as the old write
		// token allowed: nothing is saved and what it sent is only shown back.
		stranger := in.Client(t)
		res := stranger.Post("/apply/email", url.Values{"email": {attacker}})
		expect(t, "stranger changes address", res, http.StatusForbidden, "")
		bodyHas(t, "session ended page", res, "Your session has ended", attacker)
		res = stranger.Post("/apply/email?w="+id+".0123456789abcdef0123456789abcdef", url.Values{"email": {attacker}})
		expect(t, "old write token", res, http.StatusForbidden, "")

		// A second device of the owner's confirms the address with a new
		// link: it becomes the one session that may change it.
		bodyHas(t, "ask for a link", stranger.Post("/apply/resume", url.Values{"email": {secrets.Email}}), "Check your e-mail")
		second := in.Client(t)
		expect(t, "second device", second.Post(linkIn(t, nthMail(t, in, 2)), nil), http.StatusSeeOther, "/apply/registration")

		// The first browser still holds the draft but may no longer change
		// the confirmed address.
		res = owner.Post("/apply/email", url.Values{"email": {attacker}})
		expect(t, "change from a session that did not confirm", res, http.StatusForbidden, "")
		bodyHas(t, "why not", res, "can only be changed there", attacker)

		// The confirming session may change it: the old address is told, the
		// new one is sent a link to confirm it, and until it is confirmed no
		// resume link goes to it.
		const moved = "new.address@example.org"
		expect(t, "change from the confirming session", second.Post("/apply/email", url.Values{"email": {moved}}), http.StatusSeeOther, "/apply/about-you")
		mails := in.SMTP.Wait(t, 4, 15*time.Second)
		var toldOld, linkToNew bool
		for _, m := range mails[2:] {
			switch {
			case strings.Contains(strings.Join(m.To, ","), secrets.Email) && strings.Contains(m.Subject, "has changed"):
				toldOld = true
				if strings.Contains(m.Body, moved) || linkRE.MatchString(m.Body) {
					t.Error("the change notice names the new address or carries a link")
				}
			case strings.Contains(strings.Join(m.To, ","), moved):
				linkToNew = linkRE.MatchString(m.Body)
			}
		}
		if !toldOld || !linkToNew {
			t.Fatalf("old address told: %v; confirmation link to the new one: %v", toldOld, linkToNew)
		}
		bodyHas(t, "resume to unconfirmed", stranger.Post("/apply/resume", url.Values{"email": {moved}}), "Check your e-mail")
		bodyHas(t, "resume to the old address", stranger.Post("/apply/resume", url.Values{"email": {secrets.Email}}), "Check your e-mail")
		time.Sleep(300 * time.Millisecond)
		if n := len(in.SMTP.Mails()); n != 4 {
			t.Errorf("%d mails, want 4: a resume link went to an unconfirmed or former address", n)
		}
		var verified store.Time
		if err := store.Scan(in.App.DB.QueryRowContext(context.Background(),
			`SELECT email_verified_at FROM application_drafts WHERE id = ?`, id), &verified); err != nil {
			t.Fatal(err)
		}
		if verified.Valid {
			t.Error("the new address counts as confirmed before its link was used")
		}
	})
}

// Someone whose session ended while typing is shown what they typed, with
// the way back; the draft is not changed and no mail is sent.
func TestTimedOutSessionShowsWhatWasTyped(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	a := in.Client(t)
	startEligible(t, a)
	fillUntil(t, a, "/apply/in-your-words")
	mailsBefore := len(in.SMTP.Wait(t, 1, 15*time.Second))
	if _, err := in.App.DB.ExecContext(context.Background(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	res := a.Post("/apply/in-your-words", url.Values{"situation": {secrets.Situation}, "hopes": {secrets.Hopes}})
	expect(t, "save after timeout", res, http.StatusForbidden, "")
	bodyHas(t, "typed shown back", res, "Your session has ended", secrets.Situation, secrets.Hopes, "/apply/resume")
	expect(t, "read after timeout", a.Get("/apply/about-you"), http.StatusSeeOther, "/apply/resume")
	time.Sleep(300 * time.Millisecond)
	if n := len(in.SMTP.Mails()); n != mailsBefore {
		t.Errorf("%d mails after the timeout, want %d", n, mailsBefore)
	}
}
