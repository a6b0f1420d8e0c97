// Package cli is psu's command line: serve, migrate, user, version, help.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/store"
)

// Version is set at build time with -ldflags "-X github.com/psu-project/psu/internal/cli.Version=…".
var Version = ""

const usage = `psu runs a Professional Support Unit: support directory, applications,
case work and reports.

Usage:
  psu serve [--addr host:port] [--no-migrate]   start the web server and background worker
  psu migrate up                                apply pending database migrations
  psu migrate status                            show the schema version and pending migrations
  psu user add --email E --name N --role R[,R]  create a staff account with one or more roles (password read from stdin)
  psu eligibility rules export|import FILE      print the eligibility rules in use, or publish FILE as the next version
  psu directory import [--force] FILE | export [--format json|ndjson]   replace the support directory with FILE, or print it (HSDS 3.0)
  psu audit verify [--anchor SEQ:HASH]          check the audit trail's hash chain; exit 1 names the first broken entry
  psu backup FILE                               write a checked copy of the SQLite database to FILE while psu runs
  psu restore FILE                              check backup FILE and put it in place of the SQLite database (psu stopped)
  psu key rotate [--prepare] | retire ID | status   re-seal data under a new key; remove an unused key; show keys and their use
  psu demo [--cases N] [--json]                 fill an empty database with made-up staff and cases to try psu (N: 60)
  psu version                                   print the version
  psu help                                      print this help

Settings come from environment variables; see README.md ("Configuration").
`

// Env is what a command gets from its surroundings.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Main runs the command line and returns the exit code: 0 on success, 1 on
// failure, 2 on a usage error.
func Main(ctx context.Context, e Env) int {
	if len(e.Args) == 0 {
		fmt.Fprint(e.Stderr, usage)
		return 2
	}
	cmd, args := e.Args[0], e.Args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, e, args)
	case "migrate":
		err = migrate(ctx, e, args)
	case "user":
		err = user(ctx, e, args)
	case "eligibility":
		err = eligibilityCmd(ctx, e, args)
	case "directory":
		err = directoryCmd(ctx, e, args)
	case "audit":
		err = auditCmd(ctx, e, args)
	case "backup":
		err = backupCmd(ctx, e, args)
	case "restore":
		err = restoreCmd(ctx, e, args)
	case "key":
		err = keyCmd(ctx, e, args)
	case "demo":
		err = demoCmd(ctx, e, args)
	case "version", "--version":
		fmt.Fprintln(e.Stdout, "psu", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(e.Stdout, usage)
		return 0
	default:
		err = usageError("unknown command %q", cmd)
	}
	var ue *usageErr
	var xe *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "psu: %s\n\n%s", ue.msg, usage)
		return 2
	case errors.As(err, &xe):
		fmt.Fprintf(e.Stderr, "psu: %s\n", xe.msg)
		return xe.code
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(e.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(e.Stderr, "psu: %v\n", err)
		return 1
	}
}

type usageErr struct{ msg string }

func (u *usageErr) Error() string { return u.msg }

func usageError(format string, a ...any) error { return &usageErr{fmt.Sprintf(format, a...)} }

// flags parses args for a subcommand; a bad flag is a usage error.
func flags(name string, args []string, define func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%s: %v", name, err)
	}
	if fs.NArg() > 0 {
		return usageError("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return nil
}

func loadConfig(e Env) (config.Config, *slog.Logger, error) {
	cfg, err := config.Load(e.Getenv)
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration: %w", err)
	}
	log := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	return cfg, log, nil
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-modified"
			}
			return "dev-" + rev
		}
	}
	return "dev"
}

func getenvWith(base func(string) string, over map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return base(k)
	}
}

// openStore loads the configuration and opens the database it names.
func openStore(ctx context.Context, e Env) (config.Config, *store.DB, error) {
	cfg, _, err := loadConfig(e)
	if err != nil {
		return cfg, nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	return cfg, db, err
}
