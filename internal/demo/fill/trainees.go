package fill

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/portal"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/store"
)

// Trainee is a made-up trainee with a portal account, at a stage of their
// support, and what they sign in with.
type Trainee struct {
	Stage    string // applied, booked, summary issued, summary shared, closed
	Name     string
	Email    string
	Password string
}

// traineeStages are the stages a demo trainee is picked at: the newest
// case in each that holds an application and is open to its trainee.
var traineeStages = []struct{ stage, where string }{
	{"applied", `c.status = 'new'`},
	{"booked", `c.status = 'booked'`},
	{"summary issued", `c.status IN ('summary_sent', 'follow_up') AND EXISTS (SELECT 1 FROM summaries s WHERE s.case_id = c.id)`},
	{"summary shared", `c.status IN ('summary_sent', 'follow_up') AND EXISTS (SELECT 1 FROM summaries s WHERE s.case_id = c.id)`},
	{"closed", `c.status = 'closed'`},
}

// makeTrainees gives a trainee at each stage a portal account with a
// password that passes the policy.
func makeTrainees(ctx context.Context, db *store.DB, sealer *seal.Sealer, cs *cases.Store, opts Options) ([]Trainee, error) {
	ps := &portal.Store{DB: db, Sealer: sealer, Cases: cs}
	shares := &sharing.Store{DB: db, Sealer: sealer, Cases: cs}
	var out []Trainee
	err := db.Tx(ctx, func(tx *store.Tx) error {
		// Each stage picks a case no other stage took.
		picked := []any{""}
		for _, st := range traineeStages {
			var id string
			err := store.Scan(tx.QueryRowContext(ctx, `SELECT c.id FROM cases c WHERE `+st.where+` AND c.submitted_at IS NOT NULL
				AND c.merged_into IS NULL AND NOT c.restricted AND c.id NOT IN (?`+strings.Repeat(", ?", len(picked)-1)+`) ORDER BY c.opened_at DESC, c.id DESC LIMIT 1`, picked...), &id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			c, err := cs.Get(ctx, tx, id)
			if err != nil {
				return err
			}
			email, err := cs.Email(c)
			if err != nil {
				return err
			}
			name, err := cs.Name(c)
			if err != nil {
				return err
			}
			pw, err := password(name, email, opts.Host)
			if err != nil {
				return err
			}
			if err := ps.SeedAccount(ctx, tx, email, opts.Argon2.HashPassword(pw)); err != nil {
				return err
			}
			if st.stage == "summary shared" {
				var issued time.Time
				if err := store.Scan(tx.QueryRowContext(ctx, `SELECT issued_at FROM summaries WHERE case_id = ? AND version = 1`, c.ID), &issued); err != nil {
					return err
				}
				// Shared the day after it was issued, or two days ago if
				// that is later, so the demo's link still works.
				at := issued.Add(24 * time.Hour)
				if recent := time.Now().Add(-48 * time.Hour); at.Before(recent) {
					at = recent
				}
				// example.org: a made-up supervisor, no real address.
				if err := shares.SeedShare(ctx, tx, c, 1, sharing.Recipient{Name: "Dr Morgan Ellis", Role: "Educational supervisor",
					Email: "morgan.ellis@example.org"}, at); err != nil {
					return err
				}
			}
			picked = append(picked, id)
			out = append(out, Trainee{Stage: st.stage, Name: name, Email: email, Password: pw})
		}
		return nil
	})
	return out, err
}
