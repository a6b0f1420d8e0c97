package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var ctx = context.Background()

// eachEngine runs fn per engine with a fresh migrated database and its URL,
// for tests that also reach the database behind psu's back.
func eachEngine(t *testing.T, fn func(t *testing.T, db *store.DB, url string)) {
	t.Helper()
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			url := storetest.URL(t, e)
			db := open(t, url)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, db, url)
		})
	}
}

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// intruder is someone with their own connection to the database, as an
// attacker holding its credentials would have: no psu code between them and
// the tables, and free to drop the append-only triggers first.
type intruder struct {
	t      *testing.T
	engine store.Engine
	conn   *sql.DB
}

func newIntruder(t *testing.T, db *store.DB, url string) *intruder {
	t.Helper()
	driver, dsn := "pgx", url
	if db.Engine() == store.SQLite {
		driver, dsn = "sqlite", strings.TrimPrefix(url, "sqlite://")
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetMaxOpenConns(1)
	t.Cleanup(func() { conn.Close() })
	return &intruder{t: t, engine: db.Engine(), conn: conn}
}

// exec runs q (with ? placeholders) and fails the test on an error.
func (in *intruder) exec(q string, args ...any) {
	in.t.Helper()
	if in.engine == store.Postgres {
		n := 0
		var b strings.Builder
		for _, c := range q {
			if c == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(c)
		}
		q = b.String()
	}
	if _, err := in.conn.ExecContext(ctx, q, args...); err != nil {
		in.t.Fatalf("%s: %v", q, err)
	}
}

// dropTriggers removes what stops UPDATE and DELETE on audit_log.
func (in *intruder) dropTriggers() {
	in.t.Helper()
	if in.engine == store.Postgres {
		in.exec(`DROP TRIGGER audit_log_no_change ON audit_log`)
		return
	}
	in.exec(`DROP TRIGGER audit_log_no_update`)
	in.exec(`DROP TRIGGER audit_log_no_delete`)
}

// row reads entry seq as stored, for an intruder who recomputes hashes.
func row(t *testing.T, db *store.DB, seq int64) entry {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT `+entryColumns+` FROM audit_log WHERE seq = ?`, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no entry %d", seq)
	}
	var en entry
	if err := en.scan(rows); err != nil {
		t.Fatal(err)
	}
	return en
}

// record appends n entries and returns their ids, in order.
func record(t *testing.T, db *store.DB, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return Record(ctx, tx, Event{ActorID: store.NewID(), ActorRole: "adviser", Action: "case.viewed",
				TargetType: "case", TargetID: fmt.Sprint(i), CaseID: "case-1", Source: "192.0.2.7", Detail: fmt.Sprint("entry ", i)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// legacy writes an entry as psu did before the chain began.
func legacy(t *testing.T, db *store.DB, action string) string {
	t.Helper()
	id := store.NewID()
	if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_role, action) VALUES (?, ?, 'system', ?)`, id, store.Now(), action); err != nil {
		t.Fatal(err)
	}
	return id
}

func verify(t *testing.T, db *store.DB, anchors ...Anchor) Report {
	t.Helper()
	rep, err := Verify(ctx, db, anchors...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
