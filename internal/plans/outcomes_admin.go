package plans

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

type outcomesView struct {
	Flash              string
	Offered, Removed   []Outcome
	MaxOutcome         int
	MinWeeks, MaxWeeks int
}

// outcomesPage is the administrator's page for how cases close: the list
// of outcomes, the feedback delay and the unit's name on summaries.
func (h *handlers) outcomesPage(w http.ResponseWriter, r *http.Request) {
	h.renderOutcomes(w, r, http.StatusOK, nil)
}

func (h *handlers) renderOutcomes(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	all, err := AllOutcomes(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := outcomesView{Flash: h.popFlash(r), MaxOutcome: MaxOutcome, MinWeeks: MinFeedbackWeeks, MaxWeeks: MaxFeedbackWeeks}
	for _, o := range all {
		if o.Removed {
			v.Removed = append(v.Removed, o)
		} else {
			v.Offered = append(v.Offered, o)
		}
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	if _, set := f.Values["weeks"]; !set {
		weeks, err := FeedbackWeeks(ctx, h.srv.DB)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		unit, err := UnitName(ctx, h.srv.DB)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		f.Values.Set("weeks", strconv.Itoa(weeks))
		f.Values.Set("unit", unit)
	}
	h.srv.Render(w, r, status, "plans/outcomes.html", web.Page{Title: "Closing cases", Form: f, Data: v})
}

// adminEvent is the audit entry for an administrator's change here.
func (h *handlers) adminEvent(r *http.Request, action, target, detail string) audit.Event {
	p := web.PrincipalFrom(r)
	return audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: action, TargetType: "settings", TargetID: target,
		Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(), Detail: detail}
}

// adminChange runs change in a transaction with its audit entry; a problem
// with what was typed shows the page again.
func (h *handlers) adminChange(w http.ResponseWriter, r *http.Request, flash string, change func(tx *store.Tx) (audit.Event, error)) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	err := h.srv.DB.Tx(r.Context(), func(tx *store.Tx) error {
		e, err := change(tx)
		if err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, e)
	})
	var pe *cases.ProblemError
	switch {
	case errors.As(err, &pe):
		f := web.NewForm(r.PostForm)
		f.Fail(pe.Field, pe.Message)
		h.renderOutcomes(w, r, http.StatusUnprocessableEntity, f)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		h.back(w, r, flash, "/admin/outcomes")
	}
}

func (h *handlers) outcomeAdd(w http.ResponseWriter, r *http.Request) {
	h.adminChange(w, r, "outcome-added", func(tx *store.Tx) (audit.Event, error) {
		return h.adminEvent(r, "settings.outcome_added", "outcomes", ""), AddOutcome(r.Context(), tx, r.PostForm.Get("label"))
	})
}

func (h *handlers) outcomeRemove(w http.ResponseWriter, r *http.Request) {
	h.adminChange(w, r, "outcome-removed", func(tx *store.Tx) (audit.Event, error) {
		_, err := RemoveOutcome(r.Context(), tx, r.PathValue("id"))
		return h.adminEvent(r, "settings.outcome_removed", "outcomes", r.PathValue("id")), err
	})
}

// settingsSave saves the feedback delay and the unit's name.
func (h *handlers) settingsSave(w http.ResponseWriter, r *http.Request) {
	h.adminChange(w, r, "settings-saved", func(tx *store.Tx) (audit.Event, error) {
		ctx, who := r.Context(), web.PrincipalFrom(r)
		f := web.NewForm(r.PostForm)
		weeks, err := strconv.Atoi(f.Get("weeks"))
		if err != nil || !digits(f.Get("weeks")) || weeks < MinFeedbackWeeks || weeks > MaxFeedbackWeeks {
			return audit.Event{}, cases.Problem("weeks", "Enter a whole number of weeks from "+strconv.Itoa(MinFeedbackWeeks)+" to "+strconv.Itoa(MaxFeedbackWeeks))
		}
		unit, err := checkText("unit", "the unit's name", f.Get("unit"), 100, true)
		if err != nil {
			return audit.Event{}, err
		}
		if err := settings.Set(ctx, tx, KeyFeedbackWeeks, strconv.Itoa(weeks), who.UserID); err != nil {
			return audit.Event{}, err
		}
		if err := settings.Set(ctx, tx, KeyUnitName, unit, who.UserID); err != nil {
			return audit.Event{}, err
		}
		return h.adminEvent(r, "settings.closing", "closing", "feedback after "+strconv.Itoa(weeks)+" weeks"), nil
	})
}
