package feedback_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/webtest"
)

// feedbackLink makes a sent feedback request for a new trainee's case, as
// the worker would have, and returns its link.
func feedbackLink(t *testing.T, in *apptest.Instance, email string, sentAgo time.Duration) string {
	t.Helper()
	var c *cases.Case
	if err := in.App.DB.Tx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = in.App.Cases.Arrive(context.Background(), tx, cases.Arrival{ApplicationID: store.NewID(), Reference: "PSU-" + strings.ToUpper(store.NewID()[24:]),
			SubmittedAt: store.Now(), Email: email, Name: "Fay Feedback", ConsentCaseEmail: true, ConsentFollowUp: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tok := store.NewID() + store.NewID()
	now := time.Now().UTC()
	if _, err := in.App.DB.ExecContext(context.Background(), `INSERT INTO feedback_requests (case_id, due_at, created_at, sent_at, token_hash)
		VALUES (?, ?, ?, ?, ?)`, c.ID, now.Add(-sentAgo), now.Add(-sentAgo-time.Hour), now.Add(-sentAgo), seal.TokenHash(tok)); err != nil {
		t.Fatal(err)
	}
	return "/feedback/" + tok
}

func expect(t *testing.T, what string, res apptest.Response, status int, location string) {
	t.Helper()
	if res.StatusCode != status || (location != "" && res.Header.Get("Location") != location) {
		t.Fatalf("%s: %d %q, want %d %q\n%s", what, res.StatusCode, res.Header.Get("Location"), status, location, res.Body)
	}
}

// The feedback link opens a short form without signing in; a missing
// answer or an over-long comment is explained with nothing lost; the
// answers are stored with no link to the case (only the month), the
// comment sealed; the link then works no more, and an old one never did.
func TestFeedbackIsKeptApartFromTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		link := feedbackLink(t, in, "fb@example.com", 24*time.Hour)
		visitor := in.Client(t)
		res := visitor.Get(link)
		expect(t, "form", res, http.StatusOK, "")
		if !strings.Contains(res.Body, "How helpful was the support") {
			t.Fatalf("form:\n%s", res.Body)
		}
		long := strings.Repeat("a", 2001)
		res = visitor.Post(link, url.Values{"changed": {"confident"}, "comments": {long}})
		expect(t, "incomplete", res, http.StatusUnprocessableEntity, "")
		for _, want := range []string{"Select how helpful", "Select whether you would recommend", "shorten it by 1", long, `value="confident" checked`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("incomplete form lacks %q", want)
			}
		}
		expect(t, "send", visitor.Post(link, url.Values{"helpful": {"very"}, "changed": {"confident", "work"}, "recommend": {"yes"},
			"comments": {"Narwhal-juniper: the adviser listened."}}), http.StatusSeeOther, "/feedback-sent")
		expect(t, "thanks", visitor.Get("/feedback-sent"), http.StatusOK, "")
		expect(t, "used link", visitor.Get(link), http.StatusGone, "")
		expect(t, "used link, posted", visitor.Post(link, url.Values{"helpful": {"very"}, "recommend": {"yes"}}), http.StatusGone, "")

		var month, helpful, changed, recommend string
		var comments []byte
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT month, helpful, changed, recommend, comments FROM feedback`),
			&month, &helpful, &changed, &recommend, &comments); err != nil {
			t.Fatal(err)
		}
		if month != time.Now().Format("2006-01") || helpful != "very" || changed != "confident,work" || recommend != "yes" || bytes.Contains(comments, []byte("Narwhal")) {
			t.Errorf("stored feedback: %s %s %s %s (comment sealed: %v)", month, helpful, changed, recommend, !bytes.Contains(comments, []byte("Narwhal")))
		}
		var answered int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_requests WHERE answered AND token_hash IS NULL`), &answered)
		if answered != 1 {
			t.Error("the request is not marked answered with its token forgotten")
		}
		if bytes.Contains(bytes.ToLower(in.RawData(t)), []byte("narwhal")) {
			t.Error("the comment is stored readably")
		}
		expect(t, "an old link", visitor.Get(feedbackLink(t, in, "old@example.com", 100*24*time.Hour)), http.StatusGone, "")
		expect(t, "an unknown link", visitor.Get("/feedback/not-a-token"), http.StatusGone, "")
	})
}

// The feedback form in Chromium on a phone, JavaScript off and on: the
// error summary, then the thanks; each page passes axe.
func TestFeedbackInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t)
	for i, opts := range [][]webtest.Option{{webtest.NoJS(), webtest.Phone()}, {webtest.Phone()}} {
		tab := b.Tab(t, opts...)
		tab.Visit(in.URL + feedbackLink(t, in, []string{"fb1@example.com", "fb2@example.com"}[i], time.Hour))
		tab.Axe()
		tab.Click("#send-feedback")
		if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Select how helpful") {
			t.Errorf("empty feedback: error summary %q", got)
		}
		tab.Axe()
		tab.Check("#helpful")
		tab.Check("#recommend")
		tab.Fill("#comments", "Thank you.")
		tab.Click("#send-feedback")
		if got := tab.Text("h1"); got != "Thank you for your feedback" {
			t.Errorf("after sending: %q", got)
		}
		tab.Axe()
	}
}
