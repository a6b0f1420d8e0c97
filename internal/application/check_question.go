package application

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Someone who comes to /apply without having used the checker answers the
// same questions here first, one per page, with the checker's wording and
// rules; the answers are saved in the draft like every other page.

func questionPath(q string) string {
	if q == "" {
		q = eligibility.QuestionRegion
	}
	return "/apply/check/" + strings.ReplaceAll(q, "_", "-")
}

// lastAnswered is the last question of the check shown and answered: where
// the page after the check goes back to (the rules may have decided before
// every question was asked).
func lastAnswered(a eligibility.Answers) string {
	last := eligibility.QuestionRegion
	for _, q := range eligibility.Asked(a) {
		if a.Value(q) != "" {
			last = q
		}
	}
	return last
}

// question reads the question from the address; false when it is not one
// (answered 404) or cannot be asked yet (sent to the one to answer first).
func (h *handlers) question(w http.ResponseWriter, r *http.Request, d *Draft) (eligibility.Question, bool) {
	name := strings.ReplaceAll(r.PathValue("question"), "-", "_")
	q, ok := eligibility.QuestionByName(name)
	if !ok || strings.ReplaceAll(name, "_", "-") != r.PathValue("question") {
		h.srv.Error(w, r, http.StatusNotFound)
		return q, false
	}
	qs := eligibility.Asked(d.Eligibility)
	i := slices.Index(qs, q.Name)
	nextQ := eligibility.NextQuestion(d.Eligibility)
	if i < 0 || (nextQ != "" && i > slices.Index(qs, nextQ)) {
		http.Redirect(w, r, questionPath(nextQ), http.StatusSeeOther)
		return q, false
	}
	return q, true
}

func (h *handlers) renderQuestion(w http.ResponseWriter, r *http.Request, status int, d *Draft, q eligibility.Question, f *web.Form, ret bool) {
	fd := field{Name: "answer", Label: q.Title, Hint: q.Hint, Kind: kindRadios}
	for _, o := range d.Eligibility.Options(q.Name) {
		fd.Options = append(fd.Options, option{Value: o.Value, Label: o.Label, Hint: o.Hint})
	}
	back := "/apply"
	qs := eligibility.Asked(d.Eligibility)
	if i := slices.Index(qs, q.Name); i > 0 {
		back = questionPath(qs[i-1])
	}
	if ret {
		back = "/apply/check-answers"
	}
	action := h.withReturn(questionPath(q.Name), ret)
	v := form{d: d, f: f, fields: []field{fd}}
	h.srv.Render(w, r, status, "application/question.html", web.Page{Title: q.Title, Form: f, Data: struct {
		Field         *fieldView
		Action, Back  string
		Flash         *flashMessage
		First, Return bool
	}{v.Heading("answer"), action, back, h.flash(r.Context(), d), q.Name == qs[0], ret}})
}

func (h *handlers) questionForm(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	q, ok := h.question(w, r, d)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"answer": {d.Eligibility.Value(q.Name)}})
	h.renderQuestion(w, r, http.StatusOK, d, q, f, r.URL.Query().Get("return") == "check")
}

// answer records one answer. As soon as the published rules decide for the
// answers so far (every way of answering the rest would be decided the
// same), the decision is recorded, as the checker does: eligible people
// carry on to the application, others see why and where else to turn.
func (h *handlers) answer(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	q, ok := h.question(w, r, d)
	if !ok {
		return
	}
	ctx := r.Context()
	ret := r.URL.Query().Get("return") == "check"
	f := web.NewForm(url.Values{"answer": {r.PostForm.Get("answer")}})
	a, ferr := d.Eligibility.Set(q.Name, f.Get("answer"))
	if ferr != nil {
		f.Fail("answer", ferr.Message)
		h.renderQuestion(w, r, http.StatusUnprocessableEntity, d, q, f, ret)
		return
	}
	// A question with a single possible answer is answered, not shown.
	a = eligibility.FillSingleChoices(a)
	var decision *Decision
	dec, done, err := h.rules.DecideSettled(ctx, eligibility.ChannelWeb, a)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if done {
		decision = &Decision{RuleID: dec.RuleID, RuleVersion: dec.RuleVersion, Eligible: dec.Eligible, Route: dec.Route}
	}
	d, err = h.store.UpdateDraft(ctx, d.ID, func(tx *store.Tx, d *Draft) error {
		d.Eligibility, d.Decision = a, decision
		return nil
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	switch {
	case decision == nil:
		// Keep going through the questions in order, so someone who went
		// back sees each of their answers again.
		http.Redirect(w, r, h.withReturn(questionPath(eligibility.NextAfter(a, q.Name)), ret), http.StatusSeeOther)
	case !decision.Eligible:
		http.Redirect(w, r, "/apply/not-eligible", http.StatusSeeOther)
	case ret:
		http.Redirect(w, r, "/apply/check-answers", http.StatusSeeOther)
	default:
		// Someone going back through their answers sees the next one again;
		// a question the rules did not need is not asked.
		qs := eligibility.Asked(a)
		if i := slices.Index(qs, q.Name); i+1 < len(qs) && a.Value(qs[i+1]) != "" {
			http.Redirect(w, r, questionPath(qs[i+1]), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, resumePoint(d), http.StatusSeeOther)
	}
}

func (h *handlers) withReturn(path string, ret bool) string {
	if ret {
		return path + "?return=check"
	}
	return path
}
