package pages_test

import (
	"testing"
	"time"

	"github.com/psu-project/psu/internal/pages"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Migration 0025 carries the biographies administrators typed into the
// old advisers table over as published entries with no account.
func TestMigrationCarriesOldBiographiesOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		// Back to the schema before 0025 (for its tables), with one
		// biography in it.
		created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		for _, q := range []string{
			`DROP TABLE adviser_bios`,
			`CREATE TABLE advisers (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, background TEXT NOT NULL,
				created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		id := store.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO advisers (id, name, role, background, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, "Dr Robin Example", "Associate Dean", "A GP educator.", created, created); err != nil {
			t.Fatal(err)
		}
		// Run 0025 again by itself: later migrations stay as they are.
		ms, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(ctx, ms[24].SQL); return err }); err != nil || ms[24].Version != 25 {
			t.Fatalf("migration %d: %v", ms[24].Version, err)
		}
		bs, err := pages.PublishedBios(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 1 || bs[0].ID != id || bs[0].Name != "Dr Robin Example" || bs[0].Role != "Associate Dean" || bs[0].UserID != "" ||
			bs[0].HasPhoto || !bs[0].PublishedAt.Equal(created) {
			t.Errorf("carried over: %+v", bs)
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 25`), &n); err != nil || n != 1 {
			t.Errorf("0025 not recorded: %d %v", n, err)
		}
	})
}
