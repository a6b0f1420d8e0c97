package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var ctx = context.Background()

func TestMigrationsAreCurrentAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("fresh database not current: %v", err)
		}
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %d, err %v", len(applied), err)
		}
	})
}

func TestRefusesSchemaNewerThanBinary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ms, _ := db.Migrations()
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', ?)`, len(ms)+1, store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("CheckSchema = %v, want ErrSchemaNewer", err)
		}
		if _, err := db.Migrate(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("Migrate = %v, want ErrSchemaNewer", err)
		}
	})
}

func TestTxRollsBackAndRunsHooksOnlyAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insert := `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`
		ran := 0
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			if _, err := tx.ExecContext(ctx, insert, "rolled-back", store.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || ran != 0 {
			t.Fatalf("err=%v ran=%d", err, ran)
		}
		var n int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits WHERE bucket = 'rolled-back'`), &n)
		if n != 0 {
			t.Fatal("rolled-back row is visible")
		}
		err = db.Tx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			_, err := tx.ExecContext(ctx, insert, "kept", store.Now())
			return err
		})
		if err != nil || ran != 1 {
			t.Fatalf("err=%v ran=%d", err, ran)
		}
	})
}

// Writes moves on only once a write has ended, committed or not, and only
// for writes.
func TestWritesCountsEndedWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insert := `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`
		before := db.Writes()
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, insert, "counted", store.Now())
			if db.Writes() != before {
				t.Error("counted before the commit")
			}
			return err
		})
		if err != nil || db.Writes() != before+1 {
			t.Fatalf("after a commit: %v, %d writes", err, db.Writes()-before)
		}
		db.Tx(ctx, func(*store.Tx) error { return errors.New("rolled back") })
		db.ExecContext(ctx, insert, "alone", store.Now())
		var n int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits`), &n)
		db.ReadTx(ctx, func(*store.Tx) error { return nil })
		if got := db.Writes() - before; got != 3 {
			t.Errorf("%d writes counted, want 3", got)
		}
	})
}

func TestErrorsMapToSentinels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := store.Now()
		insert := `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`
		if _, err := db.ExecContext(ctx, insert, "b", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, insert, "b", now); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate insert = %v, want ErrConflict", err)
		}
		err := db.Tx(ctx, func(tx *store.Tx) error {
			var x int
			return store.Scan(tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) RETURNING hits`, "b", now), &x)
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate insert … returning = %v, want ErrConflict", err)
		}
		var hits int
		err = store.Scan(db.QueryRowContext(ctx, `SELECT hits FROM rate_limits WHERE bucket = ?`, "nope"), &hits)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row = %v, want ErrNotFound", err)
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		london, _ := time.LoadLocation("Europe/London")
		in := time.Date(2026, 7, 1, 9, 30, 15, 123456789, london)
		if _, err := db.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('t', ?, 1)`, in); err != nil {
			t.Fatal(err)
		}
		var out time.Time
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT window_start FROM rate_limits WHERE bucket = 't'`), &out); err != nil {
			t.Fatal(err)
		}
		want := in.UTC().Truncate(time.Microsecond)
		if _, off := out.Zone(); !out.Equal(want) || off != 0 {
			t.Fatalf("read %v (%v), want %v UTC", out, out.Location(), want)
		}
		// Comparisons in SQL must agree with time order on both engines.
		var n int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits WHERE window_start < ?`, want.Add(time.Microsecond)), &n)
		if n != 1 {
			t.Fatalf("window_start < later time matched %d rows", n)
		}
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits WHERE window_start < ?`, want), &n)
		if n != 0 {
			t.Fatalf("window_start < itself matched %d rows", n)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_role, action) VALUES (?, ?, 'system', 'test')`, store.NewID(), store.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE audit_log SET action = 'changed'`); err == nil {
			t.Fatal("UPDATE of audit_log succeeded")
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("DELETE from audit_log succeeded")
		}
	})
}

func TestNewIDIsUUIDv7AndOrdered(t *testing.T) {
	a, b := store.NewID(), store.NewID()
	if !store.ValidID(a) || a[14] != '7' || !(a < b) {
		t.Fatalf("ids %s %s", a, b)
	}
	if store.ValidID("not-an-id") || store.ValidID("01A2011F-88D1-7E13-91F2-48654848BBDD") {
		t.Fatal("ValidID accepts a non-canonical id")
	}
}

func TestMigrationFilesCombineSharedAndEngineSQL(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_base.sql":            {Data: []byte("CREATE TABLE a (x TEXT);")},
		"migrations/0002_search.sql":          {Data: []byte("CREATE TABLE b (x TEXT);")},
		"migrations/0002_search.sqlite.sql":   {Data: []byte("-- sqlite part")},
		"migrations/0002_search.postgres.sql": {Data: []byte("-- postgres part")},
	}
	ms, err := store.MigrationsFor(fsys, store.Postgres)
	if err != nil || len(ms) != 2 {
		t.Fatalf("%v %v", ms, err)
	}
	if !strings.Contains(ms[1].SQL, "CREATE TABLE b") || !strings.Contains(ms[1].SQL, "postgres part") || strings.Contains(ms[1].SQL, "sqlite part") {
		t.Errorf("postgres 0002 = %q", ms[1].SQL)
	}
	for name, bad := range map[string]fstest.MapFS{
		"gap":       {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"two names": {"migrations/0001_a.sql": {}, "migrations/0001_b.sqlite.sql": {}},
		"engine":    {"migrations/0001_a.mysql.sql": {}},
		"no number": {"migrations/first.sql": {}},
	} {
		if _, err := store.MigrationsFor(bad, store.SQLite); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadTxSeesOneState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		count := func(q store.Querier) int {
			t.Helper()
			var n int
			if err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits`), &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := func(bucket string) {
			t.Helper()
			if _, err := db.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`, bucket, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		insert("before")
		err := db.ReadTx(ctx, func(tx *store.Tx) error {
			if n := count(tx); n != 1 {
				t.Errorf("first read: %d rows, want 1", n)
			}
			insert("during")
			if n := count(tx); n != 1 {
				t.Errorf("a row committed meanwhile is visible: %d rows, want 1", n)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM rate_limits`); err == nil {
				t.Error("a write inside ReadTx succeeded")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(db); n != 2 {
			t.Errorf("after: %d rows, want 2", n)
		}
		// Inside a transaction, ReadTx is that transaction.
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('mine', ?, 1)`, store.Now()); err != nil {
				return err
			}
			return tx.ReadTx(ctx, func(in *store.Tx) error {
				if n := count(in); n != 3 {
					t.Errorf("ReadTx in a transaction: %d rows, want 3", n)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
