// Package staff is the administrators' management of staff accounts, at
// /admin/staff: the list of staff, invitations by e-mail, roles, disabling
// and re-enabling an account, and resetting someone's two-step sign-in. It
// also serves the invitation link an invited person follows to choose a
// password and set up their authenticator app. Accounts themselves, and
// signing in, belong to internal/auth.
package staff

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html templates/*.tmpl
var templates embed.FS

// InviteFor is how long an invitation link works.
const InviteFor = 72 * time.Hour

// staffLock is the PostgreSQL advisory lock that serialises changes to who
// is an active administrator (roles, disabling), so two administrators
// removing each other at once cannot leave nobody (SQLite has one writer).
const staffLock = `SELECT pg_advisory_xact_lock(7270712)`

const keyFlash = "staff.flash"

// handlers holds the staff pages' dependencies.
type handlers struct {
	srv    *web.Server
	auth   *auth.Service
	outbox *mail.Outbox
	argon  auth.Argon2
	now    func() time.Time
}

// Register adds the staff administration pages and the invitation link's
// pages to srv.
func Register(srv *web.Server, authSvc *auth.Service, outbox *mail.Outbox, argon auth.Argon2) error {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("staff", sub); err != nil {
		return err
	}
	h := &handlers{srv: srv, auth: authSvc, outbox: outbox, argon: argon, now: store.Now}
	r := srv.Router
	r.Handle("GET /admin/staff", web.Administrator, h.list)
	r.Handle("GET /admin/staff/invite", web.Administrator, h.inviteForm)
	r.Handle("POST /admin/staff/invite", web.Administrator, h.invite)
	r.Handle("GET /admin/staff/{id}", web.Administrator, h.member)
	r.Handle("POST /admin/staff/{id}/roles", web.Administrator, h.setRoles)
	r.Handle("POST /admin/staff/{id}/disable", web.Administrator, h.disable)
	r.Handle("POST /admin/staff/{id}/enable", web.Administrator, h.enable)
	r.Handle("POST /admin/staff/{id}/reset-2fa", web.Administrator, h.reset2FA)
	r.Handle("POST /admin/staff/{id}/invite", web.Administrator, h.reinvite)
	r.Handle("GET /invitation/{token}", web.Public, h.invitationPage)
	r.Handle("POST /invitation/{token}", web.Public, h.acceptInvitation)
	r.Handle("GET /invitation/password", web.Public, h.passwordForm)
	r.Handle("POST /invitation/password", web.Public, h.setPassword)
	return nil
}

// actor is the administrator making r, as the audit trail records them.
func (h *handlers) actor(r *http.Request, action, targetID, detail string) audit.Event {
	p := web.PrincipalFrom(r)
	return audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: action, TargetType: "user", TargetID: targetID,
		Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(), Detail: detail}
}

// lock takes staffLock on PostgreSQL.
func lock(r *http.Request, tx *store.Tx) error {
	if tx.Engine() != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(r.Context(), staffLock)
	return err
}

// errRefused carries a reason an administrator's change was refused, for
// the page to show.
type errRefused struct{ field, msg string }

func (e *errRefused) Error() string { return e.msg }

// lastAdministrator refuses a change that would leave no active
// administrator: u, an active administrator, is about to stop being one.
func lastAdministrator(r *http.Request, tx *store.Tx, u auth.User, field, msg string) error {
	if !u.Roles.Has(web.RoleAdministrator) || u.Disabled || u.Invited() {
		return nil
	}
	n, err := auth.CountActiveAdministrators(r.Context(), tx, u.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return &errRefused{field, msg}
	}
	return nil
}

// memberOr404 loads the account named in the path, answering 404 itself
// when there is none.
func (h *handlers) memberOr404(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return auth.User{}, false
	}
	u, err := auth.UserByID(r.Context(), h.srv.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		h.srv.Error(w, r, http.StatusNotFound)
		return u, false
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return u, false
	}
	return u, true
}

// done tells the administrator what happened, on the member's page.
func (h *handlers) done(w http.ResponseWriter, r *http.Request, id, msg string) {
	h.srv.Sessions.Put(r.Context(), keyFlash, msg)
	http.Redirect(w, r, "/admin/staff/"+id, http.StatusSeeOther)
}
