package web

import (
	"context"
	"encoding/gob"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/store"
)

// SessionCookie is the name of the session cookie. The only other cookie is
// auth.DeviceCookie, sent only to the sign-in pages, which marks a browser a
// member of staff has signed in on (see internal/auth/device.go).
const SessionCookie = "psu_session"

func init() {
	// Session values are gob-encoded; interface values need their types
	// registered.
	gob.Register(time.Time{})
}

func newSessions(cfg config.Config, db *store.DB) *scs.SessionManager {
	sm := scs.New()
	sm.Store = &sessionStore{db: db}
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure()
	sm.Cookie.Persist = false // gone when the browser closes: shared computers
	return sm
}

// sessionStore keeps sessions in the database, so every psu serve on the
// same database shares them.
type sessionStore struct{ db *store.DB }

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := store.Scan(s.db.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, store.Now()), &data)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	return data, err == nil, err
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry)
	return err
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes sessions past their expiry; the worker calls
// it periodically.
func DeleteExpiredSessions(ctx context.Context, db *store.DB) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, store.Now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
