package application

import (
	"net/http"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

// notEligible explains, with the reasons of the rules that decided, why
// the Individual Support Team is not the right service, and where to turn.
func (h *handlers) notEligible(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	if d.Decision == nil || d.Decision.Eligible {
		http.Redirect(w, r, resumePoint(d), http.StatusSeeOther)
		return
	}
	rs, err := h.rules.Version(r.Context(), d.Decision.RuleVersion)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	dec := rs.Decide(d.Eligibility)
	phone, err := settings.UnitPhone(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "application/not_eligible.html", web.Page{
		Title: "This service is not the right one for you",
		Data: struct {
			Reasons   []string
			Signposts []eligibility.Signpost
			Back      string
			Phone     string
		}{dec.Reasons, dec.Signposts, questionPath(lastAnswered(d.Eligibility)), phone},
	})
}
