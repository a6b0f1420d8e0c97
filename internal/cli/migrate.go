package cli

import (
	"context"
	"fmt"
)

func migrate(ctx context.Context, e Env, args []string) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return usageError("migrate: say up or status")
	}
	_, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := db.Migrations()
	if err != nil {
		return err
	}
	if args[0] == "up" {
		applied, err := db.Migrate(ctx)
		for _, m := range applied {
			fmt.Fprintf(e.Stdout, "applied %04d_%s\n", m.Version, m.Name)
		}
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(e.Stdout, "nothing to apply: the schema is current")
		}
		return nil
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "engine: %s\nschema version: %d\nbinary knows: %d\n", db.Engine(), v, len(ms))
	switch {
	case v > len(ms):
		fmt.Fprintln(e.Stdout, "the database is newer than this binary: upgrade psu before serving")
	case v == len(ms):
		fmt.Fprintln(e.Stdout, "up to date")
	default:
		for _, m := range ms[v:] {
			fmt.Fprintf(e.Stdout, "pending %04d_%s\n", m.Version, m.Name)
		}
	}
	return nil
}
