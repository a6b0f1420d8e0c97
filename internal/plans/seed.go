package plans

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// SeedPlan is a plan psu demo writes for a case it made up: its goals with
// their actions, and the review date agreed.
type SeedPlan struct {
	Case *cases.Case
	// By is who wrote it (the case's adviser); At, when.
	By     string
	At     time.Time
	Goals  []SeedGoal
	Review Day // "" for none
}

// SeedGoal is one goal of a SeedPlan.
type SeedGoal struct {
	Title   string
	Actions []SeedAction
}

// SeedAction is one action of a SeedGoal.
type SeedAction struct {
	What, Who string
	Due       Day
	Status    Status
}

// SeedAll writes plans in bulk inside tx, sealed under each case's key as
// the plan pages seal them, many rows to a statement. Only psu demo calls
// it, on cases it has just made.
func (s *Store) SeedAll(ctx context.Context, tx *store.Tx, seeds []SeedPlan) error {
	var plans, goals, actions [][]any
	for _, sp := range seeds {
		c := sp.Case
		var review any
		if sp.Review != "" {
			review = string(sp.Review)
		}
		plans = append(plans, []any{c.ID, c.OpenedAt, review, sp.At})
		for gi, g := range sp.Goals {
			gid := store.NewID()
			title, err := s.Cases.SealFor(c, g.Title, "plan_goals.title:"+gid)
			if err != nil {
				return err
			}
			goals = append(goals, []any{gid, c.ID, gi + 1, title, sp.At, sp.By})
			for _, a := range g.Actions {
				aid := store.NewID()
				what, err := s.Cases.SealFor(c, a.What, "plan_actions.what:"+aid)
				if err != nil {
					return err
				}
				who, err := s.Cases.SealFor(c, a.Who, "plan_actions.who:"+aid)
				if err != nil {
					return err
				}
				actions = append(actions, []any{aid, gid, c.ID, what, who, string(a.Due), string(a.Status), sp.At, sp.At})
			}
		}
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"plans", []string{"case_id", "opened_at", "review_due", "updated_at"}, plans},
		{"plan_goals", []string{"id", "case_id", "position", "title", "created_at", "created_by"}, goals},
		{"plan_actions", []string{"id", "goal_id", "case_id", "what", "who", "due", "status", "created_at", "updated_at"}, actions},
	} {
		if err := store.InsertRows(ctx, tx, t.table, t.cols, t.rows); err != nil {
			return fmt.Errorf("plans: seed %s: %w", t.table, err)
		}
	}
	return nil
}
