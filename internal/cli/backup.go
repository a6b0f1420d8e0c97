package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// exitError ends a command with its own exit code and message, without
// the usage text: for a command that cannot do what was asked here and
// says what to do instead.
type exitError struct {
	code int
	msg  string
}

func (x *exitError) Error() string { return x.msg }

const postgresBackups = `psu backup and psu restore work on a SQLite database; this one is PostgreSQL.
Use PostgreSQL's own tools, which take a consistent copy while psu runs:

  pg_dump --format=custom --file=psu.dump "$PSU_DATABASE_URL"

and, to restore, with every psu stopped, into an empty database:

  pg_restore --no-owner --dbname="$PSU_DATABASE_URL" psu.dump

The key file (PSU_KEY_FILE, %s) is not in the database or the dump:
back it up separately, and keep it apart from the dumps. Without it the
sealed parts of a dump cannot be read.`

// keyPath is the key file psu serve uses.
func keyPath(cfg config.Config) string {
	if cfg.KeyFile != "" {
		return cfg.KeyFile
	}
	return filepath.Join(cfg.DataDir, "psu.key")
}

// backupCmd is psu backup FILE: a consistent copy of the SQLite database,
// taken while psu runs, checked once written.
func backupCmd(ctx context.Context, e Env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageError("backup: name the file to write, for example psu backup psu-backup.db")
	}
	file := args[0]
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	path, err := store.SQLitePath(cfg.DatabaseURL)
	if err != nil {
		return &exitError{2, fmt.Sprintf(postgresBackups, keyPath(cfg))}
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("there is no database to back up at %s (check PSU_DATABASE_URL or PSU_DATA_DIR): %w", path, err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	began := time.Now()
	if err := db.Backup(ctx, file); err != nil {
		return fmt.Errorf("the backup was not written: %w", err)
	}
	b, err := store.OpenBackup(ctx, file)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.IntegrityCheck(ctx); err != nil {
		return fmt.Errorf("%s was written but does not check out (%v): keep the database as it is and try again", file, err)
	}
	v, err := b.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Wrote %s (%s, schema version %d): the database as it was at %s, checked.\n",
		file, size(fi.Size()), v, began.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(e.Stdout, "The key file is not in it: keep a copy of %s somewhere other than your backups.\n", keyPath(cfg))
	return nil
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// restoreCmd is psu restore FILE: check a backup (it opens, it is whole,
// its schema is one this psu knows, its sealed values open with the key
// file), then put it in place of the SQLite database, which nothing may
// have open, keeping the database it replaces.
func restoreCmd(ctx context.Context, e Env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageError("restore: name the backup to restore, for example psu restore psu-backup.db")
	}
	file := args[0]
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	path, err := store.SQLitePath(cfg.DatabaseURL)
	if err != nil {
		return &exitError{2, fmt.Sprintf(postgresBackups, keyPath(cfg))}
	}
	v, known, err := checkBackup(ctx, file, keyPath(cfg))
	if err != nil {
		return fmt.Errorf("%s was not restored: %w. Nothing was changed", file, err)
	}
	previous, err := store.RestoreSQLite(ctx, path, file)
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("%s is in use: stop every psu serve and psu command using it, then run psu restore again. Nothing was changed", path)
	}
	if err != nil {
		return fmt.Errorf("%s was not restored: %w", file, err)
	}
	fmt.Fprintf(e.Stdout, "Restored %s (schema version %d) as %s.\n", file, v, path)
	if previous != "" {
		fmt.Fprintf(e.Stdout, "The database that was there is kept as %s.\n", previous)
	}
	if v < known {
		fmt.Fprintf(e.Stdout, "Its schema is behind this psu (%d of %d): psu serve brings it up to date as it starts (or run psu migrate up).\n", v, known)
	}
	return nil
}

// checkBackup returns the backup's schema version and the latest this psu
// knows, or why the backup cannot be restored.
func checkBackup(ctx context.Context, file, keyFile string) (version, known int, err error) {
	b, err := store.OpenBackup(ctx, file)
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	if err := b.IntegrityCheck(ctx); err != nil {
		return 0, 0, err
	}
	ms, err := b.Migrations()
	if err != nil {
		return 0, 0, err
	}
	version, err = b.SchemaVersion(ctx)
	switch {
	case err != nil:
		return 0, 0, err
	case version == 0:
		return 0, 0, errors.New("it is not a psu database (it has no schema version)")
	case version > len(ms):
		return 0, 0, fmt.Errorf("it was made by a newer psu (schema version %d; this psu knows up to %d): restore it with that psu", version, len(ms))
	}
	kf, err := seal.ReadKeyFile(keyFile)
	if err != nil {
		return 0, 0, fmt.Errorf("the key file is needed to check it: %w", err)
	}
	s, err := seal.FromKeyFile(kf)
	if err != nil {
		return 0, 0, err
	}
	if _, err := keys.Check(ctx, b, s, 20); err != nil {
		return 0, 0, fmt.Errorf("its sealed values do not open with the keys in %s (%w); set PSU_KEY_FILE to the key file in use when the backup was taken", keyFile, err)
	}
	return version, len(ms), nil
}
