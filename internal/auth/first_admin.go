package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// FirstAdminLinkTTL is how long the link printed on first start works.
const FirstAdminLinkTTL = 24 * time.Hour

// FirstAdminLink returns a one-time link to create the first administrator
// when no administrator account exists, and "" otherwise. Each call revokes
// the previous link. A link stops working when it is used, after
// FirstAdminLinkTTL, or as soon as any administrator exists, however that
// account was made (the link itself, psu user add, an invitation).
func FirstAdminLink(ctx context.Context, db *store.DB, base string) (string, error) {
	n, err := CountAdministrators(ctx, db)
	if err != nil || n > 0 {
		return "", err
	}
	var tok string
	err = db.Tx(ctx, func(tx *store.Tx) (err error) {
		tok, err = NewOneTimeToken(ctx, tx, PurposeFirstAdmin, FirstAdminLinkTTL)
		return err
	})
	if err != nil {
		return "", err
	}
	return base + "/setup/" + tok, nil
}

// firstAdminLinkValid reports whether tok may still create the first
// administrator.
func firstAdminLinkValid(ctx context.Context, q store.Querier, tok string) (bool, error) {
	ok, err := TokenValid(ctx, q, PurposeFirstAdmin, tok)
	if err != nil || !ok {
		return false, err
	}
	n, err := CountAdministrators(ctx, q)
	return n == 0, err
}

func (s *Service) firstAdminForm(w http.ResponseWriter, r *http.Request) {
	ok, err := firstAdminLinkValid(r.Context(), s.srv.DB, r.PathValue("token"))
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		s.srv.Render(w, r, http.StatusNotFound, "auth/setup_expired.html", web.Page{Title: "This link has expired"})
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/first_admin.html", web.Page{Title: "Create the first administrator", Form: web.NewForm(nil)})
}

func (s *Service) firstAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	tok := r.PathValue("token")
	f := web.NewForm(r.PostForm)
	password := r.PostForm.Get("password")
	f.Values.Del("password")
	f.Values.Del("confirm")
	f.Require("name", "Enter your full name")
	email := NormaliseEmail(f.Get("email"))
	if email == "" {
		f.Fail("email", "Enter your work e-mail address")
	} else if !mail.ValidAddress(email) {
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.nhs.uk")
	}
	if err := CheckPassword(password, f.Get("name"), email, s.srv.Config.BaseURL.Hostname()); err != nil {
		f.Fail("password", err.Error())
	} else if password != r.PostForm.Get("confirm") {
		f.Fail("confirm", "The two passwords do not match. Type the same password twice")
	}
	if len(f.Get("name")) > 200 {
		f.Fail("name", "Name must be 200 characters or fewer")
	}
	if !f.Valid() {
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/first_admin.html", web.Page{Title: "Create the first administrator", Form: f})
		return
	}
	var u User
	adminExists := false
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		// Using the token first locks its row, so psu user add (which
		// revokes it before adding an administrator) and this request
		// cannot both go ahead unseen by each other.
		used, err := UseToken(ctx, tx, PurposeFirstAdmin, tok)
		if err != nil {
			return err
		}
		if !used {
			return errExpired
		}
		n, err := CountAdministrators(ctx, tx)
		if err != nil {
			return err
		}
		if n > 0 {
			adminExists = true // commit: the link is spent
			return nil
		}
		// The first administrator also keeps the support directory until
		// they hand that to someone else on /admin/staff: the unit's
		// directory needs someone who can correct it from the first day.
		roles := []web.Role{web.RoleAdministrator, web.RoleDirectoryEditor}
		if u, err = CreateUser(ctx, tx, s.argon, email, f.Get("name"), roles, password); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: u.Roles.String(), Action: "auth.first_admin_created", TargetType: "user", TargetID: u.ID})
	})
	switch {
	case errors.Is(err, errExpired) || (err == nil && adminExists):
		s.srv.Render(w, r, http.StatusNotFound, "auth/setup_expired.html", web.Page{Title: "This link has expired"})
		return
	case errors.Is(err, ErrEmailTaken):
		f.Fail("email", "A member of staff already has an account with this e-mail address. Enter a different address")
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/first_admin.html", web.Page{Title: "Create the first administrator", Form: f})
		return
	case err != nil:
		s.srv.ServerError(w, r, err)
		return
	}
	if err := s.beginPending(ctx, u); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sign-in/set-up-2fa", http.StatusSeeOther)
}

var errExpired = errors.New("auth: link used or expired")
