package plans_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// feedbackStore is a plans.Store as psu's job uses it, in a build that
// serves the feedback form when form is true.
func feedbackStore(in *apptest.Instance, form bool) *plans.Store {
	return &plans.Store{DB: in.App.DB, Cases: in.App.Cases, Outbox: in.App.Outbox, BaseURL: in.URL,
		HasRoute: func(p string) bool { return form && p == plans.FeedbackRoute }}
}

func closeCase(t *testing.T, in *apptest.Instance, sc seen) plans.Closed {
	t.Helper()
	st := feedbackStore(in, false)
	out, err := st.Close(context.Background(), cases.Viewer{UserID: sc.Adviser.ID}, sc.ID, "Support completed", "")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func feedbackMails(in *apptest.Instance) int {
	var n int
	store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox WHERE kind = 'plans.feedback'`), &n)
	return n
}

// A feedback request is queued at closing only when the trainee agreed to
// be e-mailed later; it waits while no feedback form exists; when it is
// due, several senders running at once send it exactly once, with a link
// whose token is kept only as a hash.
func TestFeedbackSentOnceWhenDue(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			in := apptest.Start(t, e)
			agreed := seenCase(t, in, "agreed.trainee@example.com", true)
			declined := seenCase(t, in, "declined.trainee@example.com", false)
			out := closeCase(t, in, agreed)
			if want := plans.DefaultFeedbackWeeks * 7 * 24 * time.Hour; out.FeedbackDue.IsZero() || time.Until(out.FeedbackDue) < want-time.Minute {
				t.Fatalf("feedback due %v, want %v from now", out.FeedbackDue, want)
			}
			if out := closeCase(t, in, declined); !out.FeedbackDue.IsZero() {
				t.Error("a trainee who did not agree has a feedback request")
			}

			later := out.FeedbackDue.Add(time.Minute)
			if n, err := feedbackStore(in, true).SendDueFeedback(ctx, out.FeedbackDue.Add(-time.Hour)); err != nil || n != 0 {
				t.Fatalf("sent %d before it was due (%v)", n, err)
			}
			if n, err := feedbackStore(in, false).SendDueFeedback(ctx, later); err != nil || n != 0 {
				t.Fatalf("sent %d with no feedback form to link to (%v)", n, err)
			}
			var wg sync.WaitGroup
			sent := make([]int, 4)
			for i := range sent {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := feedbackStore(in, true).SendDueFeedback(ctx, later)
					if err != nil {
						t.Error(err)
					}
					sent[i] = n
				}()
			}
			wg.Wait()
			if total := sent[0] + sent[1] + sent[2] + sent[3]; total != 1 || feedbackMails(in) != 1 {
				t.Fatalf("sent %v, %d queued, want exactly one", sent, feedbackMails(in))
			}
			var body string
			for end := time.Now().Add(10 * time.Second); body == "" && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				for _, m := range in.SMTP.Mails() {
					if strings.Contains(m.Subject, "How was your support") {
						body = m.Body
						if len(m.To) == 0 || m.To[0] != "agreed.trainee@example.com" {
							t.Errorf("feedback e-mailed to %v", m.To)
						}
					}
				}
			}
			i := strings.Index(body, in.URL+"/feedback/")
			if i < 0 {
				t.Fatalf("no feedback link in:\n%s", body)
			}
			tok := strings.Fields(body[i+len(in.URL+"/feedback/"):])[0]
			var hash string
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT token_hash FROM feedback_requests WHERE case_id = ?`, agreed.ID), &hash); err != nil {
				t.Fatal(err)
			}
			if hash != seal.TokenHash(tok) || strings.Contains(hash, tok) {
				t.Error("the stored token is not the hash of the link's")
			}
			if n, _ := feedbackStore(in, true).SendDueFeedback(ctx, later.Add(24*time.Hour)); n != 0 {
				t.Error("sent again")
			}
		})
	}
}

// Withdrawing consent before the request goes cancels it (CancelFeedback,
// for the portal); a reopened case is not asked either.
func TestFeedbackCancelled(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			in := apptest.Start(t, e)
			withdrawn := seenCase(t, in, "withdrawn.trainee@example.com", true)
			reopened := seenCase(t, in, "reopened.trainee@example.com", true)
			due := closeCase(t, in, withdrawn).FeedbackDue
			closeCase(t, in, reopened)

			for want, id := range map[bool]string{true: withdrawn.ID, false: "no-such-case"} {
				err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
					ok, err := plans.CancelFeedback(ctx, tx, id)
					if ok != want {
						t.Errorf("CancelFeedback(%s) = %v, want %v", id, ok, want)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
				ok, err := plans.CancelFeedback(ctx, tx, withdrawn.ID)
				if ok {
					t.Error("cancelled twice")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := in.App.Cases.Move(ctx, cases.Viewer{UserID: reopened.Adviser.ID}, reopened.ID, cases.Contacted, "", ""); err != nil {
				t.Fatal(err)
			}
			if n, err := feedbackStore(in, true).SendDueFeedback(ctx, due.Add(time.Hour)); err != nil || n != 0 || feedbackMails(in) != 0 {
				t.Fatalf("sent %d (%v), want none", n, err)
			}
			var cancelled int
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_requests WHERE cancelled_at IS NOT NULL AND sent_at IS NULL`), &cancelled); err != nil || cancelled != 2 {
				t.Errorf("%d requests cancelled (%v), want 2", cancelled, err)
			}
			// The case page says so.
			a := in.Client(t)
			a.SignIn(withdrawn.Adviser)
			expect(t, "case page", a.Get("/cases/"+withdrawn.Ref), 200, "Feedback request cancelled.")
		})
	}
}
