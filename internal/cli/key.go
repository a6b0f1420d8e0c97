package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/seal"
)

// keyCmd is psu key rotate [--prepare] [--settle D] | retire ID | status.
func keyCmd(ctx context.Context, e Env, args []string) error {
	if len(args) == 0 {
		return usageError("key: say rotate, retire ID or status")
	}
	switch args[0] {
	case "rotate":
		return keyRotate(ctx, e, args[1:])
	case "retire":
		if len(args) != 2 {
			return usageError("key retire: give the id of the key to retire (psu key status lists them)")
		}
		id, err := strconv.ParseUint(args[1], 10, 32)
		if err != nil || id == 0 {
			return usageError("key retire: %q is not a key id (psu key status lists them)", args[1])
		}
		return keyRetire(ctx, e, uint32(id))
	case "status":
		if err := flags("key status", args[1:], func(*flag.FlagSet) {}); err != nil {
			return err
		}
		return keyStatus(ctx, e)
	}
	return usageError("key: say rotate, retire ID or status")
}

func keyRotate(ctx context.Context, e Env, args []string) error {
	var prepare bool
	settle := seal.ReloadEvery + time.Second
	if err := flags("key rotate", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&prepare, "prepare", false, "only add the new key, not yet in use, for several machines")
		fs.DurationVar(&settle, "settle", settle, "how long running psu instances get to read a changed key file before re-sealing starts")
	}); err != nil {
		return err
	}
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	path := keyPath(cfg)
	if prepare {
		k, err := keys.Prepare(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Added key %d to %s, marked next: psu opens values sealed under it, and seals nothing under it yet.\n", k.ID, path)
		fmt.Fprintln(e.Stdout, "Copy this file to every machine that runs psu (each instance reads it within seconds, no restart needed), then run psu key rotate.")
		return nil
	}
	_, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	f, step, err := keys.Begin(path)
	if err != nil {
		return err
	}
	to := f.Current().ID
	switch step {
	case keys.Added:
		fmt.Fprintf(e.Stdout, "Added key %d to %s; new values are sealed under it from now on.\n", to, path)
	case keys.Promoted:
		fmt.Fprintf(e.Stdout, "Key %d in %s is now the one new values are sealed under.\n", to, path)
	default:
		fmt.Fprintf(e.Stdout, "Carrying on re-sealing under key %d.\n", to)
	}
	if step != keys.Resumed && settle > 0 {
		fmt.Fprintf(e.Stdout, "Waiting %s for running psu instances to read the key file.\n", settle)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settle):
		}
	}
	s, err := seal.FromKeyFile(f)
	if err != nil {
		return err
	}
	rep, err := keys.Rotate(ctx, db, s, progressPrinter(e.Stdout))
	if errors.Is(err, context.Canceled) {
		return errors.New("stopped part way: run psu key rotate again to carry on from where it stopped")
	}
	if err != nil {
		return err
	}
	if rep.Left > 0 {
		return fmt.Errorf("%d values are still sealed under an older key: some psu instance is sealing with an older key file. Give every instance the file at %s, then run psu key rotate again", rep.Left, path)
	}
	var old []string
	for _, k := range f.Keys {
		if k.ID != to {
			old = append(old, strconv.FormatUint(uint64(k.ID), 10))
		}
	}
	fmt.Fprintf(e.Stdout, "Every sealed value is under key %d (%d re-sealed by this run).\n", to, rep.Resealed)
	if len(old) > 0 {
		fmt.Fprintf(e.Stdout, "Once every machine that runs psu has this key file, remove the old key: psu key retire %s\n", strings.Join(old, ", then "))
	}
	return nil
}

// progressPrinter prints "applications.answers: 1200/5000" as a column
// starts, every two seconds while it runs, and when it is done.
func progressPrinter(w io.Writer) func(keys.Progress) {
	var column string
	var last time.Time
	var done bool
	return func(p keys.Progress) {
		now := time.Now()
		switch {
		case p.Column != column:
			column, done = p.Column, false
		case done || (p.Done < p.Total && now.Sub(last) < 2*time.Second):
			return
		}
		done = p.Done == p.Total
		last = now
		fmt.Fprintf(w, "%s: %d/%d\n", p.Column, p.Done, p.Total)
	}
}

func keyRetire(ctx context.Context, e Env, id uint32) error {
	cfg, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	path := keyPath(cfg)
	if _, err := keys.Retire(ctx, db, path, id); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Removed key %d from %s: nothing in the database was sealed under it.\n", id, path)
	fmt.Fprintln(e.Stdout, "Copy this file to every machine that runs psu, and replace every other copy of the key file with it.")
	fmt.Fprintf(e.Stdout, "Database backups taken before the rotation still need key %d: keep the old key file with them for as long as you keep them, and no longer.\n", id)
	return nil
}

func keyStatus(ctx context.Context, e Env) error {
	cfg, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	path := keyPath(cfg)
	f, err := seal.ReadKeyFile(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Key file %s:\n", path)
	for _, k := range f.Keys {
		state := "opens older values"
		switch {
		case k.Next:
			state = "next: opens values, seals nothing yet"
		case k.ID == f.Current().ID:
			state = "in use: new values are sealed under it"
		}
		fmt.Fprintf(e.Stdout, "  key %d: %s\n", k.ID, state)
	}
	usage, err := keys.Count(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "Sealed values in the database:")
	if len(usage) == 0 {
		fmt.Fprintln(e.Stdout, "  none yet")
	}
	for _, u := range usage {
		switch {
		case u.Key == 0:
			fmt.Fprintf(e.Stdout, "  %d damaged (their first bytes name no key): %s\n", u.Values, u.Columns())
		case !held(f, u.Key):
			fmt.Fprintf(e.Stdout, "  key %d, which the key file does not hold: %d (%s)\n", u.Key, u.Values, u.Columns())
		default:
			fmt.Fprintf(e.Stdout, "  key %d: %d (%s)\n", u.Key, u.Values, u.Columns())
		}
	}
	return nil
}

func held(f seal.KeyFile, id uint32) bool {
	_, ok := f.Key(id)
	return ok
}
