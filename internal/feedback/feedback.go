// Package feedback is what trainees tell the unit after their support:
// the e-mailed link (a single-use token, sent by plans when the case has
// closed and the trainee agreed to be e-mailed later) opens four short
// questions without signing in, and the answers are kept apart from the
// case, with no case, no person and only the month, so the reports can
// count them and nobody can trace them. The free text is sealed and only
// leads read it.
package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Life is how long a feedback link works after it is sent.
const Life = 90 * 24 * time.Hour

// MaxComments bounds the free text.
const MaxComments = 2000

// Limit bounds the feedback posted from one client.
var Limit = ratelimit.Limit{N: 20, Window: time.Hour}

// Choice is one answer a feedback question offers.
type Choice struct{ Value, Label string }

// The questions' answers, in the order they are shown. Reports read the
// values.
var (
	Helpful = []Choice{{"very", "Very helpful"}, {"quite", "Quite helpful"}, {"neither", "Neither helpful nor unhelpful"},
		{"not-very", "Not very helpful"}, {"not-at-all", "Not helpful at all"}}
	Changed = []Choice{{"confident", "I feel more confident"}, {"progressed", "I passed an exam or moved on in my training"},
		{"work", "Things are better at work"}, {"other-help", "I got help from another service"}, {"wellbeing", "I am looking after myself better"},
		{"nothing-yet", "Nothing has changed yet"}}
	Recommend = []Choice{{"yes", "Yes"}, {"maybe", "Maybe"}, {"no", "No"}}
)

func choiceOK(cs []Choice, v string) bool {
	for _, c := range cs {
		if c.Value == v {
			return true
		}
	}
	return false
}

// ErrGone: the link is unknown, used, cancelled or too old.
var ErrGone = errors.New("feedback: the feedback link no longer works")

// Answers are one trainee's answers.
type Answers struct {
	Helpful   string
	Changed   []string
	Recommend string
	Comments  string
}

// feedbackOpen checks the link with token tok still works.
func (s *Store) feedbackOpen(ctx context.Context, q store.Querier, tok string) error {
	var sent store.Time
	err := store.Scan(q.QueryRowContext(ctx, `SELECT sent_at FROM feedback_requests
		WHERE token_hash = ? AND NOT answered AND cancelled_at IS NULL`, seal.TokenHash(tok)), &sent)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!sent.Valid || s.clock().Sub(sent.Time) > Life) {
		return ErrGone
	}
	return err
}

// GiveFeedback spends the link with token tok and stores fb with no link
// back to it.
func (s *Store) GiveFeedback(ctx context.Context, tok string, fb Answers) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := s.feedbackOpen(ctx, tx, tok); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE feedback_requests SET answered = TRUE, token_hash = NULL
			WHERE token_hash = ? AND NOT answered`, seal.TokenHash(tok))
		if err != nil {
			return fmt.Errorf("feedback: feedback: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrGone
		}
		return insertFeedback(ctx, tx, s.Sealer, s.clock(), fb)
	})
}

// insertFeedback stores fb as given at, kept only by its month.
func insertFeedback(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, at time.Time, fb Answers) error {
	id := store.NewID()
	var comments []byte
	if fb.Comments != "" {
		comments = sealer.SealString(fb.Comments, "feedback.comments:"+id)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO feedback (id, month, helpful, changed, recommend, comments) VALUES (?, ?, ?, ?, ?, ?)`,
		id, at.In(london).Format("2006-01"), fb.Helpful, strings.Join(fb.Changed, ","), fb.Recommend, comments); err != nil {
		return fmt.Errorf("feedback: feedback: %w", err)
	}
	return nil
}

// Seed writes, for psu demo, a feedback request for caseID sent
// at sent and, when fb is not nil, answered two days later with fb.
func Seed(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, caseID string, sent time.Time, fb *Answers) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_requests (case_id, due_at, created_at, sent_at, answered) VALUES (?, ?, ?, ?, ?)`,
		caseID, sent, sent.Add(-6*7*24*time.Hour), sent, fb != nil); err != nil {
		return fmt.Errorf("feedback: seed feedback: %w", err)
	}
	if fb == nil {
		return nil
	}
	return insertFeedback(ctx, tx, sealer, sent.Add(48*time.Hour), *fb)
}

type feedbackView struct {
	Token                       string
	Helpful, Changed, Recommend []Choice
	Chosen                      map[string]bool
	Max                         int
}

func (h *handlers) renderFeedback(w http.ResponseWriter, r *http.Request, status int, tok string, f *web.Form) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	chosen := map[string]bool{}
	for _, v := range f.Values["changed"] {
		chosen[v] = true
	}
	h.srv.Render(w, r, status, "feedback/form.html", web.Page{Title: "How was your support?", Form: f, Data: feedbackView{
		Token: tok, Helpful: Helpful, Changed: Changed, Recommend: Recommend, Chosen: chosen, Max: MaxComments}})
}

func (h *handlers) feedbackGone(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusGone, "feedback/gone.html", web.Page{Title: "This feedback link no longer works"})
}

// feedbackForm is the short form the e-mailed link opens.
func (h *handlers) feedbackForm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	switch err := h.s.feedbackOpen(r.Context(), h.srv.DB, tok); {
	case errors.Is(err, ErrGone):
		h.feedbackGone(w, r)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		h.renderFeedback(w, r, http.StatusOK, tok, web.NewForm(nil))
	}
}

// giveFeedback takes the answers: two questions must be answered, the
// rest are optional.
func (h *handlers) giveFeedback(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	tok := r.PathValue("token")
	f := web.NewForm(url.Values{"helpful": r.PostForm["helpful"], "changed": r.PostForm["changed"],
		"recommend": r.PostForm["recommend"], "comments": r.PostForm["comments"]})
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "feedback:ip:" + h.clientIP(r), Limit: Limit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f.Fail("helpful", "There have been many answers from this connection, so we have paused them for "+web.WaitWords(retry)+". What you wrote is still here.")
		h.renderFeedback(w, r, http.StatusTooManyRequests, tok, f)
		return
	}
	fb := Answers{Helpful: f.Get("helpful"), Recommend: f.Get("recommend"), Comments: strings.ReplaceAll(f.Get("comments"), "\r\n", "\n")}
	if !choiceOK(Helpful, fb.Helpful) {
		f.Fail("helpful", "Select how helpful the support was")
	}
	for _, v := range f.Values["changed"] {
		if !choiceOK(Changed, v) {
			f.Fail("changed", "Select from the changes listed")
			break
		}
		fb.Changed = append(fb.Changed, v)
	}
	if !choiceOK(Recommend, fb.Recommend) {
		f.Fail("recommend", "Select whether you would recommend the unit to a colleague")
	}
	f.Max("comments", "What you would like to tell us", MaxComments)
	if !f.Valid() {
		h.renderFeedback(w, r, http.StatusUnprocessableEntity, tok, f)
		return
	}
	switch err := h.s.GiveFeedback(ctx, tok, fb); {
	case errors.Is(err, ErrGone):
		h.feedbackGone(w, r)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		http.Redirect(w, r, "/feedback-sent", http.StatusSeeOther)
	}
}

// feedbackSent thanks the trainee.
func (h *handlers) feedbackSent(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusOK, "feedback/sent.html", web.Page{Title: "Thank you for your feedback"})
}
