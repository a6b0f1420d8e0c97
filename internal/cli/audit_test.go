package cli

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var anchorRE = regexp.MustCompile(`Newest entry: (\d+:[0-9a-f]{64})`)

// psu audit verify says a clean log is whole (exit 0) and prints an anchor;
// after someone changes an entry behind psu's back it exits 1 naming the
// entry.
func TestAuditVerify(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dbURL := storetest.URL(t, e)
			if code, _, errOut := run(t, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			if code, out, errOut := run(t, dbURL, "", "audit", "verify"); code != 0 || !strings.Contains(out, "no chained entries yet") {
				t.Fatalf("empty log: %d %q %q", code, out, errOut)
			}
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for i := range 4 {
				if err := audit.Record(ctx, db, audit.Event{ActorRole: "system", Action: "test.entry", TargetType: "test", TargetID: strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
			var second string
			if err := store.Scan(db.QueryRowContext(ctx, `SELECT id FROM audit_log WHERE seq = 2`), &second); err != nil {
				t.Fatal(err)
			}

			code, out, errOut := run(t, dbURL, "", "audit", "verify")
			if code != 0 || !strings.Contains(out, "whole: 4 entries checked") || errOut != "" {
				t.Fatalf("clean log: %d %q %q", code, out, errOut)
			}
			m := anchorRE.FindStringSubmatch(out)
			if m == nil || !strings.HasPrefix(m[1], "4:") {
				t.Fatalf("no anchor for entry 4 in %q", out)
			}
			if code, out, errOut := run(t, dbURL, "", "audit", "verify", "--anchor", m[1]); code != 0 || !strings.Contains(out, "Entry 4 is the one the anchor noted") {
				t.Fatalf("with its own anchor: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := run(t, dbURL, "", "audit", "verify", "--anchor", "4:abc"); code != 2 || !strings.Contains(errOut, "64-character hash") {
				t.Errorf("a bad anchor: %d %q", code, errOut)
			}

			// Someone with the database's credentials drops the trigger and
			// edits entry 2.
			driver, dsn := "pgx", dbURL
			if e == store.SQLite {
				driver, dsn = "sqlite", strings.TrimPrefix(dbURL, "sqlite://")
			}
			conn, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			tamper := []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET target_type = 'nothing' WHERE seq = 2`}
			if e == store.Postgres {
				tamper[0] = `DROP TRIGGER audit_log_no_change ON audit_log`
			}
			for _, q := range tamper {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			code, out, errOut = run(t, dbURL, "", "audit", "verify")
			if code != 1 || !strings.Contains(errOut, "entry 2 (id "+second+") was changed") || !strings.Contains(errOut, "Entry 1 checks out") {
				t.Fatalf("tampered log: %d %q %q", code, out, errOut)
			}
		})
	}
}
