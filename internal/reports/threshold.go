package reports

import (
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// MaxThreshold is the highest threshold offered: beyond it most tables of
// a unit this size would say nothing.
const MaxThreshold = 50

type thresholdPage struct {
	Current, Min, Max int
}

func (h *handlers) thresholdForm(w http.ResponseWriter, r *http.Request) {
	th, err := Threshold(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.renderThreshold(w, r, http.StatusOK, web.NewForm(map[string][]string{"threshold": {strconv.Itoa(th)}}), th)
}

func (h *handlers) renderThreshold(w http.ResponseWriter, r *http.Request, status int, f *web.Form, th int) {
	h.srv.Render(w, r, status, "reports/threshold.html", web.Page{Title: "Smallest number reports show", Form: f,
		Data: thresholdPage{Current: th, Min: MinThreshold, Max: MaxThreshold}})
}

func (h *handlers) saveThreshold(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	f.Require("threshold", "Enter the smallest number reports show")
	n, err := strconv.Atoi(f.Get("threshold"))
	if f.Valid() && (err != nil || n < MinThreshold || n > MaxThreshold) {
		f.Fail("threshold", "Enter a whole number from "+strconv.Itoa(MinThreshold)+" to "+strconv.Itoa(MaxThreshold))
	}
	if !f.Valid() {
		th, err := Threshold(ctx, h.srv.DB)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		h.renderThreshold(w, r, http.StatusUnprocessableEntity, f, th)
		return
	}
	err = h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := settings.Set(ctx, tx, KeyThreshold, strconv.Itoa(n), who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.reports_threshold",
			TargetType: "settings", TargetID: "reports", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: "fewer than " + strconv.Itoa(n) + " is not shown"})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
}
