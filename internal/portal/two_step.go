package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// A trainee may add an authenticator app: then signing in, by link or by
// password, asks for its 6-digit code too. Turning it off needs a code.

// Session keys of a sign-in waiting for its code, and of a secret being
// set up.
const (
	keyPending    = "portal.pending"
	keyPendingAt  = "portal.pending_at"
	keyPendingHow = "portal.pending_how"
	keyNewSecret  = "portal.totp_new"
)

// PendingLife is how long a sign-in waits for its code.
const PendingLife = 10 * time.Minute

// CodeLimit bounds the codes tried for one account.
var CodeLimit = PasswordUserLimit

// totpIssuer names psu in the trainee's authenticator app.
func (h *handlers) totpIssuer() string { return "PSU " + h.srv.Config.BaseURL.Host }

func totpContext(accountID string) string { return "portal_accounts.totp:" + accountID }

// errReplayed refuses a code whose step was used already.
var errReplayed = errors.New("portal: that code was used already")

// useStep records that a's code of step was used, refusing a step not
// after the last one (so a code works once, even in two requests at once).
func (s *Store) useStep(ctx context.Context, tx *store.Tx, a *Account, step int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, a.ID, step)
	if err != nil {
		return fmt.Errorf("portal: totp step: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errReplayed
	}
	return nil
}

// checkCode checks code against a's authenticator and spends its step.
func (s *Store) checkCode(ctx context.Context, a *Account, code string) (bool, error) {
	secret, err := s.Sealer.OpenString(a.totpSecret, totpContext(a.ID))
	if err != nil {
		return false, err
	}
	step, ok := auth.CheckTOTP(secret, code, a.totpLastStep, s.clock())
	if !ok {
		return false, nil
	}
	err = s.DB.Tx(ctx, func(tx *store.Tx) error { return s.useStep(ctx, tx, a, step) })
	if errors.Is(err, errReplayed) {
		return false, nil
	}
	return err == nil, err
}

// startSignIn signs a in, or, when their account has an authenticator,
// holds the sign-in until its code is typed.
func (h *handlers) startSignIn(w http.ResponseWriter, r *http.Request, a *Account, how string) {
	ctx := r.Context()
	if !a.TwoStep() {
		if err := h.signIn(ctx, a, how, r); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return
	}
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyPending, a.ID)
	h.srv.Sessions.Put(ctx, keyPendingAt, h.store.clock())
	h.srv.Sessions.Put(ctx, keyPendingHow, how)
	http.Redirect(w, r, "/portal/sign-in/code", http.StatusSeeOther)
}

// pending is the account whose sign-in waits for its code, if any.
func (h *handlers) pending(r *http.Request) (*Account, error) {
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keyPending)
	if id == "" || h.store.clock().Sub(h.srv.Sessions.GetTime(ctx, keyPendingAt)) > PendingLife {
		return nil, store.ErrNotFound
	}
	return h.store.Account(ctx, h.srv.DB, id)
}

func (h *handlers) renderSignInCode(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	h.srv.Render(w, r, status, "portal/sign_in_code.html", web.Page{Title: "Enter the code from your authenticator app", Form: f})
}

// signInCodeForm asks for the authenticator's code.
func (h *handlers) signInCodeForm(w http.ResponseWriter, r *http.Request) {
	switch _, err := h.pending(r); {
	case errors.Is(err, store.ErrNotFound):
		http.Redirect(w, r, "/portal/sign-in", http.StatusSeeOther)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		h.renderSignInCode(w, r, http.StatusOK, web.NewForm(nil))
	}
}

// signInCode finishes a held sign-in with the authenticator's code.
func (h *handlers) signInCode(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a, err := h.pending(r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		http.Redirect(w, r, "/portal/sign-in", http.StatusSeeOther)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"code": r.PostForm["code"]})
	if f.Get("code") == "" {
		f.Fail("code", "Enter the 6-digit code your authenticator app shows now")
		h.renderSignInCode(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "portal.totp:ip:" + h.clientIP(r), Limit: PasswordIPLimit}, ratelimit.Check{Bucket: "portal.totp:account:" + a.ID, Limit: CodeLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f.Fail("code", "There have been too many tries. Try again in "+web.WaitWords(retry)+".")
		h.renderSignInCode(w, r, http.StatusTooManyRequests, f)
		return
	}
	ok, err := h.store.checkCode(ctx, a, f.Get("code"))
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		f.Fail("code", "That code is not right. Enter the 6-digit code your authenticator app shows now.")
		h.renderSignInCode(w, r, http.StatusUnauthorized, f)
		return
	}
	how := h.srv.Sessions.GetString(ctx, keyPendingHow)
	for _, k := range []string{keyPending, keyPendingAt, keyPendingHow} {
		h.srv.Sessions.Remove(ctx, k)
	}
	if err := h.signIn(ctx, a, how+" and authenticator", r); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
}

// twoStepView is the authenticator page.
type twoStepView struct {
	On    bool
	Setup auth.Enrolment
	Flash string
}

// renderTwoStep shows how to add an authenticator (a new secret kept,
// sealed, in the session until it is confirmed), or how to turn it off.
func (h *handlers) renderTwoStep(w http.ResponseWriter, r *http.Request, status int, a *Account, f *web.Form) {
	ctx := r.Context()
	v := twoStepView{On: a.TwoStep(), Flash: h.flash(r)}
	if !v.On {
		secret, _ := h.store.Sealer.OpenString(h.srv.Sessions.GetBytes(ctx, keyNewSecret), "session.portal_totp:"+a.ID)
		secret, e, err := auth.NewTOTP(h.totpIssuer(), "your support", secret)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		h.srv.Sessions.Put(ctx, keyNewSecret, h.store.Sealer.SealString(secret, "session.portal_totp:"+a.ID))
		v.Setup = e
	}
	h.srv.Render(w, r, status, "portal/two_step.html", web.Page{Title: "Sign in with an authenticator app", Form: f, Data: v})
}

func (h *handlers) twoStepPage(w http.ResponseWriter, r *http.Request) {
	if a, _, ok := h.trainee(w, r); ok {
		h.renderTwoStep(w, r, http.StatusOK, a, web.NewForm(nil))
	}
}

// twoStepOn adds the authenticator once its first code is right.
func (h *handlers) twoStepOn(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a, _, ok := h.trainee(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"code": r.PostForm["code"]})
	if a.TwoStep() {
		http.Redirect(w, r, "/portal/two-step", http.StatusSeeOther)
		return
	}
	secret, err := h.store.Sealer.OpenString(h.srv.Sessions.GetBytes(ctx, keyNewSecret), "session.portal_totp:"+a.ID)
	if err != nil {
		f.Fail("code", "The set-up has timed out. Scan the new code below and try again.")
		h.renderTwoStep(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	step, valid := auth.CheckTOTP(secret, f.Get("code"), 0, h.store.clock())
	if !valid {
		f.Fail("code", "Enter the 6-digit code your authenticator app shows now")
		h.renderTwoStep(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_secret = ?, totp_last_step = ? WHERE id = ?`,
			h.store.Sealer.SealString(secret, totpContext(a.ID)), step, a.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.2fa_on", TargetType: "case", TargetID: a.CaseID, CaseID: a.CaseID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Remove(ctx, keyNewSecret)
	h.setFlash(r, "Your authenticator app is added. From now on, signing in also asks for its code.")
	http.Redirect(w, r, "/portal/two-step", http.StatusSeeOther)
}

// twoStepOff removes the authenticator, with a current code from it.
func (h *handlers) twoStepOff(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a, _, ok := h.trainee(w, r)
	if !ok {
		return
	}
	if !a.TwoStep() {
		http.Redirect(w, r, "/portal/two-step", http.StatusSeeOther)
		return
	}
	f := web.NewForm(url.Values{"code": r.PostForm["code"]})
	good, err := h.store.checkCode(ctx, a, f.Get("code"))
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !good {
		f.Fail("code", "Enter the 6-digit code your authenticator app shows now")
		h.renderTwoStep(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_secret = NULL WHERE id = ?`, a.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.2fa_off", TargetType: "case", TargetID: a.CaseID, CaseID: a.CaseID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.setFlash(r, "Your authenticator app is removed. Signing in now needs only your link or password.")
	http.Redirect(w, r, "/portal/two-step", http.StatusSeeOther)
}
