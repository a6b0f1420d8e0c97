package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// closedPort is a local TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Unavailable tells a database that cannot be reached or cannot take work
// now from a query or data that is wrong, on real errors from each engine.
func TestUnavailableTellsOutagesFromFaults(t *testing.T) {
	ctx := context.Background()
	type result struct {
		what string
		err  error
		want bool
	}
	common := []result{
		{"no error", nil, false},
		{"not found", store.ErrNotFound, false},
		{"conflict", fmt.Errorf("wrapped: %w", store.ErrConflict), false},
		{"context canceled", context.Canceled, false},
		{"bad connection", fmt.Errorf("x: %w", sql.ErrConnDone), true},
	}
	t.Run("sqlite", func(t *testing.T) {
		db := storetest.Open(t, store.SQLite)
		_, syntax := db.ExecContext(ctx, `SELEKT 1`)
		_, readOnly := db.QueryContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('x', ?, 1) RETURNING hits`, store.Now())
		// The database's folder is gone: the file cannot be opened.
		gone, _ := sql.Open("sqlite", filepath.Join(t.TempDir(), "no-such-folder", "psu.db")+"?mode=rw")
		defer gone.Close()
		cantOpen := gone.PingContext(ctx)
		cases := append(common,
			result{"syntax error", syntax, false},
			result{"write through the read-only pool", readOnly, false},
			result{"file cannot be opened", cantOpen, true},
		)
		for _, c := range cases {
			if c.err == nil && c.what != "no error" {
				t.Fatalf("%s: no error produced", c.what)
			}
			if got := store.Unavailable(c.err); got != c.want {
				t.Errorf("%s (%v): Unavailable = %v, want %v", c.what, c.err, got, c.want)
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		db := storetest.Open(t, store.Postgres)
		_, syntax := db.ExecContext(ctx, `SELEKT 1`)
		now := store.Now()
		db.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('x', ?, 1)`, now)
		_, dup := db.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('x', ?, 1)`, now)
		_, refused := store.Open(ctx, "postgres://psu:psu@"+closedPort(t)+"/psu?connect_timeout=5")
		// The server ends the connection, as it does when shut down.
		_, terminated := db.ExecContext(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
		cases := append(common,
			result{"syntax error", syntax, false},
			result{"unique violation", dup, false},
			result{"connection refused", refused, true},
			result{"connection terminated by the server", terminated, true},
		)
		for _, c := range cases {
			if c.err == nil && c.what != "no error" {
				t.Fatalf("%s: no error produced", c.what)
			}
			if got := store.Unavailable(c.err); got != c.want {
				t.Errorf("%s (%v): Unavailable = %v, want %v", c.what, c.err, got, c.want)
			}
		}
		if !errors.Is(dup, store.ErrConflict) {
			t.Errorf("duplicate: %v", dup)
		}
	})
}
