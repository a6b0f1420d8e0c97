package cases

import (
	"context"
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/web"
)

// actionPage is an action with a page of its own: one question, asked on
// its own page, as the NHS.UK patterns advise for anything with a choice
// to make.
type actionPage struct {
	slug, title string
	perm        web.Permission
	// data fills the page's own fields.
	data func(h *handlers, ctx context.Context, c *Case, v Viewer) (any, error)
	// do carries the action out; flash names the message to show after.
	do func(h *handlers, r *http.Request, c *Case, v Viewer) (flash string, err error)
}

var actionPages = []actionPage{
	{
		slug: "assign", title: "Assign this case", perm: web.TriageLead,
		data: func(h *handlers, ctx context.Context, c *Case, v Viewer) (any, error) {
			return h.cases.Advisers(ctx, c.ID)
		},
		do: func(h *handlers, r *http.Request, c *Case, v Viewer) (string, error) {
			return "assigned", h.cases.Assign(r.Context(), v, c.ID, r.PostForm.Get("adviser"))
		},
	},
	{
		slug: "status", title: "Update the status", perm: web.Adviser,
		data: func(h *handlers, ctx context.Context, c *Case, v Viewer) (any, error) {
			var next []Status
			for _, s := range c.Status.Next() {
				switch {
				case s == Merged || s == NotEligible:
				case s == Contacted && c.Status == New:
				case s == Closed && h.cases.CloseVia != "":
				default:
					next = append(next, s)
				}
			}
			list, err := h.cases.outcomes(ctx, h.srv.DB)
			if err != nil {
				return nil, err
			}
			closeVia := ""
			if h.cases.CloseVia != "" && c.Status.CanMove(Closed) {
				closeVia = casePath(c) + "/" + h.cases.CloseVia
			}
			return struct {
				Next     []Status
				Outcomes []string
				Max      int
				CloseVia string
			}{next, list, MaxReason, closeVia}, nil
		},
		do: func(h *handlers, r *http.Request, c *Case, v Viewer) (string, error) {
			f := r.PostForm
			return "status", h.cases.Move(r.Context(), v, c.ID, Status(f.Get("status")), f.Get("outcome"), f.Get("reason"))
		},
	},
	{
		slug: "not-eligible", title: "Close as not eligible", perm: web.Adviser,
		data: func(h *handlers, ctx context.Context, c *Case, v Viewer) (any, error) {
			ids, err := h.signposts(ctx)
			if err != nil {
				return nil, err
			}
			cards, err := directory.Cards(ctx, h.srv.DB, ids)
			if err != nil {
				return nil, err
			}
			return struct {
				Services []directory.Card
				Mail     bool
			}{cards, c.ConsentCaseEmail}, nil
		},
		do: func(h *handlers, r *http.Request, c *Case, v Viewer) (string, error) {
			mailed, err := h.cases.NotEligible(r.Context(), v, c.ID, r.PostForm["services"], h.srv.Config.BaseURL.String())
			if mailed {
				return "mailed", err
			}
			return "not-mailed", err
		},
	},
	{
		slug: "merge", title: "Merge into another case", perm: web.TriageLead,
		do: func(h *handlers, r *http.Request, c *Case, v Viewer) (string, error) {
			into := r.PostForm.Get("into")
			if into == "" {
				return "", problem("into", "Enter the reference of the case to keep, like PSU-7K3F9Q")
			}
			return "merged", h.cases.Merge(r.Context(), v, c.ID, into)
		},
	},
	{
		slug: "pause", title: "Pause the first-response clock", perm: web.Adviser,
		data: func(h *handlers, ctx context.Context, c *Case, v Viewer) (any, error) {
			return struct{ Max int }{MaxReason}, nil
		},
		do: func(h *handlers, r *http.Request, c *Case, v Viewer) (string, error) {
			return "paused", h.cases.PauseClock(r.Context(), v, c.ID, r.PostForm.Get("reason"))
		},
	},
}

type actionView struct {
	Case *Case
	Name string
	Data any
}

func (h *handlers) renderAction(w http.ResponseWriter, r *http.Request, status int, a actionPage, c *Case, v Viewer, f *web.Form) {
	view := actionView{Case: c}
	var err error
	if view.Name, err = h.cases.Name(c); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if a.data != nil {
		if view.Data, err = a.data(h, r.Context(), c, v); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	h.srv.Render(w, r, status, "cases/action_"+a.slug+".html", web.Page{Title: a.title, Form: f, Data: view})
}

func (h *handlers) actionForm(a actionPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, v, ok := h.load(w, r, "case.view", a.slug+" form")
		if !ok {
			return
		}
		h.renderAction(w, r, http.StatusOK, a, c, v, web.NewForm(nil))
	}
}

func (h *handlers) action(a actionPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.srv.ParseForm(w, r) {
			return
		}
		c, ok := h.find(w, r)
		if !ok {
			return
		}
		v := h.viewer(r)
		if !h.mayAct(w, r, c, v) {
			return
		}
		flash, err := a.do(h, r, c, v)
		if err != nil {
			h.failed(w, r, c, err, func(status int, f *web.Form) {
				if c, err = h.cases.Get(r.Context(), h.srv.DB, c.ID); err != nil {
					h.srv.ServerError(w, r, err)
					return
				}
				h.renderAction(w, r, status, a, c, v, f)
			})
			return
		}
		h.setFlash(r, flash)
		http.Redirect(w, r, casePath(c), http.StatusSeeOther)
	}
}

// inline runs an action posted from the case page itself; a problem with
// what was typed shows the case page again with the message.
func (h *handlers) inline(w http.ResponseWriter, r *http.Request, flash string, do func(c *Case, v Viewer) error) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	c, ok := h.find(w, r)
	if !ok {
		return
	}
	v := h.viewer(r)
	if !h.mayAct(w, r, c, v) {
		return
	}
	if err := do(c, v); err != nil {
		h.failed(w, r, c, err, func(status int, f *web.Form) {
			if c, err = h.cases.Get(r.Context(), h.srv.DB, c.ID); err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			h.renderCase(w, r, status, c, v, f)
		})
		return
	}
	h.setFlash(r, flash)
	http.Redirect(w, r, casePath(c), http.StatusSeeOther)
}

// mayAct checks, before anything posted is read, that v may work on c, so
// a refusal never depends on what was typed. A refusal is recorded and
// answered here. The action itself checks again, inside its transaction.
func (h *handlers) mayAct(w http.ResponseWriter, r *http.Request, c *Case, v Viewer) bool {
	refusal, err := h.cases.decide(r.Context(), h.srv.DB, v, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return false
	}
	if refusal == nil {
		return true
	}
	if err := h.cases.Authorize(r.Context(), v, c, "case.act", r.Pattern); err != nil && !errors.As(err, new(*Refusal)) {
		h.srv.ServerError(w, r, err)
		return false
	}
	h.refuse(w, r, c, refusal)
	return false
}

func (h *handlers) addNote(w http.ResponseWriter, r *http.Request) {
	h.inline(w, r, "note", func(c *Case, v Viewer) error { return h.cases.AddNote(r.Context(), v, c.ID, r.PostForm.Get("note")) })
}

func (h *handlers) contacted(w http.ResponseWriter, r *http.Request) {
	h.inline(w, r, "contacted", func(c *Case, v Viewer) error {
		return h.cases.MarkContacted(r.Context(), v, c.ID, r.PostForm.Get("how"))
	})
}

func (h *handlers) resume(w http.ResponseWriter, r *http.Request) {
	h.inline(w, r, "resumed", func(c *Case, v Viewer) error { return h.cases.ResumeClock(r.Context(), v, c.ID) })
}

func (h *handlers) restrict(w http.ResponseWriter, r *http.Request) {
	on := r.FormValue("restricted") == "on"
	flash := "unrestricted"
	if on {
		flash = "restricted"
	}
	h.inline(w, r, flash, func(c *Case, v Viewer) error { return h.cases.Restrict(r.Context(), v, c.ID, on) })
}

// conflictForm explains what declaring a conflict means. It shows only the
// reference, so whoever sees the case in their queue may reach it, even
// when they may not open the case.
func (h *handlers) conflictForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.find(w, r)
	if !ok {
		return
	}
	if v := h.viewer(r); !v.Lead && c.AssignedTo != v.UserID {
		h.refuse(w, r, c, ErrNotYours)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "cases/conflict.html", web.Page{Title: "Declare a conflict of interest", Form: web.NewForm(nil), Data: c})
}

func (h *handlers) conflict(w http.ResponseWriter, r *http.Request) {
	c, ok := h.find(w, r)
	if !ok {
		return
	}
	if err := h.cases.DeclareConflict(r.Context(), h.viewer(r), c.ID); err != nil {
		h.failed(w, r, c, err, nil)
		return
	}
	h.setFlash(r, "conflict")
	http.Redirect(w, r, "/cases", http.StatusSeeOther)
}

// breakGlassForm asks for the reason to open a restricted case, of someone
// who could open it but for the restriction. It shows only the reference.
func (h *handlers) breakGlassForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.mayBreakGlass(w, r)
	if !ok {
		return
	}
	h.renderBreakGlass(w, r, http.StatusOK, c, web.NewForm(nil))
}

// mayBreakGlass loads the case in the address for the break-glass pages:
// anyone who could not open it even unrestricted is refused (and that is
// recorded); an unrestricted case needs no reason, so it is simply opened.
func (h *handlers) mayBreakGlass(w http.ResponseWriter, r *http.Request) (*Case, bool) {
	c, ok := h.find(w, r)
	if !ok {
		return nil, false
	}
	v := h.viewer(r)
	open := *c
	open.Restricted = false
	refusal, err := h.cases.decide(r.Context(), h.srv.DB, v, &open)
	switch {
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, false
	case refusal != nil:
		if err := h.cases.Authorize(r.Context(), v, c, "case.break_glass", ""); err != nil && !errors.As(err, new(*Refusal)) {
			h.srv.ServerError(w, r, err)
			return nil, false
		}
		h.refuse(w, r, c, refusal)
		return nil, false
	case !c.Restricted:
		http.Redirect(w, r, casePath(c), http.StatusSeeOther)
		return nil, false
	}
	return c, true
}

func (h *handlers) renderBreakGlass(w http.ResponseWriter, r *http.Request, status int, c *Case, f *web.Form) {
	h.srv.Render(w, r, status, "cases/break_glass.html", web.Page{Title: "Open a restricted case", Form: f,
		Data: struct {
			Case    *Case
			Max     int
			Minutes int
		}{c, MaxReason, int(BreakGlassFor.Minutes())}})
}

func (h *handlers) breakGlass(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	c, ok := h.mayBreakGlass(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	reason, err := checkText("reason", "why you need to open this case", f.Get("reason"), MaxReason, true)
	if err != nil {
		f.Fail("reason", err.Error())
		h.renderBreakGlass(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	if err := h.cases.BreakGlass(r.Context(), h.viewer(r), c, reason); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, casePath(c), http.StatusSeeOther)
}
