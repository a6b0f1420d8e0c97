package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// The device cookie marks a browser that has fully signed in (password and
// code) to an account, so that the limits protecting that account from
// strangers do not hold its owner back there (see throttle.go). It proves
// nothing on its own: whoever holds it still needs the password and the
// code. It holds up to deviceCookieTokens random tokens, one for each account
// signed in on that browser (a shared computer on a ward), newest first; the
// database keeps their SHA-256 and whose they are. It is sent only to the
// sign-in pages.
const (
	DeviceCookie       = "psu_device"
	deviceTTL          = 180 * 24 * time.Hour
	deviceCookieTokens = 5
	deviceTokenLen     = 43 // 32 random bytes, base64url without padding
)

// deviceTokens returns the well-formed tokens in r's device cookie.
func deviceTokens(r *http.Request) []string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range strings.Split(c.Value, ".") {
		if len(out) == deviceCookieTokens {
			break
		}
		if b, err := base64.RawURLEncoding.DecodeString(t); err == nil && len(t) == deviceTokenLen && len(b) == 32 {
			out = append(out, t)
		}
	}
	return out
}

// deviceOwner returns the account a device token belongs to, or "" if it is
// unknown or expired.
func deviceOwner(ctx context.Context, q store.Querier, tok string, now time.Time) (string, error) {
	var userID string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT user_id FROM auth_devices WHERE token_hash = ? AND expires_at > ?`, hashToken(tok), now), &userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return userID, err
}

// knownDevice returns the hash of the token in r's device cookie that marks
// this browser as one userID has signed in on, or "" if there is none.
func knownDevice(ctx context.Context, q store.Querier, r *http.Request, userID string) (string, error) {
	if userID == "" {
		return "", nil
	}
	now := store.Now()
	for _, tok := range deviceTokens(r) {
		owner, err := deviceOwner(ctx, q, tok, now)
		if err != nil {
			return "", err
		}
		if owner == userID {
			return hashToken(tok), nil
		}
	}
	return "", nil
}

// rememberDevice marks this browser as one userID has signed in on: a new
// token replaces any earlier one of theirs in the cookie (so a stolen old
// cookie stops working once its owner signs in again), and the tokens of
// other accounts still valid are kept behind it.
func (s *Service) rememberDevice(ctx context.Context, w http.ResponseWriter, r *http.Request, userID string) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	tokens := []string{tok}
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		now := store.Now()
		for _, old := range deviceTokens(r) {
			owner, err := deviceOwner(ctx, tx, old, now)
			switch {
			case err != nil:
				return err
			case owner == userID:
				if _, err := tx.ExecContext(ctx, `DELETE FROM auth_devices WHERE token_hash = ?`, hashToken(old)); err != nil {
					return err
				}
			case owner != "" && len(tokens) < deviceCookieTokens:
				tokens = append(tokens, old)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM auth_devices WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO auth_devices (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(tok), userID, now, now.Add(deviceTTL))
		return err
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     DeviceCookie,
		Value:    strings.Join(tokens, "."),
		Path:     "/sign-in",
		MaxAge:   int(deviceTTL / time.Second),
		HttpOnly: true,
		Secure:   s.srv.Config.Secure(),
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}
