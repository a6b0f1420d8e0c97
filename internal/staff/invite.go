package staff

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// maxName is the longest name an account may have, in characters.
const maxName = 200

const inviteTitle = "Invite a member of staff"

func (h *handlers) inviteForm(w http.ResponseWriter, r *http.Request) {
	h.renderInvite(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderInvite(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	h.srv.Render(w, r, status, "staff/invite.html", web.Page{Title: inviteTitle, Form: f, Data: roleOptions(f)})
}

// invite makes an account for a new member of staff, with the roles
// chosen and no password, and e-mails them a link to accept it.
func (h *handlers) invite(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	name, email := f.Get("name"), auth.NormaliseEmail(f.Get("email"))
	switch {
	case name == "":
		f.Fail("name", "Enter their full name")
	case utf8.RuneCountInString(name) > maxName:
		f.Fail("name", "Name must be 200 characters or fewer")
	}
	switch {
	case email == "":
		f.Fail("email", "Enter their work e-mail address")
	case !mail.ValidAddress(email):
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.nhs.uk")
	}
	roles := readRoles(f)
	if !f.Valid() {
		h.renderInvite(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	var u auth.User
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = auth.CreateInvited(ctx, tx, email, name, roles); err != nil {
			return err
		}
		if err := h.sendInvitation(ctx, tx, r, u); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.actor(r, "staff.invited", u.ID, roles.String()))
	})
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		f.Fail("email", "A member of staff already has an account with this e-mail address. Find them in the list of staff accounts, or enter a different address")
		h.renderInvite(w, r, http.StatusUnprocessableEntity, f)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	h.done(w, r, u.ID, "We have sent "+u.Name+" an invitation. The link in it works once, for 72 hours.")
}

// reinvite sends someone who has not accepted their invitation a new link;
// the old one stops working.
func (h *handlers) reinvite(w http.ResponseWriter, r *http.Request) {
	h.change(w, r, func(ctx context.Context, tx *store.Tx, u auth.User) (string, error) {
		switch {
		case !u.Invited():
			return u.Name + " has already accepted their invitation. They sign in as usual.", nil
		case u.Disabled:
			return "", &errRefused{"invite", u.Name + "'s account is disabled. Enable it before sending a new invitation."}
		}
		if err := h.sendInvitation(ctx, tx, r, u); err != nil {
			return "", err
		}
		if err := audit.Record(ctx, tx, h.actor(r, "staff.reinvited", u.ID, "")); err != nil {
			return "", err
		}
		return "We have sent " + u.Name + " a new invitation. The link in it works once, for 72 hours; the link sent before no longer works.", nil
	})
}

// sendInvitation makes u a new invitation link (ending any earlier one)
// and queues the e-mail that carries it.
func (h *handlers) sendInvitation(ctx context.Context, tx *store.Tx, r *http.Request, u auth.User) error {
	tok, err := auth.NewUserToken(ctx, tx, auth.PurposeInvite, u.ID, InviteFor)
	if err != nil {
		return err
	}
	base := strings.TrimRight(h.srv.Config.BaseURL.String(), "/")
	until := store.Now().Add(InviteFor).In(workdays.London).Format("3:04pm on Monday 2 January 2006")
	by := web.PrincipalFrom(r).Name
	unit, err := settings.UnitName(ctx, tx)
	if err != nil {
		return err
	}
	_, err = h.outbox.Enqueue(ctx, tx, mail.Message{
		Kind:    "staff.invitation",
		To:      u.Email,
		Subject: "Set up your staff account",
		Text: "Hello " + u.Name + ",\n\n" +
			by + " has invited you to the staff service of the " + unit + " at " + base +
			", as " + strings.ToLower(u.Roles.Label()) + ".\n\n" +
			"Open this link to choose a password and set up two-step sign-in with an authenticator app on your phone:\n\n" +
			base + "/invitation/" + tok + "\n\n" +
			"The link works once, until " + until + " (UK time). If it has expired, ask " + by + " or another administrator to send you a new one.\n\n" +
			"If you were not expecting this e-mail, you can ignore it.\n",
	})
	return err
}
