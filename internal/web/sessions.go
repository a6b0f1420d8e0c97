package web

import (
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"net/http"
	"sync"
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
	sm.Store = &sessionStore{db: db, read: map[string]readSession{}}
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
//
// With an idle timeout, scs commits the session at the end of every request
// to move its expiry on, which would make every signed-in page view a
// database write. sessionStore skips a commit whose data is what this
// instance read for the token at the start of the request and whose expiry
// moves by less than refreshEvery: the stored expiry then lags the real one
// by at most that much, so an idle session ends up to a minute early, never
// late. Any change of data is written at once.
type sessionStore struct {
	db   *store.DB
	mu   sync.Mutex
	read map[string]readSession // per token, what FindCtx last read
}

type readSession struct {
	sum    [sha256.Size]byte
	expiry time.Time
}

const (
	refreshEvery = time.Minute
	// maxRemembered bounds the memory; past it the map starts again, which
	// costs only writes that could have been skipped.
	maxRemembered = 20000
)

func (s *sessionStore) remember(token string, b []byte, expiry time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.read) >= maxRemembered {
		clear(s.read)
	}
	s.read[token] = readSession{sha256.Sum256(b), expiry}
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry store.Time
	err := store.Scan(s.db.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`, token, store.Now()), &data, &expiry)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err == nil {
		s.remember(token, data, expiry.Time)
	}
	return data, err == nil, err
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	s.mu.Lock()
	prev, ok := s.read[token]
	s.mu.Unlock()
	if ok && prev.sum == sha256.Sum256(b) && expiry.Sub(prev.expiry) < refreshEvery && !expiry.Before(prev.expiry) {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry)
	if err == nil {
		s.remember(token, b, expiry)
	}
	return err
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.mu.Lock()
	delete(s.read, token)
	s.mu.Unlock()
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
