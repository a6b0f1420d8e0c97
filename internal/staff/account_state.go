package staff

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// change runs fn on the account named in the path, reloaded inside a
// transaction that holds staffLock, and then tells the administrator msg
// (or, if fn refused, shows why on the account's page).
func (h *handlers) change(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, tx *store.Tx, u auth.User) (msg string, err error)) {
	u, ok := h.memberOr404(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	var msg string
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lock(r, tx); err != nil {
			return err
		}
		var err error
		if u, err = auth.UserByID(ctx, tx, u.ID); err != nil {
			return err
		}
		msg, err = fn(ctx, tx, u)
		return err
	})
	var refused *errRefused
	switch {
	case errors.As(err, &refused):
		f := web.NewForm(roleValues(u.Roles))
		f.Fail(refused.field, refused.msg)
		h.renderMember(w, r, http.StatusConflict, u, f, "")
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		h.done(w, r, u.ID, msg)
	}
}

// disable stops someone signing in, and signs them out everywhere at once.
// An administrator cannot disable themselves, nor the last active
// administrator.
func (h *handlers) disable(w http.ResponseWriter, r *http.Request) {
	self := web.PrincipalFrom(r).UserID
	h.change(w, r, func(ctx context.Context, tx *store.Tx, u auth.User) (string, error) {
		switch {
		case u.ID == self:
			return "", &errRefused{"disable", "You cannot disable your own account. Ask another administrator to do it."}
		case u.Disabled:
			return u.Name + "'s account was already disabled. Nothing has changed.", nil
		}
		if err := lastAdministrator(r, tx, u, "disable", u.Name+" is the only active administrator, so their account cannot be disabled. "+
			"Give another member of staff the administrator role first."); err != nil {
			return "", err
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?`, now, now, u.ID); err != nil {
			return "", err
		}
		if err := auth.RevokeUserTokens(ctx, tx, auth.PurposeInvite, u.ID); err != nil {
			return "", err
		}
		if err := h.auth.SignOutEverywhere(ctx, tx, u.ID); err != nil {
			return "", err
		}
		if err := audit.Record(ctx, tx, h.actor(r, "staff.disabled", u.ID, "")); err != nil {
			return "", err
		}
		return u.Name + "'s account is disabled. They have been signed out everywhere and cannot sign in until it is enabled again.", nil
	})
}

// enable lets a disabled member of staff sign in again.
func (h *handlers) enable(w http.ResponseWriter, r *http.Request) {
	h.change(w, r, func(ctx context.Context, tx *store.Tx, u auth.User) (string, error) {
		if !u.Disabled {
			return u.Name + "'s account was not disabled. Nothing has changed.", nil
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = ? WHERE id = ?`, now, u.ID); err != nil {
			return "", err
		}
		if err := audit.Record(ctx, tx, h.actor(r, "staff.enabled", u.ID, "")); err != nil {
			return "", err
		}
		if u.Invited() {
			return u.Name + "'s account is enabled again. They have not accepted their invitation, and the old link stopped working: send them a new invitation.", nil
		}
		return u.Name + "'s account is enabled again. They can sign in.", nil
	})
}

// reset2FA clears someone's authenticator (a lost or replaced phone): they
// are signed out everywhere, and set up an authenticator app again the
// next time they sign in, after their password. They are told by e-mail.
func (h *handlers) reset2FA(w http.ResponseWriter, r *http.Request) {
	h.change(w, r, func(ctx context.Context, tx *store.Tx, u auth.User) (string, error) {
		if u.Invited() {
			return "", &errRefused{"reset-2fa", u.Name + " has not accepted their invitation yet, so they have no two-step sign-in to reset."}
		}
		if err := h.auth.ResetTOTP(ctx, tx, u.ID); err != nil {
			return "", err
		}
		base := strings.TrimRight(h.srv.Config.BaseURL.String(), "/")
		if _, err := h.outbox.Enqueue(ctx, tx, mail.Message{
			Kind:    "staff.2fa_reset",
			To:      u.Email,
			Subject: "Your two-step sign-in has been reset",
			Text: "Hello " + u.Name + ",\n\n" +
				"An administrator has reset the two-step sign-in of your staff account at " + base + ", and you have been signed out.\n\n" +
				"The next time you sign in at " + base + "/sign-in you will be asked, after your password, to set up an authenticator app on your phone again.\n\n" +
				"If you did not ask for this, tell an administrator straight away.\n",
		}); err != nil {
			return "", err
		}
		if err := audit.Record(ctx, tx, h.actor(r, "staff.2fa_reset", u.ID, "")); err != nil {
			return "", err
		}
		return u.Name + "'s two-step sign-in has been reset, and they have been signed out. " +
			"They will set up an authenticator app again the next time they sign in. We have sent them an e-mail to say so.", nil
	})
}
