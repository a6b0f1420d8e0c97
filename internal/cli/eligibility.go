package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
)

// maxRulesFile bounds what import reads; the default rules are about 20 KB.
const maxRulesFile = 1 << 20

// eligibilityCmd is psu eligibility rules export|import FILE.
func eligibilityCmd(ctx context.Context, e Env, args []string) error {
	if len(args) < 2 || args[0] != "rules" {
		return usageError("eligibility: say rules export, or rules import FILE")
	}
	switch {
	case args[1] == "export" && len(args) == 2:
		return exportRules(ctx, e)
	case args[1] == "import" && len(args) == 3:
		return importRules(ctx, e, args[2])
	case args[1] == "import":
		return usageError("eligibility rules import: give the file to import, and nothing else")
	}
	return usageError("eligibility: say rules export, or rules import FILE")
}

// openRules opens the database, refuses a schema that is not current, and
// makes sure the built-in rules are there (as psu serve would).
func openRules(ctx context.Context, e Env) (*store.DB, error) {
	_, db, err := openStore(ctx, e)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := eligibility.SeedDefault(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// exportRules prints the rules in use exactly as they were published.
func exportRules(ctx context.Context, e Env) error {
	db, err := openRules(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := eligibility.LoadCurrent(ctx, db)
	if err != nil {
		return err
	}
	doc := p.Document
	if len(doc) == 0 || doc[len(doc)-1] != '\n' {
		doc = append(doc, '\n')
	}
	_, err = e.Stdout.Write(doc)
	return err
}

// importRules publishes a rules document from a file ("-" for standard
// input) as the next version.
func importRules(ctx context.Context, e Env, path string) error {
	var r io.Reader = e.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("cannot read the rules file: %w", err)
		}
		defer f.Close()
		r = f
	}
	doc, err := io.ReadAll(io.LimitReader(r, maxRulesFile+1))
	if err != nil {
		return fmt.Errorf("cannot read the rules file: %w", err)
	}
	if len(doc) > maxRulesFile {
		return fmt.Errorf("the rules file is larger than %d bytes; a rules document is a few tens of kilobytes", maxRulesFile)
	}
	db, err := openRules(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	var rs *eligibility.RuleSet
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if rs, err = eligibility.Publish(ctx, tx, doc, eligibility.SourceCommandLine, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "eligibility.rules_published",
			TargetType: "eligibility_rule_set", TargetID: strconv.Itoa(rs.Version), Detail: "command line"})
	})
	var rse *eligibility.RuleSetError
	if errors.As(err, &rse) {
		return fmt.Errorf("nothing was published: %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "published version %d of the eligibility rules; it is in use now\n", rs.Version)
	return nil
}
