package staff

import (
	"net/http"

	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/web"
)

// memberPage is what member.html shows.
type memberPage struct {
	Member
	Flash       string
	RoleOptions []RoleOption
}

// member is one account: its details and what an administrator may do.
func (h *handlers) member(w http.ResponseWriter, r *http.Request) {
	u, ok := h.memberOr404(w, r)
	if !ok {
		return
	}
	h.renderMember(w, r, http.StatusOK, u, nil, h.srv.Sessions.PopString(r.Context(), keyFlash))
}

// renderMember draws u's page with status. f is the roles form as posted,
// with its errors; nil ticks the roles u holds.
func (h *handlers) renderMember(w http.ResponseWriter, r *http.Request, status int, u auth.User, f *web.Form, flash string) {
	ctx := r.Context()
	m, err := describe(ctx, h.srv.DB, u, web.PrincipalFrom(r).UserID, h.now())
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if m.RecoveryLeft, err = auth.RecoveryCodesLeft(ctx, h.srv.DB, u.ID); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(roleValues(u.Roles))
	}
	h.srv.Render(w, r, status, "staff/member.html", web.Page{Title: u.Name + " – Staff accounts", Form: f,
		Data: memberPage{Member: m, Flash: flash, RoleOptions: roleOptions(f)}})
}
