package cases

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const keyFlash = "cases.flash"

// Flash messages wait in the session as codes, never as text: a message
// naming a trainee would sit unsealed in the sessions table.
var flashes = map[string]string{
	"assigned":         "The case has been assigned.",
	"contacted":        "First contact recorded. The first-response clock has stopped.",
	"note":             "Note added.",
	"status":           "Status updated.",
	"not-eligible":     "The case is closed as not eligible.",
	"mailed":           "The case is closed as not eligible, and the trainee has been e-mailed where to turn.",
	"not-mailed":       "The case is closed as not eligible. The trainee did not agree to e-mail about their case, so tell them another way.",
	"merged":           "The duplicate has been merged into this case.",
	"paused":           "The first-response clock is paused.",
	"resumed":          "The first-response clock is running again.",
	"restricted":       "The case is now restricted.",
	"unrestricted":     "The case is no longer restricted.",
	"conflict":         "Your conflict of interest is recorded. You will not be able to open this case.",
	"alerts-on":        "You will be e-mailed, at most once an hour, when something new arrives.",
	"alerts-off":       "You will no longer be e-mailed when something new arrives.",
	"erasure-approved": "The record has been erased. The trainee has been told by e-mail if they agreed to e-mail about their case.",
	"erasure-declined": "The request has been declined. The trainee can read your reason on their page.",
}

func (h *handlers) setFlash(r *http.Request, code string) {
	h.srv.Sessions.Put(r.Context(), keyFlash, code)
}

func (h *handlers) popFlash(r *http.Request) string {
	return h.messages[h.srv.Sessions.PopString(r.Context(), keyFlash)]
}

func casePath(c *Case) string { return "/cases/" + url.PathEscape(c.Reference) }

// find reads the case named in the address, answering 404 itself.
func (h *handlers) find(w http.ResponseWriter, r *http.Request) (*Case, bool) {
	c, err := h.cases.ByReference(r.Context(), h.srv.DB, r.PathValue("ref"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, false
	}
	return c, true
}

// load reads the case in the address and asks Authorize whether this person
// may see it (which records that they did, as action, in the audit trail).
// It answers itself when they may not: a restricted case asks for a
// reason; anything else is refused with why.
func (h *handlers) load(w http.ResponseWriter, r *http.Request, action, detail string) (*Case, Viewer, bool) {
	v := h.viewer(r)
	c, ok := h.find(w, r)
	if !ok {
		return nil, v, false
	}
	err := h.cases.Authorize(r.Context(), v, c, action, detail)
	var refusal *Refusal
	switch {
	case err == nil:
		return c, v, true
	case errors.Is(err, ErrNeedsReason) && r.Method == http.MethodGet:
		http.Redirect(w, r, casePath(c)+"/open", http.StatusSeeOther)
	case errors.As(err, &refusal):
		h.refuse(w, r, c, refusal)
	default:
		h.srv.ServerError(w, r, err)
	}
	return nil, v, false
}

// refuse shows why this person cannot open case c, and nothing of it but
// its reference.
func (h *handlers) refuse(w http.ResponseWriter, r *http.Request, c *Case, refusal *Refusal) {
	h.srv.Render(w, r, http.StatusForbidden, "cases/refused.html", web.Page{Title: "You cannot open this case",
		Data: struct {
			Reference, Message string
			Conflict           bool
		}{c.Reference, refusal.Message, refusal == ErrConflicted}})
}

// failed answers an action that did not go through: a problem with what
// was typed re-renders the form (422), a refusal says why (403), a move the
// state machine forbids says so (409); anything else is a server error.
func (h *handlers) failed(w http.ResponseWriter, r *http.Request, c *Case, err error, rerender func(status int, f *web.Form)) {
	var pe *ProblemError
	var te *TransitionError
	var refusal *Refusal
	switch {
	case errors.As(err, &pe):
		f := web.NewForm(r.PostForm)
		f.Fail(pe.Field, pe.Message)
		rerender(http.StatusUnprocessableEntity, f)
	case errors.As(err, &te):
		f := web.NewForm(r.PostForm)
		f.Fail("status", te.Error())
		rerender(http.StatusConflict, f)
	case errors.As(err, &refusal):
		h.refuse(w, r, c, refusal)
	default:
		h.srv.ServerError(w, r, err)
	}
}
