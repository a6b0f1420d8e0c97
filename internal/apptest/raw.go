package apptest

import (
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/testenv"
)

// RawData is everything the instance's database holds as it lies on disk
// or in a backup: on SQLite the database file and its WAL, on PostgreSQL
// pg_dump's plain output for the instance's schema. Tests search it for
// what must never be stored readably.
func (in *Instance) RawData(t testing.TB) []byte {
	t.Helper()
	if path, ok := strings.CutPrefix(in.DBURL, "sqlite://"); ok {
		var raw []byte
		for _, f := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			raw = append(raw, b...)
		}
		return raw
	}
	u, err := url.Parse(in.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		testenv.Missing(t, "the PostgreSQL plain-text tests need pg_dump (apt-get install postgresql-client)")
	}
	out, err := exec.Command(pgDump, "--dbname="+u.String(), "--schema="+schema, "--no-owner").Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return out
}
