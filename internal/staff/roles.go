package staff

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// roleHints say what each role may do, beside its checkbox.
var roleHints = map[web.Role]string{
	web.RoleAdministrator:   "Manages staff accounts and the unit's settings. Does not see cases.",
	web.RoleTriageLead:      "Sees every case and assigns new ones to advisers.",
	web.RoleAdviser:         "Sees and works on the cases assigned to them.",
	web.RoleDirectoryEditor: "Keeps the support directory's listings up to date.",
}

// RoleOption is one checkbox of the roles field.
type RoleOption struct {
	ID      string
	Value   web.Role
	Label   string
	Hint    string
	Checked bool
}

// roleOptions are the roles field's checkboxes, ticked as f says.
func roleOptions(f *web.Form) []RoleOption {
	out := make([]RoleOption, len(web.Roles))
	for i, r := range web.Roles {
		id := "role"
		if i > 0 {
			id = "role-" + string(r)
		}
		out[i] = RoleOption{ID: id, Value: r, Label: r.Label(), Hint: roleHints[r], Checked: slices.Contains(f.Values["role"], string(r))}
	}
	return out
}

// roleValues is a form ticked with roles.
func roleValues(roles web.RoleSet) url.Values {
	v := url.Values{}
	for _, r := range roles {
		v.Add("role", string(r))
	}
	return v
}

// readRoles checks the roles ticked on f.
func readRoles(f *web.Form) web.RoleSet {
	var rs []web.Role
	for _, v := range f.Values["role"] {
		if !web.ValidRole(v) {
			f.Fail("role", "Select roles from the list")
			return nil
		}
		rs = append(rs, web.Role(v))
	}
	if len(rs) == 0 {
		f.Fail("role", "Select at least one role")
	}
	return web.NewRoleSet(rs...)
}

// setRoles changes the roles someone holds. Nobody may take the
// administrator role from the last active administrator: someone must
// always be able to manage staff.
func (h *handlers) setRoles(w http.ResponseWriter, r *http.Request) {
	u, ok := h.memberOr404(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	roles := readRoles(f)
	if !f.Valid() {
		h.renderMember(w, r, http.StatusUnprocessableEntity, u, f, "")
		return
	}
	changed := false
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lock(r, tx); err != nil {
			return err
		}
		var err error
		if u, err = auth.UserByID(ctx, tx, u.ID); err != nil {
			return err
		}
		if slices.Equal(u.Roles, roles) {
			return nil
		}
		if !roles.Has(web.RoleAdministrator) {
			if err := lastAdministrator(r, tx, u, "role", u.Name+" is the only active administrator, so they must keep that role. "+
				"Give another member of staff the administrator role first."); err != nil {
				return err
			}
		}
		if err := auth.SetRoles(ctx, tx, u.ID, roles); err != nil {
			return err
		}
		changed = true
		return audit.Record(ctx, tx, h.actor(r, "staff.roles_changed", u.ID, "from "+u.Roles.String()+" to "+roles.String()))
	})
	var refused *errRefused
	switch {
	case errors.As(err, &refused):
		f.Fail(refused.field, refused.msg)
		h.renderMember(w, r, http.StatusConflict, u, f, "")
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if u.ID == web.PrincipalFrom(r).UserID && !roles.Has(web.RoleAdministrator) {
		// They gave up administering: the staff pages are no longer theirs.
		http.Redirect(w, r, "/staff", http.StatusSeeOther)
		return
	}
	msg := u.Name + "'s roles were already " + roles.Label() + ". Nothing has changed."
	if changed {
		msg = u.Name + "'s roles are now " + roles.Label() + ". The change applies to their next page, wherever they are signed in."
	}
	h.done(w, r, u.ID, msg)
}
