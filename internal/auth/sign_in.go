package auth

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

func (s *Service) signInForm(w http.ResponseWriter, r *http.Request) {
	if web.PrincipalFrom(r).SignedIn() {
		http.Redirect(w, r, s.home(), http.StatusSeeOther)
		return
	}
	f := web.NewForm(url.Values{"next": {r.URL.Query().Get("next")}})
	s.srv.Render(w, r, http.StatusOK, "auth/sign_in.html", web.Page{Title: "Sign in", Form: f})
}

// signIn checks the password; the second factor follows on its own page.
func (s *Service) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	f.Values.Del("password") // never echoed back
	email, password := NormaliseEmail(r.PostForm.Get("email")), r.PostForm.Get("password")
	if email == "" {
		f.Fail("email", "Enter your e-mail address")
	} else if !mail.ValidAddress(email) {
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.nhs.uk")
	}
	if password == "" {
		f.Fail("password", "Enter your password")
	}
	if !f.Valid() {
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/sign_in.html", web.Page{Title: "Sign in", Form: f})
		return
	}
	ctx := r.Context()
	u, err := UserByEmail(ctx, s.srv.DB, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.srv.ServerError(w, r, err)
		return
	}
	device, err := knownDevice(ctx, s.srv.DB, r, u.ID)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	buckets := s.signInBuckets(email, sourceOf(r, s.srv.Config.TrustedProxies), device)
	filled, refused, err := s.reserve(ctx, buckets)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if refused != nil {
		web.RetryAfter(w, refused.wait)
		f.Fail("email", refusalMessage(refused))
		s.srv.Render(w, r, http.StatusTooManyRequests, "auth/sign_in.html", web.Page{Title: "Sign in", Form: f})
		return
	}
	ok := false
	if u.ID == "" || u.Invited() {
		// Spend the same time as a real check, so timing does not reveal
		// which addresses have accounts. An invitation not yet accepted
		// has no password to check.
		VerifyPassword(s.dummyHash(), password)
	} else {
		ok, err = VerifyPassword(u.PasswordHash, password)
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		ok = ok && !u.Disabled
	}
	if !ok {
		if err := s.failed(ctx, u, buckets, filled, device != ""); err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		f.Fail("email", "The e-mail address or password is not right. Check them and try again")
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/sign_in.html", web.Page{Title: "Sign in", Form: f})
		return
	}
	if err := s.release(ctx, buckets); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if err := s.beginPending(ctx, u); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Sessions.Put(ctx, "auth.next", web.SafeRedirectTarget(f.Get("next")))
	if u.TOTPSecret == nil {
		http.Redirect(w, r, "/sign-in/set-up-2fa", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/sign-in/code", http.StatusSeeOther)
}

func (s *Service) signedOut(w http.ResponseWriter, r *http.Request) {
	s.srv.Render(w, r, http.StatusOK, "auth/signed_out.html", web.Page{Title: "You have signed out"})
}

func (s *Service) signOut(w http.ResponseWriter, r *http.Request) {
	p := web.PrincipalFrom(r)
	if p.SignedIn() {
		audit.Record(r.Context(), s.srv.DB, audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: "auth.sign_out", TargetType: "user", TargetID: p.UserID})
	}
	if err := s.srv.Sessions.Destroy(r.Context()); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/signed-out", http.StatusSeeOther)
}

// accountPage is what account.html shows.
type accountPage struct {
	User
	RecoveryLeft int
	Admin        bool // the administration links
	Adviser      bool // the link to their own biography
}

func (s *Service) account(w http.ResponseWriter, r *http.Request) {
	p := web.PrincipalFrom(r)
	u, err := UserByID(r.Context(), s.srv.DB, p.UserID)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	left, err := RecoveryCodesLeft(r.Context(), s.srv.DB, u.ID)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/account.html", web.Page{Title: "Your account",
		Data: accountPage{User: u, RecoveryLeft: left, Admin: p.Can(web.Administrator), Adviser: p.Can(web.Adviser)}})
}

// home is where a member of staff lands after signing in: the staff home
// page where this build has one, else their account.
func (s *Service) home() string {
	if s.srv.Router.Has("/staff") {
		return "/staff"
	}
	return "/account"
}
