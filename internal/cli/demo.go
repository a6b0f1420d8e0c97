package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/app"
	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/demo"
	"github.com/psu-project/psu/internal/demo/fill"
	"github.com/psu-project/psu/internal/store"
)

// maxDemoCases keeps a mistyped --cases from filling the disk.
const maxDemoCases = 1_000_000

// demoCmd is psu demo [--cases N] [--json]: it fills an empty database with
// made-up data and prints how to sign in.
func demoCmd(ctx context.Context, e Env, args []string) error {
	n, asJSON := 60, false
	if err := flags("demo", args, func(fs *flag.FlagSet) {
		fs.IntVar(&n, "cases", 60, "how many cases to make up")
		fs.BoolVar(&asJSON, "json", false, "print the staff accounts as JSON")
	}); err != nil {
		return err
	}
	if n < fill.MinCases || n > maxDemoCases {
		return usageError("demo: --cases must be a whole number from %d to %s", fill.MinCases, thousands(maxDemoCases))
	}
	cfg, err := config.Load(e.Getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	level := cfg.LogLevel
	if e.Getenv("PSU_LOG_LEVEL") == "" {
		level = slog.LevelWarn // a person at a terminal wants the outcome, not each migration
	}
	log := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: level}))

	// A database someone uses is refused before anything touches it, even
	// its schema.
	if err := refuseUsedDatabase(ctx, cfg); err != nil {
		return demoRefusal(e, err)
	}
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()

	start := time.Now()
	shown := 0
	res, err := fill.Run(ctx, a.DB, a.Sealer(), fill.Options{
		Cases: n, Issuer: "PSU " + cfg.BaseURL.Host, Host: cfg.BaseURL.Hostname(),
		Progress: func(done, total int) {
			if tenth := done * 10 / total; tenth > shown {
				shown = tenth
				fmt.Fprintf(e.Stderr, "psu demo: %d%% (%s of %s cases, %s)\n", tenth*10, thousands(done), thousands(total),
					time.Since(start).Round(100*time.Millisecond))
			}
		},
	})
	if err != nil {
		return demoRefusal(e, err)
	}
	if asJSON {
		return printDemoJSON(e, res)
	}
	printDemo(e, cfg, res)
	return nil
}

// usedTables are where real use leaves rows, with the migration that made
// each table.
var usedTables = []struct {
	table string
	since int
}{{"users", 1}, {"referrals", 4}, {"applications", 5}, {"cases", 11}}

// refuseUsedDatabase looks, before anything is migrated or opened (start-up
// would try to open referrers' notices sealed under another key), for rows
// real use leaves. fill.Run checks again, inside its transaction.
func refuseUsedDatabase(ctx context.Context, cfg config.Config) error {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil || v == 0 {
		return err
	}
	used := 0
	for _, t := range usedTables {
		if v < t.since {
			continue
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.table), &n); err != nil {
			return fmt.Errorf("demo: is the database empty: %w", err)
		}
		used += n
	}
	if used == 0 {
		return nil
	}
	if v >= 11 {
		if is, err := demo.IsDemo(ctx, db); err == nil && is {
			return fill.ErrAlreadyDemo
		}
	}
	return fill.ErrNotEmpty
}

// demoRefusal says what to do about a database psu demo will not fill.
func demoRefusal(e Env, err error) error {
	if !errors.Is(err, fill.ErrAlreadyDemo) && !errors.Is(err, fill.ErrNotEmpty) {
		return err
	}
	fresh := "Run it on a new, empty data folder instead, for example:\n\n    PSU_DATA_DIR=$(mktemp -d) psu demo\n"
	if e.Getenv("PSU_DATABASE_URL") != "" {
		fresh += "\nand set PSU_DATABASE_URL to an empty database (or leave it unset to use SQLite in the data folder).\n"
	}
	return fmt.Errorf("%w.\n%s", err, fresh)
}

type demoStaff struct {
	Role     string `json:"role"`
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPURI  string `json:"totp_uri"`
}

type demoTrainee struct {
	Stage    string `json:"stage"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

func printDemoJSON(e Env, res fill.Result) error {
	out := struct {
		Staff    []demoStaff   `json:"staff"`
		Trainees []demoTrainee `json:"trainees"`
	}{Staff: []demoStaff{}, Trainees: []demoTrainee{}}
	for _, s := range res.Staff {
		out.Staff = append(out.Staff, demoStaff{Role: string(s.Role), Email: s.Email, Password: s.Password, TOTPURI: s.TOTPURI})
	}
	for _, t := range res.Trainees {
		out.Trainees = append(out.Trainees, demoTrainee{Stage: t.Stage, Email: t.Email, Password: t.Password})
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printDemo(e Env, cfg config.Config, res fill.Result) {
	w := e.Stdout
	fmt.Fprintf(w, "psu demo has filled the database with made-up data: %s cases and %d staff accounts.\n", thousands(res.Cases), len(res.Staff))
	fmt.Fprintf(w, "Every person, address and story in it is fictitious. The passwords are shown only now.\n\n")
	for _, s := range res.Staff {
		fmt.Fprintf(w, "%s: %s\n", s.Role.Label(), s.Name)
		fmt.Fprintf(w, "    E-mail:         %s\n", s.Email)
		fmt.Fprintf(w, "    Password:       %s\n", s.Password)
		fmt.Fprintf(w, "    Authenticator:  %s\n\n", s.TOTPURI)
	}
	if len(res.Trainees) > 0 {
		fmt.Fprintf(w, "Trainees, who sign in to their own pages at %s/portal/sign-in (no code needed):\n\n", cfg.BaseURL)
		for _, t := range res.Trainees {
			fmt.Fprintf(w, "Trainee, %s: %s\n", t.Stage, t.Name)
			fmt.Fprintf(w, "    E-mail:         %s\n", t.Email)
			fmt.Fprintf(w, "    Password:       %s\n\n", t.Password)
		}
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		dir = cfg.DataDir
	}
	fmt.Fprintf(w, "To try it:\n\n")
	fmt.Fprintf(w, "1. Start psu on this data, with the same settings:\n\n    PSU_DATA_DIR=%s psu serve\n\n", shellQuote(dir))
	if e.Getenv("PSU_DATABASE_URL") != "" || e.Getenv("PSU_KEY_FILE") != "" {
		fmt.Fprintf(w, "   keeping PSU_DATABASE_URL and PSU_KEY_FILE as they were for psu demo.\n\n")
	}
	fmt.Fprintf(w, "2. Open %s/sign-in and sign in with one of the e-mail addresses and passwords above.\n\n", cfg.BaseURL)
	fmt.Fprintf(w, "3. When asked for a security code, add that account to an authenticator app: paste its\n"+
		"   otpauth:// link, or the secret= part of it, where the app lets you enter a key by hand,\n"+
		"   then type the 6-digit code the app shows.\n")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// thousands writes n with commas: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return thousands(n/1000) + "," + s[len(s)-3:]
}
