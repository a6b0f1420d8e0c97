package staff

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// An invitation is accepted in steps, none of which leaves a usable link
// behind: the page at the e-mailed link only asks the person to continue;
// continuing (a POST, which mail scanners that follow links do not send)
// spends the link and remembers the person in this browser's session;
// they then choose a password and set up their authenticator app, through
// the same pages as signing in, and are signed in.

// keyInvitee is the session's record of whose invitation was accepted in
// it, until they have chosen a password.
const keyInvitee = "staff.invitee"

var errLinkDead = errors.New("staff: invitation link used, expired or withdrawn")

// invitationProblem says that a link no longer works, and what to do.
func (h *handlers) invitationProblem(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusNotFound, "staff/invitation_problem.html", web.Page{Title: "This invitation link does not work"})
}

// invitee returns the invited account a link or session names, if it is
// still waiting to be accepted.
func invitee(r *http.Request, q store.Querier, id string) (auth.User, bool, error) {
	if id == "" {
		return auth.User{}, false, nil
	}
	u, err := auth.UserByID(r.Context(), q, id)
	if errors.Is(err, store.ErrNotFound) {
		return u, false, nil
	}
	return u, err == nil && u.Invited() && !u.Disabled, err
}

// invitationPage is where the e-mailed link leads: it checks the link
// without spending it.
func (h *handlers) invitationPage(w http.ResponseWriter, r *http.Request) {
	id, err := auth.TokenUser(r.Context(), h.srv.DB, auth.PurposeInvite, r.PathValue("token"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.srv.ServerError(w, r, err)
		return
	}
	u, ok, err := invitee(r, h.srv.DB, id)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		h.invitationProblem(w, r)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "staff/accept.html", web.Page{Title: "Set up your staff account", Data: struct {
		Name, Action string
	}{u.Name, "/invitation/" + url.PathEscape(r.PathValue("token"))}})
}

// acceptInvitation spends the link and carries on in this browser only.
func (h *handlers) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var u auth.User
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		id, err := auth.UseUserToken(ctx, tx, auth.PurposeInvite, r.PathValue("token"))
		if errors.Is(err, store.ErrNotFound) {
			return errLinkDead
		}
		if err != nil {
			return err
		}
		var ok bool
		if u, ok, err = invitee(r, tx, id); err == nil && !ok {
			return errLinkDead
		}
		return err
	})
	switch {
	case errors.Is(err, errLinkDead):
		h.invitationProblem(w, r)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyInvitee, u.ID)
	http.Redirect(w, r, "/invitation/password", http.StatusSeeOther)
}

const passwordTitle = "Choose a password"

// passwordPage is what accept_password.html shows.
type passwordPage struct{ Name, Email string }

func (h *handlers) passwordForm(w http.ResponseWriter, r *http.Request) {
	u, ok, err := invitee(r, h.srv.DB, h.srv.Sessions.GetString(r.Context(), keyInvitee))
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		h.invitationProblem(w, r)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "staff/accept_password.html", web.Page{Title: passwordTitle, Form: web.NewForm(nil),
		Data: passwordPage{u.Name, u.Email}})
}

// setPassword takes the password the invited person chose, under the same
// policy as every password (auth.CheckPassword), and goes on to setting up
// their authenticator app.
func (h *handlers) setPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok, err := invitee(r, h.srv.DB, h.srv.Sessions.GetString(ctx, keyInvitee))
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		h.invitationProblem(w, r)
		return
	}
	if !h.srv.ParseForm(w, r) {
		return
	}
	password := r.PostForm.Get("password")
	f := web.NewForm(nil) // neither password is ever sent back
	if err := auth.CheckPassword(password, u.Name, u.Email, h.srv.Config.BaseURL.Hostname()); err != nil {
		f.Fail("password", err.Error())
	} else if password != r.PostForm.Get("confirm") {
		f.Fail("confirm", "The two passwords do not match. Type the same password twice")
	}
	if !f.Valid() {
		h.srv.Render(w, r, http.StatusUnprocessableEntity, "staff/accept_password.html", web.Page{Title: passwordTitle, Form: f,
			Data: passwordPage{u.Name, u.Email}})
		return
	}
	err = h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		set, err := auth.SetPassword(ctx, tx, h.argon, u.ID, password)
		if err != nil {
			return err
		}
		if !set {
			return errLinkDead
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: u.Roles.String(), Action: "staff.invitation_accepted",
			TargetType: "user", TargetID: u.ID, Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String()})
	})
	switch {
	case errors.Is(err, errLinkDead):
		h.invitationProblem(w, r)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Remove(ctx, keyInvitee)
	next, err := h.auth.BeginEnrolment(ctx, u)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
