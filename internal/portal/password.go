package portal

import (
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// MaxPassword bounds what the password field takes (argon2id reads it all).
const MaxPassword = 256

func (h *handlers) passwordForm(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusOK, "portal/password.html", web.Page{Title: "Choose a password", Form: web.NewForm(nil)})
}

// setPassword lets a signed-in trainee choose a password, so they can sign
// in without waiting for an e-mail.
func (h *handlers) setPassword(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	f := web.NewForm(nil) // passwords are never shown back
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	switch {
	case pw == "":
		f.Fail("password", "Enter a password")
	case len(pw) > MaxPassword:
		f.Fail("password", "Enter a password of 256 characters or fewer")
	default:
		var weak *auth.WeakPasswordError
		name, _ := h.store.Cases.Name(c)
		email, _ := h.store.Cases.Email(c)
		if err := auth.CheckPassword(pw, name, email); errors.As(err, &weak) {
			f.Fail("password", weak.Error())
		} else if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if f.Valid() && pw != again {
		f.Fail("confirm", "Enter the same password again")
	}
	if !f.Valid() {
		h.srv.Render(w, r, http.StatusUnprocessableEntity, "portal/password.html", web.Page{Title: "Choose a password", Form: f})
		return
	}
	hash := h.argon.HashPassword(pw)
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := h.store.SetPassword(ctx, tx, a.ID, hash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.password_set", TargetType: "case", TargetID: c.ID, CaseID: c.ID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.setFlash(r, "Your password is set. Next time you can sign in with it.")
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
}
