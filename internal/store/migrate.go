package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema change. Files are named NNNN_label.sql
// (both engines), NNNN_label.sqlite.sql or NNNN_label.postgres.sql (one
// engine). A version may have a shared file and engine files: the shared
// SQL runs first, then the engine's, in the same transaction, so dialect
// differences stay small and next to what they change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrSchemaNewer means the database was migrated by a newer psu; serving it
// could corrupt data, so psu refuses.
var ErrSchemaNewer = errors.New("the database schema is newer than this psu binary")

// ErrSchemaBehind means migrations are pending.
var ErrSchemaBehind = errors.New("the database schema is behind this psu binary: run psu migrate up")

// Migrations returns the migrations for this engine, in order.
func (db *DB) Migrations() ([]Migration, error) { return migrationsFor(migrationFS, db.engine) }

func migrationsFor(fsys fs.FS, engine Engine) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	type parts struct{ label, shared, own string }
	byVersion := map[int]*parts{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		forEngine := Engine("")
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			forEngine = Engine(name[i+1:])
			if forEngine != SQLite && forEngine != Postgres {
				return nil, fmt.Errorf("store: migration %s: unknown engine %q", e.Name(), forEngine)
			}
			name = name[:i]
		}
		num, label, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: name must be NNNN_label.sql", e.Name())
		}
		p := byVersion[v]
		if p == nil {
			p = &parts{label: label}
			byVersion[v] = p
		}
		if p.label != label {
			return nil, fmt.Errorf("store: migration version %d has two names, %s and %s", v, p.label, label)
		}
		if forEngine != "" && forEngine != engine {
			continue
		}
		b, err := fs.ReadFile(fsys, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		if forEngine == "" {
			p.shared = string(b)
		} else {
			p.own = string(b)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for v, p := range byVersion {
		out = append(out, Migration{Version: v, Name: p.label, SQL: p.shared + "\n" + p.own})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration %d is missing", i+1)
		}
	}
	return out, nil
}

const versionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL
)`

// SchemaVersion returns the highest applied migration (0 on an empty database).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var exists bool
	q := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`
	if db.engine == Postgres {
		q = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	}
	if err := Scan(db.w.QueryRowContext(ctx, q), &exists); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := Scan(db.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`), &v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// CheckSchema returns nil when the database is exactly at this binary's
// latest migration, ErrSchemaNewer or ErrSchemaBehind otherwise.
func (db *DB) CheckSchema(ctx context.Context) error {
	ms, err := db.Migrations()
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case v > len(ms):
		return fmt.Errorf("%w (database at %d, binary knows %d)", ErrSchemaNewer, v, len(ms))
	case v < len(ms):
		return fmt.Errorf("%w (database at %d, binary at %d)", ErrSchemaBehind, v, len(ms))
	}
	return nil
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the versions it applied. On PostgreSQL an advisory lock serialises
// several instances starting at once.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	ms, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.w.ExecContext(ctx, versionTable); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if current > len(ms) {
		return nil, fmt.Errorf("%w (database at %d, binary knows %d)", ErrSchemaNewer, current, len(ms))
	}
	var applied []Migration
	for _, m := range ms[current:] {
		done := false
		err := db.Tx(ctx, func(tx *Tx) error {
			if db.engine == Postgres {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7270701)`); err != nil {
					return err
				}
			}
			var n int
			if err := Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version), &n); err != nil {
				return err
			}
			if n > 0 { // another instance applied it while we waited
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			done = true
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, Now())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}
