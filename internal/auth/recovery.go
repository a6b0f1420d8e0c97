package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Recovery codes let a member of staff sign in when their authenticator
// app is lost: each works once, in place of a code from the app. They make
// a set of RecoveryCodeCount from their account page, see it once, and keep
// it somewhere safe; making a new set ends the old one. Only a SHA-256 of
// each code (salted with the account id) is kept. A code has
// recoveryCodeLen characters from a 31-letter alphabet, about 79 random
// bits, so the hash cannot be turned back into the code by trying them.
const (
	RecoveryCodeCount = 10
	recoveryCodeLen   = 16
	// recoveryAlphabet leaves out 0, 1, i, l and o, which people misread.
	recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
)

// newRecoveryCode returns a random code as it is shown: four groups of four.
func newRecoveryCode() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(recoveryAlphabet)))
	for i := range recoveryCodeLen {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b.WriteByte(recoveryAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// normaliseRecoveryCode returns the code typed as stored, and false if it
// cannot be a recovery code at all. Case, spaces and dashes do not matter.
func normaliseRecoveryCode(typed string) (string, bool) {
	var b strings.Builder
	for _, c := range strings.ToLower(typed) {
		switch {
		case c == ' ' || c == '-' || c == '\t':
		case strings.ContainsRune(recoveryAlphabet, c):
			b.WriteRune(c)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == recoveryCodeLen
}

func hashRecoveryCode(userID, code string) string {
	sum := sha256.Sum256([]byte(userID + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// NewRecoveryCodes replaces userID's recovery codes with a new set and
// returns the codes, to be shown once.
func NewRecoveryCodes(ctx context.Context, tx *store.Tx, userID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, fmt.Errorf("auth: recovery codes: %w", err)
	}
	now := store.Now()
	codes := make([]string, RecoveryCodeCount)
	rows := make([][]any, RecoveryCodeCount)
	for i := range codes {
		c, err := newRecoveryCode()
		if err != nil {
			return nil, err
		}
		n, _ := normaliseRecoveryCode(c)
		codes[i], rows[i] = c, []any{userID, hashRecoveryCode(userID, n), now}
	}
	if err := store.InsertRows(ctx, tx, "recovery_codes", []string{"user_id", "code_hash", "created_at"}, rows); err != nil {
		return nil, fmt.Errorf("auth: recovery codes: %w", err)
	}
	return codes, nil
}

// RecoveryCodesLeft returns how many of userID's recovery codes are unused.
func RecoveryCodesLeft(ctx context.Context, q store.Querier, userID string) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID), &n)
	if err != nil {
		return 0, fmt.Errorf("auth: recovery codes: %w", err)
	}
	return n, nil
}

// useRecoveryCode spends one of userID's codes; false if typed is none of
// their unused codes. Two requests with the same code cannot both succeed.
func useRecoveryCode(ctx context.Context, tx *store.Tx, userID, typed string) (bool, error) {
	code, ok := normaliseRecoveryCode(typed)
	if !ok {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		store.Now(), userID, hashRecoveryCode(userID, code))
	if err != nil {
		return false, fmt.Errorf("auth: recovery codes: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const recoveryTitle = "Enter a recovery code"

// recoveryForm is the second step of signing in for someone without their
// authenticator app.
func (s *Service) recoveryForm(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.pendingUser(r.Context())
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok || u.TOTPSecret == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/recovery_code.html", web.Page{Title: recoveryTitle, Form: web.NewForm(nil)})
}

// recovery checks a recovery code in place of the authenticator's. Wrong
// codes count against the same limit as wrong authenticator codes.
func (s *Service) recovery(w http.ResponseWriter, r *http.Request) {
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
	f.Values.Del("code") // a code is never echoed back
	over, err := s.throttled(ctx, w, "sign-in:code:"+u.ID, codePerAccount)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if over {
		f.Fail("code", "Too many wrong codes. Wait 15 minutes, then sign in again")
		s.srv.Render(w, r, http.StatusTooManyRequests, "auth/recovery_code.html", web.Page{Title: recoveryTitle, Form: f})
		return
	}
	if strings.TrimSpace(r.PostForm.Get("code")) == "" {
		f.Fail("code", "Enter one of your recovery codes")
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/recovery_code.html", web.Page{Title: recoveryTitle, Form: f})
		return
	}
	used := false
	err = s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if used, err = useRecoveryCode(ctx, tx, u.ID, r.PostForm.Get("code")); err != nil || !used {
			return err
		}
		left, err := RecoveryCodesLeft(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if err := s.recoveryCodeUsedMail(ctx, tx, u, left); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorRole: u.Roles.String(), Action: "auth.recovery_code_used",
			TargetType: "user", TargetID: u.ID, Source: web.ClientIP(r, s.srv.Config.TrustedProxies).String(), Detail: strconv.Itoa(left) + " left"})
	})
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !used {
		audit.Record(ctx, s.srv.DB, audit.Event{Action: "auth.recovery_code_failed", TargetType: "user", TargetID: u.ID})
		f.Fail("code", "The code is not right, or it has been used before. Each recovery code works once. Check it and try again")
		s.srv.Render(w, r, http.StatusUnprocessableEntity, "auth/recovery_code.html", web.Page{Title: recoveryTitle, Form: f})
		return
	}
	s.complete(w, r, u)
}

// recoveryCodeUsedMail tells the owner that one of their recovery codes
// was used, so a use that was not theirs does not go unnoticed.
func (s *Service) recoveryCodeUsedMail(ctx context.Context, tx *store.Tx, u User, left int) error {
	base := strings.TrimRight(s.srv.Config.BaseURL.String(), "/")
	remaining := "You have no recovery codes left. Make a new set from your account page: " + base + "/account/recovery-codes"
	if left > 0 {
		remaining = fmt.Sprintf("You have %d recovery %s left. Each works once.", left, plural(left, "code", "codes"))
	}
	_, err := s.outbox.Enqueue(ctx, tx, mail.Message{
		Kind:    "auth.recovery_code_used",
		To:      u.Email,
		Subject: "A recovery code was used to sign in to your account",
		Text: "Hello " + u.Name + ",\n\n" +
			"Someone signed in to your staff account at " + base + " with your password and one of your recovery codes, " +
			"instead of a code from your authenticator app.\n\n" +
			remaining + "\n\n" +
			"If this was you and you have lost your phone, ask an administrator to reset your two-step sign-in, " +
			"so you can set up your authenticator app again.\n\n" +
			"If it was not you, tell an administrator straight away: they can disable your account while you change your password.\n",
	})
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// recoveryCodesView is what recovery_codes.html shows.
type recoveryCodesView struct {
	Left  int
	Total int
	Codes []string // only in the answer that made them
}

// recoveryCodesPage says how many codes are left and offers a new set.
func (s *Service) recoveryCodesPage(w http.ResponseWriter, r *http.Request) {
	left, err := RecoveryCodesLeft(r.Context(), s.srv.DB, web.PrincipalFrom(r).UserID)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/recovery_codes.html", web.Page{Title: "Recovery codes",
		Data: recoveryCodesView{Left: left, Total: RecoveryCodeCount}})
}

// newRecoveryCodes makes a new set and shows it, this once: the answer is
// not stored anywhere (pages are sent with Cache-Control: no-store).
func (s *Service) newRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	if !s.srv.ParseForm(w, r) {
		return
	}
	ctx, p := r.Context(), web.PrincipalFrom(r)
	var codes []string
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if codes, err = NewRecoveryCodes(ctx, tx, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: "auth.recovery_codes_created",
			TargetType: "user", TargetID: p.UserID, Source: web.ClientIP(r, s.srv.Config.TrustedProxies).String()})
	})
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "auth/recovery_codes.html", web.Page{Title: "Your new recovery codes",
		Data: recoveryCodesView{Left: len(codes), Total: RecoveryCodeCount, Codes: codes}})
}
