package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const totpPeriod = 30

// checkCode verifies a 6-digit code against secret, allowing one step of
// clock drift either way, and refuses a step already used (a replayed code).
// It returns the step matched.
func checkCode(secret, code string, lastStep int64, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, st := range []int64{step - 1, step, step + 1} {
		if st <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return st, true
		}
	}
	return 0, false
}

// Enrolment is the data of the set-up page.
type Enrolment struct {
	QR     template.URL
	Secret string
}

func (s *Service) enrolForm(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.pendingUser(r.Context())
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok || u.TOTPSecret != nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.renderEnrol(w, r, http.StatusOK, u, web.NewForm(nil))
}

func (s *Service) renderEnrol(w http.ResponseWriter, r *http.Request, status int, u User, f *web.Form) {
	ctx := r.Context()
	var key *otp.Key
	var err error
	if sealed := s.srv.Sessions.GetBytes(ctx, keyNewSecret); sealed != nil {
		secret, oerr := s.sealer.OpenString(sealed, "session.totp:"+u.ID)
		if oerr == nil {
			key, err = otp.NewKeyFromURL("otpauth://totp/" + s.issuer + ":" + u.Email + "?secret=" + secret + "&issuer=" + s.issuer)
		}
	}
	if key == nil {
		key, err = totp.Generate(totp.GenerateOpts{Issuer: s.issuer, AccountName: u.Email, Period: totpPeriod})
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		s.srv.Sessions.Put(ctx, keyNewSecret, s.sealer.SealString(key.Secret(), "session.totp:"+u.ID))
	}
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	e, err := enrolment(key)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, status, "auth/set_up_2fa.html", web.Page{Title: "Set up your authenticator app", Form: f, Data: e})
}

// enrolment is key's QR code and its secret spaced for typing.
func enrolment(key *otp.Key) (Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{
		QR:     template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())),
		Secret: spaced(key.Secret()),
	}, nil
}

// CheckTOTP verifies a 6-digit code against secret as staff sign-in does:
// one step of clock drift either way, and a step at or before lastStep
// refused (a replayed code). It returns the step matched.
func CheckTOTP(secret, code string, lastStep int64, now time.Time) (int64, bool) {
	return checkCode(secret, code, lastStep, now)
}

// NewTOTP makes a new authenticator secret for account (as the app shows
// it) under issuer; secret "" makes a new one, otherwise it is rebuilt. It
// returns the secret and what a set-up page shows.
func NewTOTP(issuer, account, secret string) (string, Enrolment, error) {
	var key *otp.Key
	var err error
	if secret == "" {
		key, err = totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod})
	} else {
		key, err = otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(issuer) + ":" + url.PathEscape(account) + "?secret=" + secret + "&issuer=" + url.QueryEscape(issuer))
	}
	if err != nil {
		return "", Enrolment{}, err
	}
	e, err := enrolment(key)
	return key.Secret(), e, err
}

func spaced(secret string) string {
	var b strings.Builder
	for i, c := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Service) enrol(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok, err := s.pendingUser(ctx)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok || u.TOTPSecret != nil || !s.srv.ParseForm(w, r) {
		if !ok || u.TOTPSecret != nil {
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		}
		return
	}
	f := web.NewForm(r.PostForm)
	secret, err := s.sealer.OpenString(s.srv.Sessions.GetBytes(ctx, keyNewSecret), "session.totp:"+u.ID)
	if err != nil {
		http.Redirect(w, r, "/sign-in/set-up-2fa", http.StatusSeeOther)
		return
	}
	step, valid := checkCode(secret, f.Get("code"), 0, time.Now())
	if !valid {
		f.Fail("code", "Enter the 6-digit code your authenticator app shows now")
		s.renderEnrol(w, r, http.StatusUnprocessableEntity, u, f)
		return
	}
	err = s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := SetTOTPSecret(ctx, tx, s.sealer, u.ID, secret); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: u.Roles.String(), Action: "auth.2fa_enrolled", TargetType: "user", TargetID: u.ID})
	})
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Sessions.Remove(ctx, keyNewSecret)
	s.complete(w, r, u)
}

func (s *Service) codeForm(w http.ResponseWriter, r *http.Request) {
	if _, ok, err := s.pendingUser(r.Context()); err != nil || !ok {
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/code.html", web.Page{Title: "Enter your security code", Form: web.NewForm(nil)})
}

func (s *Service) code(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok, err := s.pendingUser(ctx)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok || u.TOTPSecret == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	if !s.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	over, err := s.throttled(ctx, w, "sign-in:code:"+u.ID, codePerAccount)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if over {
		f.Fail("code", "Too many wrong codes. Wait 15 minutes, then sign in again")
		s.srv.Render(w, r, http.StatusTooManyRequests, "auth/code.html", web.Page{Title: "Enter your security code", Form: f})
		return
	}
	secret, err := s.sealer.OpenString(u.TOTPSecret, "users.totp:"+u.ID)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	step, valid := checkCode(secret, f.Get("code"), u.TOTPLastStep, time.Now())
	if valid {
		// Record the step only if nobody used it meanwhile: a replay of
		// the same code in another tab fails here.
		res, err := s.srv.DB.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, u.ID, step)
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		n, _ := res.RowsAffected()
		valid = n == 1
	}
	if !valid {
		audit.Record(ctx, s.srv.DB, audit.Event{Action: "auth.code_failed", TargetType: "user", TargetID: u.ID})
		f.Fail("code", "The code is not right. Enter the 6-digit code your authenticator app shows now")
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/code.html", web.Page{Title: "Enter your security code", Form: f})
		return
	}
	s.complete(w, r, u)
}

// complete finishes signing in: a new session id (privilege changes), the
// user recorded, the pending state dropped.
func (s *Service) complete(w http.ResponseWriter, r *http.Request, u User) {
	ctx := r.Context()
	if err := s.srv.Sessions.RenewToken(ctx); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	next := web.SafeRedirectTarget(s.srv.Sessions.PopString(ctx, "auth.next"))
	s.srv.Sessions.Remove(ctx, keyPendingUser)
	s.srv.Sessions.Remove(ctx, keyPendingAt)
	now := store.Now()
	s.srv.Sessions.Put(ctx, keyUserID, u.ID)
	s.srv.Sessions.Put(ctx, keySignedInAt, now)
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`, now, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: u.Roles.String(), Action: "auth.sign_in", TargetType: "user", TargetID: u.ID,
			Source: web.ClientIP(r, s.srv.Config.TrustedProxies).String()})
	})
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if err := s.rememberDevice(ctx, w, r, u.ID); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if next == "/" {
		next = s.home()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// SetTOTPSecret stores a user's authenticator secret, sealed.
func SetTOTPSecret(ctx context.Context, q store.Querier, sealer *seal.Sealer, userID, secret string) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET totp_secret = ?, updated_at = ? WHERE id = ?`,
		sealer.SealString(secret, "users.totp:"+userID), store.Now(), userID)
	return err
}
