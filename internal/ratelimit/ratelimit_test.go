package ratelimit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func sealer(t *testing.T, fill byte) *seal.Sealer {
	t.Helper()
	key := make([]byte, 32)
	for i := range key {
		key[i] = fill
	}
	s, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLimitIsSharedAndExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Two limiters on one database, with the same key, stand for two
		// psu serve processes.
		a, b := ratelimit.New(db, sealer(t, 1)), ratelimit.New(db, sealer(t, 1))
		l := ratelimit.Limit{N: 10, Window: time.Hour}
		var mu sync.Mutex
		allowed := 0
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func(lm *ratelimit.Limiter) {
				defer wg.Done()
				ok, _, err := lm.Allow(ctx, "ip:198.51.100.7", l)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}(map[bool]*ratelimit.Limiter{true: a, false: b}[i%2 == 0])
		}
		wg.Wait()
		if allowed != 10 {
			t.Fatalf("allowed %d of 30, want exactly 10", allowed)
		}
		ok, retry, _ := a.Allow(ctx, "ip:198.51.100.7", l)
		if ok || retry <= 0 || retry > time.Hour {
			t.Fatalf("over limit: ok=%v retry=%v", ok, retry)
		}
		if ok, _, _ := a.Allow(ctx, "ip:203.0.113.9", l); !ok {
			t.Fatal("another bucket was limited")
		}
		a.Reset(ctx, "ip:198.51.100.7")
		if ok, _, _ := b.Allow(ctx, "ip:198.51.100.7", l); !ok {
			t.Fatal("reset bucket still limited")
		}
	})
}

// The table never holds a bucket as its caller named it: an e-mail address
// typed into a form (in any letter case) and a client's IP address are kept
// only as keyed hashes, which a database copy without the key cannot test
// guesses against.
func TestBucketsAreStoredAsKeyedHashes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lm := ratelimit.New(db, sealer(t, 1))
		l := ratelimit.Limit{N: 2, Window: time.Hour}
		secrets := []string{"Dr.Jane.Doe@Example.NHS.uk", "198.51.100.23"}
		buckets := []string{"sign-in:account:" + secrets[0], "application.mail:ip:" + secrets[1]}
		for _, b := range buckets {
			for i := 0; i < 3; i++ {
				if _, _, err := lm.Allow(ctx, b, l); err != nil {
					t.Fatal(err)
				}
			}
		}
		rows, err := db.QueryContext(ctx, `SELECT bucket FROM rate_limits`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var stored []string
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			stored = append(stored, b)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(buckets) {
			t.Fatalf("%d rows, want %d: %q", len(stored), len(buckets), stored)
		}
		for _, b := range stored {
			for _, word := range []string{"jane", "doe", "example", "nhs", "@", "198.51", "100.23", "sign-in", "ip:"} {
				if strings.Contains(strings.ToLower(b), word) {
					t.Errorf("stored bucket %q contains %q", b, word)
				}
			}
		}
		// The hash is keyed: another key counts the same words in another
		// row, so a stolen table cannot be matched against a list of
		// addresses.
		other := ratelimit.New(db, sealer(t, 2))
		if ok, _, _ := other.Allow(ctx, buckets[0], l); !ok {
			t.Error("a limiter with another key shares the first key's row")
		}
		if ok, _, _ := lm.Allow(ctx, buckets[0], l); ok {
			t.Error("the full bucket was allowed another hit")
		}
	})
}

// Migration 9 empties the table of buckets written in plain words.
func TestMigrationDropsPlainBuckets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		var sql string
		for _, m := range ms {
			if m.Version == 9 {
				sql = m.SQL
			}
		}
		if sql == "" {
			t.Fatal("no migration 9")
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`, "sign-in:account:jane@example.nhs.uk", store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, sql)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits`), &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows left after migration 9", n)
		}
	})
}
