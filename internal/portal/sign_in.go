package portal

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const signInTitle = "Sign in to see your support"

type signInData struct {
	Staff bool // a member of staff is signed in on this browser
}

func (h *handlers) renderSignIn(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	h.srv.Render(w, r, status, "portal/sign_in.html", web.Page{Title: signInTitle, Form: f,
		Data: signInData{Staff: web.PrincipalFrom(r).SignedIn()}})
}

// signInForm offers both ways in: a link by e-mail, or a password.
func (h *handlers) signInForm(w http.ResponseWriter, r *http.Request) {
	h.renderSignIn(w, r, http.StatusOK, web.NewForm(nil))
}

func readEmail(f *web.Form, field string) string {
	email := referral.NormaliseEmail(f.Get(field))
	switch {
	case email == "":
		f.Fail(field, "Enter the e-mail address you gave in your application")
	case !mail.ValidAddress(email):
		f.Fail(field, "Enter an e-mail address in the right format, like name@example.com")
	}
	return email
}

// requestLink sends a sign-in link if the address is an application's.
// The answer is the same either way.
func (h *handlers) requestLink(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(url.Values{"email": r.PostForm["email"]})
	if web.PrincipalFrom(r).SignedIn() {
		f.Fail("email", "You are signed in as a member of staff. Sign out of the staff account first: a staff account cannot act as a trainee.")
		h.renderSignIn(w, r, http.StatusConflict, f)
		return
	}
	email := readEmail(f, "email")
	if !f.Valid() {
		h.renderSignIn(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	ok, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "portal.link:ip:" + h.clientIP(r), Limit: LinkIPLimit},
		ratelimit.Check{Bucket: "portal.link:email:" + referral.BlindEmail(h.store.Sealer, email), Limit: LinkEmailLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		web.RetryAfter(w, retry)
		f.Fail("email", "We have sent several links in the last hour, so we cannot send another yet. Try again in "+web.WaitWords(retry)+".")
		h.renderSignIn(w, r, http.StatusTooManyRequests, f)
		return
	}
	if err := h.store.SendLink(ctx, email); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/sign_in_sent.html", web.Page{Title: "Check your e-mail", Data: email})
}

// signInPassword signs in with the password the trainee chose.
func (h *handlers) signInPassword(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(url.Values{"pw_email": r.PostForm["pw_email"]})
	if web.PrincipalFrom(r).SignedIn() {
		f.Fail("pw_email", "You are signed in as a member of staff. Sign out of the staff account first: a staff account cannot act as a trainee.")
		h.renderSignIn(w, r, http.StatusConflict, f)
		return
	}
	email := readEmail(f, "pw_email")
	pw := r.PostForm.Get("password")
	if pw == "" {
		f.Fail("password", "Enter your password")
	}
	if !f.Valid() {
		h.renderSignIn(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	ok, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "portal.password:ip:" + h.clientIP(r), Limit: PasswordIPLimit},
		ratelimit.Check{Bucket: "portal.password:email:" + referral.BlindEmail(h.store.Sealer, email), Limit: PasswordUserLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		web.RetryAfter(w, retry)
		f.Fail("password", "There have been too many tries to sign in. Try again in "+web.WaitWords(retry)+", or ask for a link by e-mail.")
		h.renderSignIn(w, r, http.StatusTooManyRequests, f)
		return
	}
	a, err := h.store.AccountByEmail(ctx, h.srv.DB, email)
	good := false
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	case a.PasswordHash != "":
		if good, err = auth.VerifyPassword(a.PasswordHash, pw); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if !good {
		f.Fail("password", "The e-mail address or password is not right. If you have not set a password, ask for a link by e-mail.")
		h.renderSignIn(w, r, http.StatusUnauthorized, f)
		return
	}
	h.startSignIn(w, r, a, "password")
}

// linkProblem explains why a sign-in link no longer works.
func (h *handlers) linkProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, title, body := http.StatusNotFound, "This link does not work", "The link may have been copied only in part."
	switch {
	case errors.Is(err, ErrLinkUsed):
		status, title, body = http.StatusGone, "This link has already been used", "Each sign-in link works once, to keep your page private."
	case errors.Is(err, ErrLinkExpired):
		status, title, body = http.StatusGone, "This link has expired", "Sign-in links work for 30 minutes."
	case !errors.Is(err, store.ErrNotFound):
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, status, "portal/link_problem.html", web.Page{Title: title, Data: body})
}

// linkPage asks the person to confirm before the link is spent, so a mail
// scanner that follows links cannot use it up.
func (h *handlers) linkPage(w http.ResponseWriter, r *http.Request) {
	if err := h.store.CheckLink(r.Context(), r.PathValue("token")); err != nil {
		h.linkProblem(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/sign_in_link.html", web.Page{Title: "Sign in",
		Data: struct {
			Action string
			Staff  bool
		}{"/portal/sign-in/" + url.PathEscape(r.PathValue("token")), web.PrincipalFrom(r).SignedIn()}})
}

// useLink spends the link and signs the browser in: from here on the
// capability is the session cookie, and the address's token is dead.
func (h *handlers) useLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if web.PrincipalFrom(r).SignedIn() {
		// The link page says why; the link is not spent.
		h.linkPage(w, r)
		return
	}
	a, err := h.store.UseLink(ctx, r.PathValue("token"))
	if err != nil {
		h.linkProblem(w, r, err)
		return
	}
	h.startSignIn(w, r, a, "link")
}

// signOut ends the portal sign-in on this browser.
func (h *handlers) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h.srv.Sessions.Remove(ctx, keyAccount)
	h.srv.Sessions.Remove(ctx, keySignedInAt)
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/signed_out.html", web.Page{Title: "You have signed out"})
}
