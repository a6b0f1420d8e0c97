package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotSQLite means an operation that works on a SQLite file was asked of
// a PostgreSQL database.
var ErrNotSQLite = errors.New("the database is PostgreSQL, not a SQLite file")

// ErrInUse means a SQLite database has other connections open: a psu serve
// or another psu command is using it.
var ErrInUse = errors.New("the database is in use")

// Path is the file of a SQLite database.
func (db *DB) Path() (string, error) {
	if db.engine != SQLite {
		return "", ErrNotSQLite
	}
	return db.dsn, nil
}

// SQLitePath returns the file a sqlite:// database URL names.
func SQLitePath(url string) (string, error) {
	if !strings.HasPrefix(url, "sqlite://") {
		return "", ErrNotSQLite
	}
	return strings.TrimPrefix(url, "sqlite://"), nil
}

// Backup writes a consistent copy of the SQLite database to path while
// others keep reading and writing it: VACUUM INTO runs in one read
// transaction (WAL lets writers carry on), so the copy holds exactly what
// had committed when it began. It runs on a connection of its own, never
// the writer. path must not exist; the copy gets mode 0600 and is synced
// before Backup returns.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return ErrNotSQLite
	}
	// VACUUM INTO takes an empty file; making it first sets the mode and
	// refuses to overwrite anything.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(path)
		}
	}()
	conn, err := sql.Open("sqlite", db.dsn+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	done = true
	return nil
}

// OpenBackup opens a SQLite file read-only, changing nothing in it (no
// journal, no WAL), to check it before it is restored.
func OpenBackup(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cannot read it: %w", err)
	}
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1&_pragma=query_only(1)&_time_format=sqlite")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db := &DB{engine: SQLite, w: c, r: c, dsn: path, rebind: map[string]string{}}
	var n int
	if err := Scan(c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`), &n); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s is not a SQLite database psu can read: %w", path, err)
	}
	return db, nil
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns its
// findings as an error (at most ten), nil when the file is sound.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.engine != SQLite {
		return ErrNotSQLite
	}
	rows, err := db.r.QueryContext(ctx, `PRAGMA integrity_check(10)`)
	if err != nil {
		return fmt.Errorf("the integrity check could not finish, the file is damaged: %w", err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			found = append(found, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("the integrity check could not finish, the file is damaged: %w", err)
	}
	if len(found) > 0 {
		return fmt.Errorf("the integrity check found damage: %s", strings.Join(found, "; "))
	}
	return nil
}

// Column is one column of a table, as the schema declares it.
type Column struct {
	Table, Name, Type string
}

// Columns lists every column of every table in the database's schema
// (the current schema on PostgreSQL), types in lower case.
func Columns(ctx context.Context, q Querier) ([]Column, error) {
	query := `SELECT m.name, p.name, lower(p.type) FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`
	if q.Engine() == Postgres {
		query = `SELECT table_name, column_name, lower(data_type) FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: columns: %w", err)
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Table, &c.Name, &c.Type); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RestoreSQLite puts the SQLite file from in place of the database at path,
// keeping the database that was there as path.before-restore. It refuses
// while anything has the database open: leaving WAL mode needs the only
// connection, and the exclusive lock taken then keeps a psu that starts
// meanwhile waiting until the new file is in place. It returns where the
// previous database went ("" when there was none).
func RestoreSQLite(ctx context.Context, path, from string) (previous string, err error) {
	previous = path + ".before-restore"
	if _, err := os.Stat(previous); err == nil {
		return "", fmt.Errorf("%s is there from an earlier restore: move it somewhere safe first", previous)
	}
	_, err = os.Stat(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if exists {
		release, err := lockAlone(ctx, path)
		if err != nil {
			return "", err
		}
		defer release()
	} else {
		previous = ""
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", err
		}
	}
	for _, side := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(path + side); err == nil {
			return "", fmt.Errorf("%s%s is there without the database in use: a psu stopped uncleanly; start and stop psu once, then try again", path, side)
		}
	}
	tmp := path + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		return "", err
	}
	if exists {
		if err := os.Rename(path, previous); err != nil {
			os.Remove(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		if exists {
			os.Rename(previous, path)
		}
		os.Remove(tmp)
		return "", err
	}
	os.Remove(path + "-shm")
	syncDir(filepath.Dir(path))
	return previous, nil
}

// lockAlone takes the database at path for this process alone: it folds
// the WAL into the file and leaves WAL mode (which SQLite allows only to
// the one connection open), then holds an exclusive lock until release.
func lockAlone(ctx context.Context, path string) (release func(), err error) {
	pool, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		return nil, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("%w: %w", ErrInUse, err)
	}
	fail := func(err error) (func(), error) {
		conn.Close()
		pool.Close()
		return nil, err
	}
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode); err != nil {
		return fail(fmt.Errorf("%w: %w", ErrInUse, err))
	}
	if mode != "delete" {
		return fail(fmt.Errorf("%w (journal mode stays %s)", ErrInUse, mode))
	}
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return fail(fmt.Errorf("%w: %w", ErrInUse, err))
	}
	return func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		pool.Close()
	}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(to)
	}
	return err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
