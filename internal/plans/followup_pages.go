package plans

import (
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/web"
)

type reviewView struct {
	Review Day
	Book   string // the appointments room's booking page, if this build has it
}

// bookLink is the address to book a follow-up meeting on c, or "" while
// the appointments room does not serve one.
func (h *handlers) bookLink(c *cases.Case) string {
	if !h.srv.Router.Has(BookPath) {
		return ""
	}
	return strings.Replace(BookPath, "{ref}", c.Reference, 1)
}

func (h *handlers) reviewForm(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "review form")
	if !ok {
		return
	}
	h.renderReview(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderReview(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	p, err := h.st.Plan(r.Context(), h.srv.DB, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.render(w, r, status, "review.html", "Follow-up", c, f, reviewView{Review: p.ReviewDue, Book: h.bookLink(c)})
}

// reviewSave sets the review date, or clears it.
func (h *handlers) reviewSave(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	var due Day
	code := "plans-review-cleared"
	err := error(nil)
	if f.Get("clear") != "yes" {
		due, err = readDay("review", "the review date", f.Get("review-day"), f.Get("review-month"), f.Get("review-year"))
		code = "plans-review-set"
	}
	if err == nil {
		err = h.st.SetReview(r.Context(), v, c.ID, due)
	}
	if err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.renderReview(w, r, status, c, f) })
		return
	}
	h.gate.Done(w, r, c, code)
}

type closeView struct {
	Outcomes []string
	Max      int
	Weeks    int
}

func (h *handlers) closeForm(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "close form")
	if !ok {
		return
	}
	h.renderClose(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderClose(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	list, err := Outcomes(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	weeks, err := FeedbackWeeks(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.render(w, r, status, "close.html", "Close this case", c, f, closeView{Outcomes: list, Max: MaxReason, Weeks: weeks})
}

// closeSave closes the case with an outcome from the unit's list.
func (h *handlers) closeSave(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	out, err := h.st.Close(r.Context(), v, c.ID, r.PostForm.Get("outcome"), r.PostForm.Get("reason"))
	if err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.renderClose(w, r, status, c, f) })
		return
	}
	if !out.FeedbackDue.IsZero() {
		h.gate.Done(w, r, c, "plans-closed-feedback")
		return
	}
	h.gate.Done(w, r, c, "plans-closed")
}
