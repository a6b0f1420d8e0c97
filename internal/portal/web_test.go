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
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// applied opens a case as a submitted application would, for email.
func applied(t *testing.T, in *apptest.Instance, email string, caseEmail, followUp bool) *cases.Case {
	t.Helper()
	var c *cases.Case
	err := in.App.DB.Tx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = in.App.Cases.Arrive(context.Background(), tx, cases.Arrival{ApplicationID: store.NewID(), Reference: "PSU-" + strings.ToUpper(store.NewID()[24:]),
			SubmittedAt: store.Now(), Email: email, Name: "Ada Trainee", ConsentCaseEmail: caseEmail, ConsentFollowUp: followUp})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var linkRE = regexp.MustCompile(`/portal/sign-in/[A-Za-z0-9_-]{43}`)

func expect(t *testing.T, what string, res apptest.Response, status int, location string) {
	t.Helper()
	if res.StatusCode != status || (location != "" && res.Header.Get("Location") != location) {
		t.Fatalf("%s: %d %q, want %d %q\n%s", what, res.StatusCode, res.Header.Get("Location"), status, location, res.Body)
	}
}

// signInByLink asks for a link and follows it, as the trainee would.
func signInByLink(t *testing.T, in *apptest.Instance, c *apptest.Client, email string, mailsBefore int) string {
	t.Helper()
	res := c.Post("/portal/sign-in/link", url.Values{"email": {email}})
	expect(t, "ask for a link", res, http.StatusOK, "")
	m := in.SMTP.Wait(t, mailsBefore+1, 15*time.Second)[mailsBefore]
	if len(m.To) != 1 || m.To[0] != email {
		t.Fatalf("link went to %v", m.To)
	}
	link := linkRE.FindString(m.Body)
	if link == "" {
		t.Fatalf("no sign-in link in %q", m.Body)
	}
	expect(t, "link page", c.Get(link), http.StatusOK, "")
	expect(t, "use the link", c.Post(link, nil), http.StatusSeeOther, "/portal")
	return link
}

func TestSignInByLinkAndConsents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		c := applied(t, in, "ada@example.com", true, true)
		visitor := in.Client(t)
		expect(t, "portal before signing in", visitor.Get("/portal"), http.StatusSeeOther, "/portal/sign-in")

		// An address with no application: the same answer, and no mail.
		res := visitor.Post("/portal/sign-in/link", url.Values{"email": {"nobody@example.com"}})
		expect(t, "unknown address", res, http.StatusOK, "")
		if !strings.Contains(res.Body, "If <strong>nobody@example.com</strong> is the address on an application") {
			t.Errorf("unknown address page says something else:\n%s", res.Body)
		}
		// A typo: 422, what was typed kept.
		res = visitor.Post("/portal/sign-in/link", url.Values{"email": {"ada at example"}})
		expect(t, "bad address", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, `value="ada at example"`) || !strings.Contains(res.Body, "nhsuk-error-summary") {
			t.Errorf("bad address: no error summary or input lost:\n%s", res.Body)
		}

		trainee := in.Client(t)
		link := signInByLink(t, in, trainee, "ada@example.com", 0)
		res = trainee.Get("/portal")
		expect(t, "home", res, http.StatusOK, "")
		for _, want := range []string{c.Reference, "We have your application", "Not chosen yet"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		// The link is dead once used, on any browser.
		expect(t, "link again", in.Client(t).Get(link), http.StatusGone, "")
		expect(t, "link posted again", in.Client(t).Post(link, nil), http.StatusGone, "")

		// Consents: each with its words; withdraw one.
		res = trainee.Get("/portal/consents")
		expect(t, "consents", res, http.StatusOK, "")
		for _, want := range []string{"May we e-mail you about your case?", "May we e-mail you later", "on your application form"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("consents page lacks %q", want)
			}
		}
		k, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.FollowUp})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, "withdraw", trainee.Post("/portal/consents/"+k.ID+"/withdraw", nil), http.StatusSeeOther, "/portal/consents")
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.FollowUp}); err == nil {
			t.Error("follow-up consent still current after withdrawing")
		}
		if res := trainee.Get("/portal/consents"); !strings.Contains(res.Body, "Withdrawn on") {
			t.Error("consents page does not show the withdrawal")
		}

		// Another trainee cannot withdraw Ada's consents.
		other := in.Client(t)
		applied(t, in, "bea@example.com", true, false)
		signInByLink(t, in, other, "bea@example.com", 1)
		ce, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.CaseEmail})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, "withdraw another's consent", other.Post("/portal/consents/"+ce.ID+"/withdraw", nil), http.StatusNotFound, "")
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.CaseEmail}); err != nil {
			t.Error("another trainee withdrew Ada's consent")
		}

		// A password, then signing in with it on a new browser.
		res = trainee.Post("/portal/password", url.Values{"password": {"short"}, "confirm": {"short"}})
		expect(t, "weak password", res, http.StatusUnprocessableEntity, "")
		pw := "lantern orchard copper meadow"
		expect(t, "set password", trainee.Post("/portal/password", url.Values{"password": {pw}, "confirm": {pw}}), http.StatusSeeOther, "/portal")
		fresh := in.Client(t)
		expect(t, "wrong password", fresh.Post("/portal/sign-in/password", url.Values{"pw_email": {"ada@example.com"}, "password": {"not it at all"}}), http.StatusUnauthorized, "")
		expect(t, "password", fresh.Post("/portal/sign-in/password", url.Values{"pw_email": {"ada@example.com"}, "password": {pw}}), http.StatusSeeOther, "/portal")
		expect(t, "home by password", fresh.Get("/portal"), http.StatusOK, "")
		expect(t, "sign out", fresh.Post("/portal/sign-out", nil), http.StatusOK, "")
		expect(t, "home after signing out", fresh.Get("/portal"), http.StatusSeeOther, "/portal/sign-in")
	})
}

// A member of staff is never a trainee: signed in as staff, the portal's
// sign-in refuses, and a portal session held before staff sign-in stops
// counting.
func TestStaffCannotActAsTrainee(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	applied(t, in, "cy@example.com", true, false)
	lead := in.CreateStaff(t, web.RoleTriageLead)
	c := in.Client(t)
	signInByLink(t, in, c, "cy@example.com", 0)
	expect(t, "trainee home", c.Get("/portal"), http.StatusOK, "")
	c.SignIn(lead)
	expect(t, "portal as staff", c.Get("/portal"), http.StatusForbidden, "")
	res := c.Post("/portal/sign-in/link", url.Values{"email": {"cy@example.com"}})
	expect(t, "link asked for as staff", res, http.StatusConflict, "")
	if n := len(in.SMTP.Mails()); n != 1 {
		t.Errorf("%d mails after staff asked for a link, want 1", n)
	}
}

// Links asked for one address are limited.
func TestLinkRateLimit(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	applied(t, in, "di@example.com", true, false)
	c := in.Client(t)
	for i := 0; i < 3; i++ {
		expect(t, "link", c.Post("/portal/sign-in/link", url.Values{"email": {"di@example.com"}}), http.StatusOK, "")
	}
	res := c.Post("/portal/sign-in/link", url.Values{"email": {"di@example.com"}})
	expect(t, "fourth link", res, http.StatusTooManyRequests, "")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}
