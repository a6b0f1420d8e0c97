package plans

import (
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/web"
)

type planView struct {
	Plan      *Plan
	Kinds     []Kind
	Statuses  []Status
	Open      bool
	MaxGoal   int
	Q         string
	Searched  bool
	Results   []directory.Card
	MaxAction int
}

// planPage shows the plan to work on, and, when ?q= is given, the
// directory's services matching it to add.
func (h *handlers) planPage(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "plan")
	if !ok {
		return
	}
	h.renderPlan(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderPlan(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	ctx := r.Context()
	p, err := h.st.Plan(ctx, h.srv.DB, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := planView{Plan: p, Kinds: Kinds, Statuses: Statuses, Open: c.Status.Open(), MaxGoal: MaxGoal, Q: r.URL.Query().Get("q")}
	if f == nil {
		f = web.NewForm(nil)
	}
	if v.Q != "" && v.Open {
		v.Searched = true
		v.Results, err = SearchServices(ctx, h.index, h.srv.DB, v.Q)
		var pe *cases.ProblemError
		switch {
		case asProblem(err, &pe):
			f.Fail(pe.Field, pe.Message)
			v.Searched, status = false, http.StatusUnprocessableEntity
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		}
	}
	h.render(w, r, status, "plan.html", p.Kind.Label(), c, f, v)
}

// planAction runs do for a posted change to the plan, then shows the plan
// again (with the problem, if there was one).
func (h *handlers) planAction(w http.ResponseWriter, r *http.Request, flash string, do func(c *cases.Case, v cases.Viewer) error) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	if err := do(c, v); err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.reloadPlan(w, r, status, c, f) })
		return
	}
	h.back(w, r, flash, casePath(c, "/plan"))
}

// reloadPlan shows the plan after a failed change, read afresh.
func (h *handlers) reloadPlan(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	fresh, err := h.st.Cases.Get(r.Context(), h.srv.DB, c.ID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.renderPlan(w, r, status, fresh, f)
}

func (h *handlers) planKind(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "plan-kind", func(c *cases.Case, v cases.Viewer) error {
		return h.st.SetKind(r.Context(), v, c.ID, Kind(r.PostForm.Get("kind")))
	})
}

func (h *handlers) goalAdd(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "goal-added", func(c *cases.Case, v cases.Viewer) error {
		return h.st.AddGoal(r.Context(), v, c.ID, r.PostForm.Get("goal"))
	})
}

func (h *handlers) goalRemove(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "goal-removed", func(c *cases.Case, v cases.Viewer) error {
		return h.st.RemoveGoal(r.Context(), v, c.ID, r.PathValue("goal"))
	})
}

func (h *handlers) actionStatus(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "action-status", func(c *cases.Case, v cases.Viewer) error {
		return h.st.SetActionStatus(r.Context(), v, c.ID, r.PathValue("action"), Status(r.PostForm.Get("status")))
	})
}

func (h *handlers) actionRemove(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "action-removed", func(c *cases.Case, v cases.Viewer) error {
		return h.st.RemoveAction(r.Context(), v, c.ID, r.PathValue("action"))
	})
}

func (h *handlers) serviceAdd(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "service-added", func(c *cases.Case, v cases.Viewer) error {
		return h.st.AddService(r.Context(), v, c.ID, r.PostForm.Get("service"))
	})
}

func (h *handlers) serviceRemove(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "service-removed", func(c *cases.Case, v cases.Viewer) error {
		return h.st.RemoveService(r.Context(), v, c.ID, r.PathValue("entry"))
	})
}

type actionView struct {
	Goal      Goal
	Statuses  []Status
	MaxAction int
}

// actionForm asks for one action towards a goal, on a page of its own.
func (h *handlers) actionForm(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "plan action form")
	if !ok {
		return
	}
	h.renderActionForm(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderActionForm(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	p, err := h.st.Plan(r.Context(), h.srv.DB, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	for _, g := range p.Goals {
		if g.ID == r.PathValue("goal") {
			h.render(w, r, status, "action_add.html", "Add an action", c, f, actionView{Goal: g, Statuses: Statuses, MaxAction: MaxAction})
			return
		}
	}
	h.srv.Error(w, r, http.StatusNotFound)
}

// actionAdd checks every field of the action at once, so the page comes
// back with all that needs changing, then adds it.
func (h *handlers) actionAdd(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	in := ActionInput{What: f.Values.Get("what"), Who: f.Get("who"), Status: Status(f.Get("status"))}
	var err error
	for _, check := range []func() error{
		func() error { _, err := checkText("what", "what will be done", in.What, MaxAction, true); return err },
		func() error { _, err := checkText("who", "who will do it", in.Who, MaxWho, true); return err },
		func() error {
			in.Due, err = readDay("due", "the date it will be done by", f.Get("due-day"), f.Get("due-month"), f.Get("due-year"))
			return err
		},
		func() error {
			if !in.Status.Valid() {
				return cases.Problem("status", "Select where the action stands")
			}
			return nil
		},
	} {
		var pe *cases.ProblemError
		if err := check(); asProblem(err, &pe) {
			f.Fail(pe.Field, pe.Message)
		}
	}
	if !f.Valid() {
		h.renderActionForm(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	if err := h.st.AddAction(r.Context(), v, c.ID, r.PathValue("goal"), in); err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.renderActionForm(w, r, status, c, f) })
		return
	}
	h.back(w, r, "action-added", casePath(c, "/plan"))
}
