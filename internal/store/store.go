// Package store is psu's one door to the database. It opens SQLite or
// PostgreSQL from a URL, applies the embedded migrations, runs transactions as
// closures with after-commit hooks, and maps driver errors to the sentinels
// below. Domain packages write their own SQL against the Querier interface,
// using ? placeholders; the store rewrites them for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Sentinel errors every engine's driver errors are mapped to.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Querier is what both *DB and *Tx offer, so a domain function can run alone
// or inside a caller's transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Engine() Engine
	// ReadTx runs fn where every read sees one committed state of the
	// database (see DB.ReadTx); inside a transaction, the transaction.
	ReadTx(ctx context.Context, fn func(tx *Tx) error) error
}

// DB holds a writer and a reader pool. On SQLite the writer is one connection
// (SQLite has one writer at a time; queueing in Go beats SQLITE_BUSY) and the
// reader a wider pool; on PostgreSQL both are the same pgx pool.
type DB struct {
	engine Engine
	w, r   *sql.DB
	dsn    string

	mu     sync.RWMutex
	rebind map[string]string

	writes atomic.Uint64 // writes this process has finished (Writes)
}

// Open connects to url (sqlite://path or postgres://…) and checks the
// connection. It does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		db, err = openSQLite(strings.TrimPrefix(url, "sqlite://"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = openPostgres(url)
	default:
		return nil, fmt.Errorf("store: unsupported database URL (want sqlite:// or postgres://)")
	}
	if err != nil {
		return nil, err
	}
	db.rebind = map[string]string{}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Engine reports which engine this is.
func (db *DB) Engine() Engine { return db.engine }

// Optimize refreshes, where they are missing or out of date, the table
// statistics SQLite's query planner picks indexes by: without them it
// cannot tell that a partial index (the open cases of one adviser, the
// clocks still running) holds a few rows of a large table. It looks at each
// table's size and analyses only those that have changed a lot, reading a
// bounded sample of each, so it is cheap to run often; the worker runs it
// at start and every few minutes. On PostgreSQL autovacuum does this.
func (db *DB) Optimize(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
	}
	for _, q := range []string{`PRAGMA analysis_limit = 1000`, `PRAGMA optimize = 0x10002`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: optimize: %w", mapErr(err))
		}
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Stats returns the pool statistics of the reader and the writer.
func (db *DB) Stats() (reader, writer sql.DBStats) { return db.r.Stats(), db.w.Stats() }

// Writes counts the writes (ExecContext, Tx) this process has finished on
// this database, committed or not: a value read before a read of the
// database that is still the same afterwards means no write through this
// process ended in between, so that read saw every one of them.
func (db *DB) Writes() uint64 { return db.writes.Load() }

// ExecContext runs one write statement outside any explicit transaction.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer db.writes.Add(1)
	res, err := db.w.ExecContext(ctx, db.bind(q), fixArgs(args)...)
	return res, mapErr(err)
}

// QueryContext runs a read on the reader pool.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := db.r.QueryContext(ctx, db.bind(q), fixArgs(args)...)
	return rows, mapErr(err)
}

// QueryRowContext runs a one-row read on the reader pool. Use Scan to map
// its error: it turns sql.ErrNoRows into ErrNotFound.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.bind(q), fixArgs(args)...)
}

// Read is one query run very often (the page cache's version reads),
// prepared on first use on the reader pool, so the database parses it once
// per connection rather than on every call.
type Read struct {
	db   *DB
	q    string
	mu   sync.Mutex
	stmt *sql.Stmt
}

// Read returns q as a Read; nothing is prepared until it is first run.
func (db *DB) Read(q string) *Read { return &Read{db: db, q: q} }

// QueryRowContext runs the read; if it cannot be prepared, it runs as an
// ordinary query.
func (r *Read) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	r.mu.Lock()
	if r.stmt == nil {
		if st, err := r.db.r.PrepareContext(ctx, r.db.bind(r.q)); err == nil {
			r.stmt = st
		}
	}
	st := r.stmt
	r.mu.Unlock()
	if st == nil {
		return r.db.QueryRowContext(ctx, r.q, args...)
	}
	return st.QueryRowContext(ctx, fixArgs(args)...)
}

// Tx runs fn in a write transaction. fn's error rolls back; nil commits, and
// only then are the hooks registered with AfterCommit run, in order.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", mapErr(err))
	}
	defer db.writes.Add(1)
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", mapErr(err))
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// ReadTx runs fn in a read-only transaction whose reads all see the same
// committed state, however many writes commit meanwhile: REPEATABLE READ on
// PostgreSQL; on SQLite a transaction on the reader pool, which WAL holds
// to the state of its first read. Writes inside it fail. It ends when fn
// returns, with fn's error.
func (db *DB) ReadTx(ctx context.Context, fn func(tx *Tx) error) error {
	var opts *sql.TxOptions
	if db.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	sqlTx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", mapErr(err))
	}
	defer sqlTx.Rollback() // nothing to keep: it only read
	return fn(&Tx{tx: sqlTx, db: db})
}

// ReadTx runs fn in tx itself, which already sees one state.
func (tx *Tx) ReadTx(ctx context.Context, fn func(tx *Tx) error) error { return fn(tx) }

// Tx is a transaction in progress; see DB.Tx.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	after []func()
}

func (tx *Tx) Engine() Engine { return tx.db.engine }

func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.bind(q), fixArgs(args)...)
	return res, mapErr(err)
}

func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.bind(q), fixArgs(args)...)
	return rows, mapErr(err)
}

func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.bind(q), fixArgs(args)...)
}

// AfterCommit registers f to run once the transaction has committed. It is
// never run if the transaction rolls back.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Scan scans row into dest and maps its error: no row is ErrNotFound, a
// unique violation (INSERT … RETURNING) is ErrConflict.
func Scan(row *sql.Row, dest ...any) error {
	return mapErr(row.Scan(dest...))
}

// NewID returns a new UUIDv7: time-ordered, so inserts stay index-friendly.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s is a UUID in canonical form.
func ValidID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

// Now is the current time as the store keeps it: UTC, microsecond precision
// (PostgreSQL's), so a value reads back exactly as written on both engines.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// fixArgs normalises times to UTC microseconds, the one portable form.
func fixArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC().Truncate(time.Microsecond)
		case *time.Time:
			if v != nil {
				args[i] = v.UTC().Truncate(time.Microsecond)
			}
		}
	}
	return args
}

// bind rewrites ? placeholders as $1, $2 … for PostgreSQL. Queries are
// constants, so each is rewritten once and cached.
func (db *DB) bind(q string) string {
	if db.engine != Postgres {
		return q
	}
	db.mu.RLock()
	out, ok := db.rebind[q]
	db.mu.RUnlock()
	if ok {
		return out
	}
	var b strings.Builder
	n, inString := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inString = !inString
		}
		if c == '?' && !inString {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out = b.String()
	db.mu.Lock()
	db.rebind[q] = out
	db.mu.Unlock()
	return out
}

// MapErr maps a driver error to the sentinels (ErrNotFound, ErrConflict),
// for scans that do not go through Scan.
func MapErr(err error) error { return mapErr(err) }

// mapErr maps driver errors to the sentinels; each engine's codes live in
// its own file.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if e, ok := mapSQLiteErr(err); ok {
		return e
	}
	if e, ok := mapPostgresErr(err); ok {
		return e
	}
	return err
}

// Time scans a timestamp on either engine. Use it where SQLite has lost a
// column's declared type (MIN, MAX, COALESCE, subqueries) and hands back
// text instead of a time.Time.
type Time struct {
	Time  time.Time
	Valid bool
}

var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
}

func (t *Time) Scan(v any) error {
	*t = Time{}
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		t.Time, t.Valid = x.UTC(), true
		return nil
	case []byte:
		return t.Scan(string(x))
	case string:
		for _, f := range sqliteTimeFormats {
			if p, err := time.Parse(f, x); err == nil {
				t.Time, t.Valid = p.UTC(), true
				return nil
			}
		}
		return fmt.Errorf("store: cannot read %q as a time", x)
	}
	return fmt.Errorf("store: cannot read %T as a time", v)
}
