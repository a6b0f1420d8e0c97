package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/psu-project/psu/internal/audit"
)

// auditCmd is psu audit verify [--anchor SEQ:HASH]: exit 0 when the audit
// trail's chain is whole, 1 naming the first broken entry.
func auditCmd(ctx context.Context, e Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError("audit: say verify")
	}
	var anchorText string
	if err := flags("audit verify", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&anchorText, "anchor", "", "SEQ:HASH of an entry, as an earlier verify printed it")
	}); err != nil {
		return err
	}
	var anchors []audit.Anchor
	if anchorText != "" {
		a, err := audit.ParseAnchor(anchorText)
		if err != nil {
			return usageError("audit verify: --anchor: %v", err)
		}
		anchors = append(anchors, a)
	}
	_, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	rep, err := audit.Verify(ctx, db, anchors...)
	if err != nil {
		return err
	}
	if !rep.OK() {
		sound := ""
		switch rep.Checked {
		case 0:
		case 1:
			sound = "Entry 1 checks out. "
		default:
			sound = fmt.Sprintf("Entries 1 to %d check out. ", rep.Checked)
		}
		return fmt.Errorf("the audit trail is broken: %s.\n%sKeep a copy of the database as it is now: it is the evidence of what changed", rep.Problem, sound)
	}
	if rep.Checked == 0 {
		fmt.Fprintln(e.Stdout, "The audit trail has no chained entries yet.")
	} else {
		fmt.Fprintf(e.Stdout, "The audit trail is whole: %s checked, each following on from the one before.\n", entries(rep.Checked))
	}
	if rep.BeforeChain > 0 {
		if rep.Checked == 0 {
			fmt.Fprintf(e.Stdout, "Written before the chain began: %s, covered from the next entry on.\n", entries(rep.BeforeChain))
		} else {
			fmt.Fprintf(e.Stdout, "Written before the chain began: %s, unchanged.\n", entries(rep.BeforeChain))
		}
	}
	for _, a := range anchors {
		fmt.Fprintf(e.Stdout, "Entry %d is the one the anchor noted.\n", a.Seq)
	}
	if rep.Checked > 0 {
		fmt.Fprintf(e.Stdout, "Newest entry: %s\n", rep.Newest)
		fmt.Fprintf(e.Stdout, "Keep that line somewhere other than the database: psu audit verify --anchor %s shows later that nothing up to it was rewritten.\n", rep.Newest)
	}
	return nil
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
