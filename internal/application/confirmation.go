package application

import (
	"net/http"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

// confirmation shows the reference of the application this browser sent
// and what happens next.
func (h *handlers) confirmation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keySubmitted)
	if id == "" {
		http.Redirect(w, r, "/apply", http.StatusSeeOther)
		return
	}
	a, err := h.store.Get(ctx, id)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	phone, err := settings.UnitPhone(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "application/confirmation.html", web.Page{Title: "Application sent", Data: struct {
		Reference string
		Due       string
		Email     string
		Phone     string
	}{a.Reference, a.FirstResponseDue.In(london).Format("Monday 2 January 2006"), a.Email, phone}})
}
