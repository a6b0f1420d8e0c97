package audit

import (
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A database with audit entries from before migration 0008 keeps them,
// outside the chain; the first entry written afterwards links to them, so
// they are covered from then on; the append-only triggers still hold.
func TestMigrationChainsOnFromExistingEntries(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db := open(t, storetest.URL(t, e))
			ms, err := db.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			// The schema as psu left it before 0008, applied as Migrate would.
			if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			for _, m := range ms[:7] {
				err := db.Tx(ctx, func(tx *store.Tx) error {
					if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.Now())
					return err
				})
				if err != nil {
					t.Fatalf("migration %d: %v", m.Version, err)
				}
			}
			old := []string{legacy(t, db, "auth.sign_in"), legacy(t, db, "auth.sign_out"), legacy(t, db, "directory.import")}
			if applied, err := db.Migrate(ctx); err != nil || len(applied) == 0 || applied[0].Version != 8 {
				t.Fatalf("migrate: %v %v", applied, err)
			}

			var unchained int
			store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE seq IS NULL AND hash IS NULL AND case_id = '' AND source = ''`), &unchained)
			if unchained != len(old) {
				t.Fatalf("%d entries from before the chain as they were, want %d", unchained, len(old))
			}
			if rep := verify(t, db); !rep.OK() || rep.Checked != 0 || rep.BeforeChain != 3 {
				t.Fatalf("before the first chained entry: %+v %v", rep, rep.Problem)
			}
			record(t, db, 2)
			if rep := verify(t, db); !rep.OK() || rep.Checked != 2 || rep.BeforeChain != 3 {
				t.Fatalf("after two entries: %+v %v", rep, rep.Problem)
			}
			b, err := digestBefore(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if first := row(t, db, 1); first.prevHash.String != b.digest {
				t.Errorf("the first chained entry links to %s, want the digest of the earlier entries %s", first.prevHash.String, b.digest)
			}

			for _, q := range []string{`UPDATE audit_log SET detail = 'x' WHERE id = ?`, `DELETE FROM audit_log WHERE id = ?`} {
				for _, id := range []string{old[0], row(t, db, 1).id.String} {
					if _, err := db.ExecContext(ctx, q, id); err == nil {
						t.Errorf("%s succeeded on %s", q, id)
					}
				}
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, seq, at, actor_role, action) VALUES (?, 1, ?, 'system', 'again')`, store.NewID(), store.Now()); err == nil {
				t.Error("a second entry took place 1")
			}
		})
	}
}
