// Package storetest gives each test its own fresh, migrated database: a file
// in a temporary folder on SQLite, a schema of its own on PostgreSQL (when
// PSU_TEST_DATABASE_URL is set), dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/testenv"
)

// Engines are the engines every store-backed test runs on.
var Engines = []store.Engine{store.SQLite, store.Postgres}

// Each runs fn as a subtest per engine, each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh migrated database on engine e.
func Open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t, e))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// URL returns the URL of a fresh, empty database on engine e, for tests that
// start psu itself. On PostgreSQL it is a new schema, dropped at cleanup.
func URL(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return "sqlite://" + filepath.Join(t.TempDir(), "psu.db")
	}
	base := os.Getenv("PSU_TEST_DATABASE_URL")
	if base == "" {
		testenv.Missing(t, "PostgreSQL tests need PSU_TEST_DATABASE_URL=postgres://user:password@host/db")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at PSU_TEST_DATABASE_URL: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
