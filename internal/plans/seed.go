package plans

import (
	"context"
	"encoding/json"
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
	// Services are directory service ids signposted on the plan.
	Services []string
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
	var plans, goals, actions, services [][]any
	for _, sp := range seeds {
		c := sp.Case
		var review any
		if sp.Review != "" {
			review = string(sp.Review)
		}
		plans = append(plans, []any{c.ID, c.OpenedAt, review, sp.At})
		for _, svc := range sp.Services {
			id := store.NewID()
			sealed, err := s.Cases.SealFor(c, svc, "plan_services.service:"+id)
			if err != nil {
				return err
			}
			services = append(services, []any{id, c.ID, sealed, sp.At, sp.By})
		}
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
		{"plan_services", []string{"id", "case_id", "service", "added_at", "added_by"}, services},
	} {
		if err := store.InsertRows(ctx, tx, t.table, t.cols, t.rows); err != nil {
			return fmt.Errorf("plans: seed %s: %w", t.table, err)
		}
	}
	return nil
}

// SeedSummary is a written summary psu demo issues for a case it made up,
// as version 1, after the plan SeedAll wrote for it.
type SeedSummary struct {
	Case *cases.Case
	By   string // the adviser who issued it
	At   time.Time
	// Discussed and Agreed are what the adviser wrote.
	Discussed, Agreed string
}

// SeedSummaries issues seeds inside tx as Issue would have at each At: the
// document composed from what was written and the case's plan as seeded,
// its PDF rendered, both sealed under the case's key, the draft kept, the
// timeline entry written. No e-mail is queued.
func (s *Store) SeedSummaries(ctx context.Context, tx *store.Tx, seeds []SeedSummary) error {
	unit, err := UnitName(ctx, tx)
	if err != nil {
		return err
	}
	for _, sd := range seeds {
		c := sd.Case
		p, err := s.Plan(ctx, tx, c)
		if err != nil {
			return err
		}
		name, err := s.Cases.Name(c)
		if err != nil {
			return err
		}
		doc := compose(c, name, unit, s.BaseURL, DayOf(sd.At), sd.Discussed, sd.Agreed, p)
		pdf, err := RenderPDF(doc, sd.At)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		k, err := s.Cases.Key(c)
		if err != nil {
			return err
		}
		ds, err := s.Cases.SealFor(c, sd.Discussed, "summary_drafts.discussed:"+c.ID)
		if err != nil {
			return err
		}
		as, err := s.Cases.SealFor(c, sd.Agreed, "summary_drafts.agreed:"+c.ID)
		if err != nil {
			return err
		}
		id := store.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO summary_drafts (case_id, discussed, agreed, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)`,
			c.ID, ds, as, sd.At, sd.By); err != nil {
			return fmt.Errorf("plans: seed summary: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO summaries (id, case_id, version, issued_at, issued_by, content, pdf, mailed)
			VALUES (?, ?, 1, ?, ?, ?, ?, ?)`, id, c.ID, sd.At, sd.By,
			k.Seal(raw, "summaries.content:"+id), k.Seal(pdf, "summaries.pdf:"+id), c.ConsentCaseEmail); err != nil {
			return fmt.Errorf("plans: seed summary: %w", err)
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventSummary, ActorID: sd.By, At: sd.At, Detail: "Written summary issued"}, ""); err != nil {
			return err
		}
		if c.ConsentCaseEmail {
			if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: cases.EventMail, At: sd.At, Detail: "Your written summary is ready"}, ""); err != nil {
				return err
			}
		}
	}
	return nil
}
