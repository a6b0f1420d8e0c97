// Package ratelimit counts attempts in fixed windows kept in the database, so
// every psu serve behind a load balancer enforces the same limit.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// Limit is at most N hits per Window.
type Limit struct {
	N      int
	Window time.Duration
}

// Limiter checks and records hits.
type Limiter struct{ db *store.DB }

// New returns a Limiter on db.
func New(db *store.DB) *Limiter { return &Limiter{db: db} }

// Allow records a hit on bucket and reports whether it is within l. When it
// is not, retryAfter says how long until the window resets.
func (lm *Limiter) Allow(ctx context.Context, bucket string, l Limit) (ok bool, retryAfter time.Duration, err error) {
	now := store.Now()
	start := now.Truncate(l.Window)
	var hits int
	err = lm.db.Tx(ctx, func(tx *store.Tx) error {
		return store.Scan(tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
			RETURNING hits`, bucket, start), &hits)
	})
	if err != nil {
		return false, 0, fmt.Errorf("ratelimit: %w", err)
	}
	if hits > l.N {
		return false, start.Add(l.Window).Sub(now), nil
	}
	return true, 0, nil
}

// Reset forgets a bucket's hits, for example after a successful sign-in.
func (lm *Limiter) Reset(ctx context.Context, bucket string) error {
	_, err := lm.db.ExecContext(ctx, `DELETE FROM rate_limits WHERE bucket = ?`, bucket)
	return err
}

// DeleteExpired removes windows that ended before horizon ago.
func (lm *Limiter) DeleteExpired(ctx context.Context, horizon time.Duration) (int64, error) {
	res, err := lm.db.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, store.Now().Add(-horizon))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
