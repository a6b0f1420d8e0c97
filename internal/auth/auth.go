// Package auth signs staff in and out: argon2id passwords, TOTP second factor
// (mandatory for every member of staff), the first-administrator link, and
// the function that tells the web layer who is making each request.
package auth

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Session keys.
const (
	keyUserID      = "auth.user_id"
	keyPendingUser = "auth.pending_user_id" // password checked, second factor not yet
	keyPendingAt   = "auth.pending_at"
	keyNewSecret   = "auth.new_totp_secret" // sealed, during 2FA set-up
)

// pendingFor is how long someone has between password and code.
const pendingFor = 10 * time.Minute

// codePerAccount limits guessing of the second factor, which only someone
// who has the password can try (passwords: see throttle.go).
var codePerAccount = ratelimit.Limit{N: 10, Window: 15 * time.Minute}

// Service holds the sign-in handlers' dependencies.
type Service struct {
	srv     *web.Server
	sealer  *seal.Sealer
	limiter *ratelimit.Limiter
	outbox  *mail.Outbox
	argon   Argon2
	issuer  string
	// dummyHash is checked against when no account has the e-mail address
	// given, at the same cost as a real account's, so that the time taken
	// does not tell which addresses have accounts.
	dummyHash func() string
}

// New returns the auth service; call Routes to register its pages.
func New(srv *web.Server, sealer *seal.Sealer, limiter *ratelimit.Limiter, outbox *mail.Outbox, argon Argon2) (*Service, error) {
	s := &Service{srv: srv, sealer: sealer, limiter: limiter, outbox: outbox, argon: argon, issuer: "PSU " + srv.Config.BaseURL.Host,
		dummyHash: sync.OnceValue(func() string { return argon.HashPassword("not a real password, only for timing") })}
	sub, _ := fs.Sub(templates, "templates")
	if err := srv.AddPages("auth", sub); err != nil {
		return nil, err
	}
	srv.SetIdentify(s.Identify)
	return s, nil
}

// Routes registers the sign-in pages.
func (s *Service) Routes() {
	r := s.srv.Router
	r.Handle("GET /sign-in", web.Public, s.signInForm)
	r.Handle("POST /sign-in", web.Public, s.signIn)
	r.Handle("GET /sign-in/code", web.Public, s.codeForm)
	r.Handle("POST /sign-in/code", web.Public, s.code)
	r.Handle("GET /sign-in/set-up-2fa", web.Public, s.enrolForm)
	r.Handle("POST /sign-in/set-up-2fa", web.Public, s.enrol)
	r.Handle("POST /sign-out", web.Public, s.signOut)
	r.Handle("GET /signed-out", web.Public, s.signedOut)
	r.Handle("GET /setup/{token}", web.Public, s.firstAdminForm)
	r.Handle("POST /setup/{token}", web.Public, s.firstAdmin)
	r.Handle("GET /sign-in/recovery-code", web.Public, s.recoveryForm)
	r.Handle("POST /sign-in/recovery-code", web.Public, s.recovery)
	r.Handle("GET /account", web.Staff, s.account)
	r.Handle("GET /account/recovery-codes", web.Staff, s.recoveryCodesPage)
	r.Handle("POST /account/recovery-codes", web.Staff, s.newRecoveryCodes)
}

// Identify returns the signed-in member of staff, or a visitor. A disabled
// or deleted account, or one signed out everywhere since this session
// signed in, counts as signed out at once, on every instance.
func (s *Service) Identify(r *http.Request) (web.Principal, error) {
	id := s.srv.Sessions.GetString(r.Context(), keyUserID)
	if id == "" {
		return web.Principal{}, nil
	}
	u, err := UserByID(r.Context(), s.srv.DB, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Disabled || ended(u, s.srv.Sessions.GetTime(r.Context(), keySignedInAt)))) {
		return web.Principal{}, nil
	}
	if err != nil {
		return web.Principal{}, err
	}
	return web.Principal{UserID: u.ID, Name: u.Name, Roles: u.Roles}, nil
}

// pendingUser returns the account whose password has been checked in this
// session and who still owes a code, if that was recent.
func (s *Service) pendingUser(ctx context.Context) (User, bool, error) {
	id := s.srv.Sessions.GetString(ctx, keyPendingUser)
	at := s.srv.Sessions.GetTime(ctx, keyPendingAt)
	if id == "" || time.Since(at) > pendingFor {
		return User{}, false, nil
	}
	u, err := UserByID(ctx, s.srv.DB, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Disabled || u.Invited() || ended(u, at))) {
		return User{}, false, nil
	}
	return u, err == nil, err
}

// beginPending starts the second step of signing in for u: a new session id
// (the privilege level changes) holding who has passed the password step.
func (s *Service) beginPending(ctx context.Context, u User) error {
	if err := s.srv.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.srv.Sessions.Put(ctx, keyPendingUser, u.ID)
	s.srv.Sessions.Put(ctx, keyPendingAt, store.Now())
	return nil
}

// throttled records a hit on bucket and reports whether it is over limit,
// having set Retry-After if so.
func (s *Service) throttled(ctx context.Context, w http.ResponseWriter, bucket string, limit ratelimit.Limit) (bool, error) {
	ok, retry, err := s.limiter.Allow(ctx, bucket, limit)
	if err != nil || ok {
		return false, err
	}
	web.RetryAfter(w, retry)
	return true, nil
}
