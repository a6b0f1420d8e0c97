// Package ratelimit counts attempts in fixed windows kept in the database, so
// every psu serve behind a load balancer enforces the same limit.
//
// Callers name a bucket in plain words ("sign-in:account:" and the address
// typed); the table keeps only a keyed hash of it, so what people typed and
// where they came from never rest in the database readably, whichever
// caller named the bucket.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Limit is at most N hits per Window.
type Limit struct {
	N      int
	Window time.Duration
}

// Limiter checks and records hits.
type Limiter struct {
	db     *store.DB
	sealer *seal.Sealer
}

// New returns a Limiter on db that stores buckets as keyed hashes under
// sealer's key.
func New(db *store.DB, sealer *seal.Sealer) *Limiter {
	if sealer == nil {
		panic(errors.New("ratelimit: a sealer is required"))
	}
	return &Limiter{db: db, sealer: sealer}
}

// key is the stored form of bucket: HMAC-SHA-256 under a key derived from
// the data key, so equal buckets meet in one row on every instance and the
// row says nothing about who or what it counts.
func (lm *Limiter) key(bucket string) string { return lm.sealer.Blind(bucket, "ratelimit.bucket") }

// Allow records a hit on bucket and reports whether it is within l. When it
// is not, retryAfter says how long until the window resets.
func (lm *Limiter) Allow(ctx context.Context, bucket string, l Limit) (ok bool, retryAfter time.Duration, err error) {
	now := store.Now()
	start := now.Truncate(l.Window)
	key := lm.key(bucket)
	var hits int
	err = lm.db.Tx(ctx, func(tx *store.Tx) error {
		return store.Scan(tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
			RETURNING hits`, key, start), &hits)
	})
	if err != nil {
		return false, 0, fmt.Errorf("ratelimit: %w", err)
	}
	if hits > l.N {
		return false, start.Add(l.Window).Sub(now), nil
	}
	return true, 0, nil
}

// Check is one limit on one bucket.
type Check struct {
	Bucket string
	Limit  Limit
}

// AllowAll counts a request against every check in turn; the first that
// is full refuses it and says how long to wait.
func (lm *Limiter) AllowAll(ctx context.Context, checks ...Check) (ok bool, retryAfter time.Duration, err error) {
	for _, c := range checks {
		if ok, retryAfter, err = lm.Allow(ctx, c.Bucket, c.Limit); err != nil || !ok {
			return false, retryAfter, err
		}
	}
	return true, 0, nil
}

// Reset forgets a bucket's hits, for example after a successful sign-in.
func (lm *Limiter) Reset(ctx context.Context, bucket string) error {
	_, err := lm.db.ExecContext(ctx, `DELETE FROM rate_limits WHERE bucket = ?`, lm.key(bucket))
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
