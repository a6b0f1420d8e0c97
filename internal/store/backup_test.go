package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func countSettings(t *testing.T, q store.Querier) int {
	t.Helper()
	var n int
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM backup_test`), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A backup taken while another connection writes holds every row committed
// before it began, opens read-only, passes the integrity check, and can be
// put in place of a database nobody has open.
func TestBackupAndRestoreSQLite(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	if _, err := db.ExecContext(ctx, `CREATE TABLE backup_test (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := func() error {
		_, err := db.ExecContext(ctx, `INSERT INTO backup_test (id) VALUES (?)`, store.NewID())
		return err
	}
	for range 50 {
		if err := insert(); err != nil {
			t.Fatal(err)
		}
	}
	var committed atomic.Int64
	committed.Store(50)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := insert(); err != nil {
				t.Error(err)
				return
			}
			committed.Add(1)
		}
	}()
	for committed.Load() < 80 {
		runtime.Gosched()
	}
	before := committed.Load()
	file := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	if err := db.Backup(ctx, file); err == nil {
		t.Error("a backup overwrote an existing file")
	}

	b, err := store.OpenBackup(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countSettings(t, b); int64(n) < before {
		t.Fatalf("the backup has %d rows; %d had committed before it began", n, before)
	}
	if err := b.CheckSchema(ctx); err != nil {
		t.Errorf("backup schema: %v", err)
	}
	if _, err := b.ExecContext(ctx, `DELETE FROM backup_test`); err == nil {
		t.Error("a backup opened for checking took a write")
	}
	b.Close()

	// The live database is open (db): restoring over it is refused.
	live, _ := db.Path()
	if _, err := store.RestoreSQLite(ctx, live, file); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("restore over an open database: %v", err)
	}
	liveRows := countSettings(t, db)
	db.Close()
	prev, err := store.RestoreSQLite(ctx, live, file)
	if err != nil || prev != live+".before-restore" {
		t.Fatalf("restore: %q %v", prev, err)
	}
	for _, side := range []string{"-wal", "-shm", ".restoring"} {
		if _, err := os.Stat(live + side); err == nil {
			t.Errorf("%s left beside the restored database", side)
		}
	}
	again, err := store.Open(ctx, "sqlite://"+live)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n := countSettings(t, again); int64(n) < before || n >= liveRows {
		t.Errorf("restored database has %d rows (backup began after %d, live had %d)", n, before, liveRows)
	}
	old, err := store.Open(ctx, "sqlite://"+prev)
	if err != nil {
		t.Fatal(err)
	}
	if n := countSettings(t, old); n != liveRows {
		t.Errorf("the database kept before the restore has %d rows, want %d", n, liveRows)
	}
	old.Close()
	again.Close()
	if _, err := store.RestoreSQLite(ctx, live, file); err == nil || !strings.Contains(err.Error(), "earlier restore") {
		t.Errorf("a second restore would overwrite the first's kept database: %v", err)
	}

	// Into a folder with no database yet.
	fresh := filepath.Join(t.TempDir(), "new", "psu.db")
	if prev, err := store.RestoreSQLite(ctx, fresh, file); err != nil || prev != "" {
		t.Fatalf("restore into an empty folder: %q %v", prev, err)
	}
}

func TestOpenBackupFindsDamage(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	file := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite pages in the middle of the file: table and index pages.
	for i := len(b) / 3; i < len(b)/3+8192 && i < len(b); i++ {
		b[i] = 0x5a
	}
	os.WriteFile(file, b, 0o600)
	copyDB, err := store.OpenBackup(ctx, file)
	if err == nil {
		err = copyDB.IntegrityCheck(ctx)
		copyDB.Close()
	}
	if err == nil {
		t.Fatal("a damaged backup passed")
	}
	os.WriteFile(file, []byte("not a database at all, just text"), 0o600)
	if b, err := store.OpenBackup(ctx, file); err == nil {
		b.Close()
		t.Fatal("a text file opened as a backup")
	}
}

func TestBackupIsForSQLiteAndColumnsListBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Backup(ctx, filepath.Join(t.TempDir(), "x.db"))
		if (db.Engine() == store.Postgres) != errors.Is(err, store.ErrNotSQLite) {
			t.Errorf("backup on %s: %v", db.Engine(), err)
		}
		cols, err := store.Columns(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range cols {
			if c.Table == "outbox" && c.Name == "body" {
				found = c.Type == "bytea"
			}
		}
		if !found {
			t.Errorf("outbox.body is not listed as bytea: %v", cols)
		}
	})
}
