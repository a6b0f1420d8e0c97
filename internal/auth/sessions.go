package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// keySignedInAt is when this session finished signing in; a session from
// before the account's signed_out_at is over.
const keySignedInAt = "auth.signed_in_at"

// ended reports whether a session that finished signing in at signedIn
// was ended by signing u out everywhere since.
func ended(u User, signedIn time.Time) bool {
	return !u.SignedOutAt.IsZero() && signedIn.Before(u.SignedOutAt)
}

// SignOutEverywhere ends every session of userID, on every instance and at
// once: sessions that signed in before now no longer identify them (the
// check Identify makes on each request, so even a session that a request
// in flight writes back stays ended), and the rows of those it can find are
// deleted, as are sessions half way through signing in as them.
func (s *Service) SignOutEverywhere(ctx context.Context, tx *store.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET signed_out_at = ? WHERE id = ?`, store.Now(), userID); err != nil {
		return fmt.Errorf("auth: sign out everywhere: %w", err)
	}
	// Sessions are opaque rows keyed by token; which person each belongs
	// to is only in its encoded values, so each is read. There are only
	// as many as people used psu in the last 12 hours.
	rows, err := tx.QueryContext(ctx, `SELECT token, data FROM sessions`)
	if err != nil {
		return fmt.Errorf("auth: sign out everywhere: %w", err)
	}
	var tokens []string
	for rows.Next() {
		var tok string
		var data []byte
		if err := rows.Scan(&tok, &data); err != nil {
			rows.Close()
			return fmt.Errorf("auth: sign out everywhere: %w", err)
		}
		_, values, err := s.srv.Sessions.Codec.Decode(data)
		if err != nil {
			continue // not a session this psu can read, and so nobody's
		}
		if values[keyUserID] == userID || values[keyPendingUser] == userID {
			tokens = append(tokens, tok)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("auth: sign out everywhere: %w", err)
	}
	for _, tok := range tokens {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, tok); err != nil {
			return fmt.Errorf("auth: sign out everywhere: %w", err)
		}
	}
	return nil
}

// ResetTOTP clears userID's authenticator secret: the next time they sign
// in, after their password, they set up an authenticator app again. Their
// sessions end (SignOutEverywhere), so nobody stays signed in on the old
// second factor.
func (s *Service) ResetTOTP(ctx context.Context, tx *store.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = NULL, totp_last_step = 0, updated_at = ? WHERE id = ?`,
		store.Now(), userID); err != nil {
		return fmt.Errorf("auth: reset 2FA: %w", err)
	}
	return s.SignOutEverywhere(ctx, tx, userID)
}

// BeginEnrolment starts signing u in after they have proved who they are
// another way (accepting an invitation and choosing a password): they go
// on to /sign-in/set-up-2fa (or /sign-in/code if they have an
// authenticator already), as after the password step of signing in.
func (s *Service) BeginEnrolment(ctx context.Context, u User) (string, error) {
	if err := s.beginPending(ctx, u); err != nil {
		return "", err
	}
	if u.TOTPSecret == nil {
		return "/sign-in/set-up-2fa", nil
	}
	return "/sign-in/code", nil
}
