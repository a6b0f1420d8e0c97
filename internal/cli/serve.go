package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/psu-project/psu/internal/app"
)

func serve(ctx context.Context, e Env, args []string) error {
	var addr string
	var noMigrate bool
	if err := flags("serve", args, func(fs *flag.FlagSet) {
		fs.StringVar(&addr, "addr", "", "listen address (overrides PSU_ADDR)")
		fs.BoolVar(&noMigrate, "no-migrate", false, "do not apply migrations on start (overrides PSU_MIGRATE_ON_START)")
	}); err != nil {
		return err
	}
	over := map[string]string{}
	if addr != "" {
		over["PSU_ADDR"] = addr
	}
	if noMigrate {
		over["PSU_MIGRATE_ON_START"] = "false"
	}
	e.Getenv = getenvWith(e.Getenv, over)
	cfg, log, err := loadConfig(e)
	if err != nil {
		return err
	}
	start := time.Now()
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PSU_ADDR %s: %w", cfg.Addr, err)
	}
	log.Info("psu started", append([]any{"version", version(), "took", time.Since(start).Round(time.Millisecond)}, cfg.Redacted()...)...)
	hint, err := a.SignInHint(ctx)
	if err != nil {
		return err
	}
	// The hint goes to standard output, not the log: it is for the person
	// at the terminal, and the first-administrator link is a secret.
	fmt.Fprintf(e.Stdout, "\npsu is running at %s\n%s\n\n", cfg.BaseURL, hint)
	err = a.Run(ctx, ln)
	log.Info("psu stopped")
	return err
}
