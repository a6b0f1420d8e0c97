package portal

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// planView is the trainee's plan as the portal shows it.
type planView struct {
	// Shown is whether the plan is theirs to see yet: once a written
	// summary has been issued, which is how the plan reaches them.
	Shown bool
	Open  bool // the case goes on, so marks and notes may be added
	Kind  string
	Goals []plans.Goal
	// Services are the services suggested, by name and link.
	Services []plans.Signpost
	Flash    string
}

// renderPlan shows c's plan, with f holding the note being written.
func (h *handlers) renderPlan(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	ctx := r.Context()
	v := planView{Open: c.Status.Open(), Flash: h.flash(r)}
	versions, err := h.store.Plans.Versions(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if v.Shown = len(versions) > 0; v.Shown {
		p, err := h.store.Plans.Plan(ctx, h.srv.DB, c)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		label := p.Kind.Label()
		v.Kind, v.Goals, v.Services = strings.ToLower(label[:1])+label[1:], p.Goals, p.Services
	}
	h.srv.Render(w, r, status, "portal/plan.html", web.Page{Title: "Your plan", Form: f, Data: v})
}

// plan is the trainee's plan: each goal with its actions, where each
// stands, a button to mark an action done, and a note for the adviser.
func (h *handlers) plan(w http.ResponseWriter, r *http.Request) {
	if _, c, ok := h.trainee(w, r); ok {
		h.renderPlan(w, r, http.StatusOK, c, web.NewForm(nil))
	}
}

// planChange runs change on the trainee's own case, once its plan has
// reached them and while the case goes on, audited as action; problems
// with what was typed come back on the plan page under field.
func (h *handlers) planChange(w http.ResponseWriter, r *http.Request, f *web.Form, field, action, flash string,
	change func(tx *store.Tx, c *cases.Case) error) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	versions, err := h.store.Plans.Versions(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if len(versions) == 0 {
		f.Fail(field, "Your plan is not ready yet. It reaches you with your written summary.")
	}
	if f.Valid() {
		err = h.store.Cases.TraineeAct(ctx, c.ID, action, func(tx *store.Tx, c *cases.Case) (string, string, error) {
			return "", "", change(tx, c)
		})
		var p *cases.ProblemError
		switch {
		case errors.Is(err, cases.ErrCaseEnded):
			f.Fail(field, "Your support from the unit has ended, so your plan can no longer change here. Contact the unit if you need to.")
		case errors.Is(err, store.ErrNotFound):
			f.Fail(field, "That action is no longer on your plan. The page now shows your plan as it is.")
		case errors.As(err, &p):
			f.Fail(field, p.Error())
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderPlan(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	h.setFlash(r, flash)
	http.Redirect(w, r, "/portal/plan", http.StatusSeeOther)
}

// markAction marks an action of the trainee's plan done, or not done yet.
func (h *handlers) markAction(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	done := r.PostForm.Get("done") == "yes"
	f := web.NewForm(nil)
	flash := "Thank you. We have marked that action done, and your adviser can see it."
	if !done {
		flash = "We have marked that action as not done yet."
	}
	h.planChange(w, r, f, "action-"+id, "portal.plan_action_marked", flash, func(tx *store.Tx, c *cases.Case) error {
		return h.store.Plans.MarkByTrainee(r.Context(), tx, c, id, done)
	})
}

// planNote gives the adviser a short note about the plan.
func (h *handlers) planNote(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(url.Values{"note": r.PostForm["note"]})
	note := f.Get("note")
	switch n := utf8.RuneCountInString(note); {
	case note == "":
		f.Fail("note", "Write your note for your adviser")
	case n > plans.MaxTraineeNote:
		f.Fail("note", "Your note must be 1,000 characters or fewer. It has "+strconv.Itoa(n)+": shorten it by "+strconv.Itoa(n-plans.MaxTraineeNote)+".")
	}
	h.planChange(w, r, f, "note", "portal.plan_note", "Your note has gone to your adviser.", func(tx *store.Tx, c *cases.Case) error {
		return h.store.Plans.NoteFromTrainee(r.Context(), tx, c, note)
	})
}
