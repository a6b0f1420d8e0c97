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
// when there are no staff accounts yet, and "" otherwise. Each call revokes
// the previous link.
func FirstAdminLink(ctx context.Context, db *store.DB, base string) (string, error) {
	n, err := CountUsers(ctx, db)
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

func (s *Service) firstAdminForm(w http.ResponseWriter, r *http.Request) {
	ok, err := TokenValid(r.Context(), s.srv.DB, PurposeFirstAdmin, r.PathValue("token"))
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
	if p := PasswordProblem(password, email); p != "" {
		f.Fail("password", p)
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
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		used, err := UseToken(ctx, tx, PurposeFirstAdmin, tok)
		if err != nil {
			return err
		}
		if !used {
			return errExpired
		}
		if u, err = CreateUser(ctx, tx, s.argon, email, f.Get("name"), web.RoleAdministrator, password); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: string(u.Role), Action: "auth.first_admin_created", TargetType: "user", TargetID: u.ID})
	})
	switch {
	case errors.Is(err, errExpired):
		s.srv.Render(w, r, http.StatusNotFound, "auth/setup_expired.html", web.Page{Title: "This link has expired"})
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
