package plans

import (
	"context"
	"errors"
	"fmt"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// Kind is what the unit calls the plan agreed with the trainee.
type Kind string

const (
	ActionPlan Kind = "action_plan"
	PDP        Kind = "pdp"
)

// Kinds lists the kinds of plan, for the form.
var Kinds = []Kind{ActionPlan, PDP}

// Label is the kind as people read it.
func (k Kind) Label() string {
	if k == PDP {
		return "Personal development plan"
	}
	return "Plan of action"
}

// Status is where an action stands.
type Status string

const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Done       Status = "done"
)

// Statuses lists an action's statuses in order.
var Statuses = []Status{NotStarted, InProgress, Done}

// Label is the status as people read it.
func (s Status) Label() string {
	switch s {
	case InProgress:
		return "In progress"
	case Done:
		return "Done"
	}
	return "Not started"
}

// Valid reports whether s is a status.
func (s Status) Valid() bool { return s == NotStarted || s == InProgress || s == Done }

// Action is one step towards a goal: what, who does it, by when.
type Action struct {
	ID     string
	GoalID string
	What   string
	Who    string
	Due    Day
	Status Status
}

// Goal is one thing the trainee and the unit agreed to work towards.
type Goal struct {
	ID      string
	Number  int // from 1, as the plan shows it
	Title   string
	Actions []Action
}

// Plan is a case's plan, opened.
type Plan struct {
	Kind      Kind
	ReviewDue Day
	Goals     []Goal
	Services  []Signpost
}

// Empty reports whether nothing has been agreed yet.
func (p *Plan) Empty() bool { return len(p.Goals) == 0 && len(p.Services) == 0 }

// Plan reads c's plan, with every sealed value opened, goals in the order
// they were added and each goal's actions likewise.
func (s *Store) Plan(ctx context.Context, q store.Querier, c *cases.Case) (*Plan, error) {
	p := &Plan{Kind: ActionPlan}
	var review *string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT kind, review_due FROM plans WHERE case_id = ?`, c.ID), &p.Kind, &review)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("plans: plan: %w", err)
	}
	if review != nil {
		p.ReviewDue = Day(*review)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, title FROM plan_goals WHERE case_id = ? ORDER BY position, id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("plans: goals: %w", err)
	}
	byID := map[string]int{}
	for rows.Next() {
		var g Goal
		var sealed []byte
		if err := rows.Scan(&g.ID, &sealed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("plans: goals: %w", err)
		}
		if g.Title, err = s.Cases.OpenFor(c, sealed, "plan_goals.title:"+g.ID); err != nil {
			rows.Close()
			return nil, err
		}
		byID[g.ID] = len(p.Goals)
		g.Number = len(p.Goals) + 1
		p.Goals = append(p.Goals, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plans: goals: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT id, goal_id, what, who, due, status FROM plan_actions WHERE case_id = ? ORDER BY created_at, id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("plans: actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Action
		var what, who []byte
		if err := rows.Scan(&a.ID, &a.GoalID, &what, &who, &a.Due, &a.Status); err != nil {
			return nil, fmt.Errorf("plans: actions: %w", err)
		}
		if a.What, err = s.Cases.OpenFor(c, what, "plan_actions.what:"+a.ID); err != nil {
			return nil, err
		}
		if a.Who, err = s.Cases.OpenFor(c, who, "plan_actions.who:"+a.ID); err != nil {
			return nil, err
		}
		if i, ok := byID[a.GoalID]; ok {
			p.Goals[i].Actions = append(p.Goals[i].Actions, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plans: actions: %w", err)
	}
	if p.Services, err = s.services(ctx, q, c); err != nil {
		return nil, err
	}
	return p, nil
}

// ensurePlan makes sure c has a plans row, and marks it changed.
func ensurePlan(ctx context.Context, tx *store.Tx, c *cases.Case) error {
	now := store.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO plans (case_id, opened_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET updated_at = excluded.updated_at`, c.ID, c.OpenedAt, now)
	if err != nil {
		return fmt.Errorf("plans: plan: %w", err)
	}
	return nil
}

// mayChange refuses changes to the plan of a case that has ended.
func mayChange(c *cases.Case, field string) error {
	if !c.Status.Open() {
		return cases.Problem(field, "This case is "+c.Status.Label()+", so its plan cannot change. Reopen the case first if the work goes on.")
	}
	return nil
}

// SetKind says whether the plan is a plan of action or a personal
// development plan.
func (s *Store) SetKind(ctx context.Context, v cases.Viewer, caseID string, k Kind) error {
	if k != ActionPlan && k != PDP {
		return cases.Problem("kind", "Select what kind of plan this is")
	}
	return s.Cases.Act(ctx, v, caseID, "case.plan.kind", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "kind"); err != nil {
			return "", err
		}
		if err := ensurePlan(ctx, tx, c); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET kind = ? WHERE case_id = ?`, k, c.ID); err != nil {
			return "", fmt.Errorf("plans: kind: %w", err)
		}
		return string(k), nil
	})
}

// AddGoal adds a goal at the end of case caseID's plan.
func (s *Store) AddGoal(ctx context.Context, v cases.Viewer, caseID, title string) error {
	title, err := checkText("goal", "the goal", title, MaxGoal, true)
	if err != nil {
		return err
	}
	return s.Cases.Act(ctx, v, caseID, "case.plan.goal_added", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "goal"); err != nil {
			return "", err
		}
		if err := ensurePlan(ctx, tx, c); err != nil {
			return "", err
		}
		id, now := store.NewID(), store.Now()
		sealed, err := s.Cases.SealFor(c, title, "plan_goals.title:"+id)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_goals (id, case_id, position, title, created_at, created_by)
			VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_goals WHERE case_id = ?), ?, ?, ?)`,
			id, c.ID, c.ID, sealed, now, v.UserID); err != nil {
			return "", fmt.Errorf("plans: goal: %w", err)
		}
		return "goal " + id, nil
	})
}

// RemoveGoal takes a goal, and its actions, off the plan.
func (s *Store) RemoveGoal(ctx context.Context, v cases.Viewer, caseID, goalID string) error {
	return s.Cases.Act(ctx, v, caseID, "case.plan.goal_removed", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "goal"); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_actions WHERE goal_id = ? AND case_id = ?`, goalID, c.ID); err != nil {
			return "", fmt.Errorf("plans: remove goal: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM plan_goals WHERE id = ? AND case_id = ?`, goalID, c.ID)
		if err != nil {
			return "", fmt.Errorf("plans: remove goal: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", cases.Problem("goal", "That goal is no longer on the plan. Refresh the page to see the plan as it is now.")
		}
		return "goal " + goalID, ensurePlan(ctx, tx, c)
	})
}

// ActionInput is an action as typed.
type ActionInput struct {
	What, Who string
	Due       Day
	Status    Status
}

// check trims and checks in, field by field.
func (in *ActionInput) check() error {
	var err error
	if in.What, err = checkText("what", "what will be done", in.What, MaxAction, true); err != nil {
		return err
	}
	if in.Who, err = checkText("who", "who will do it", in.Who, MaxWho, true); err != nil {
		return err
	}
	if in.Due.Time().IsZero() {
		return cases.Problem("due", "Enter the date it will be done by")
	}
	if !in.Status.Valid() {
		return cases.Problem("status", "Select where the action stands")
	}
	return nil
}

// AddAction adds an action to goal goalID of case caseID's plan.
func (s *Store) AddAction(ctx context.Context, v cases.Viewer, caseID, goalID string, in ActionInput) error {
	if err := in.check(); err != nil {
		return err
	}
	return s.Cases.Act(ctx, v, caseID, "case.plan.action_added", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "what"); err != nil {
			return "", err
		}
		var n int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_goals WHERE id = ? AND case_id = ?`, goalID, c.ID), &n); err != nil {
			return "", fmt.Errorf("plans: action: %w", err)
		}
		if n == 0 {
			return "", cases.Problem("what", "That goal is no longer on the plan. Go back to the plan and add the action to another goal.")
		}
		id, now := store.NewID(), store.Now()
		what, err := s.Cases.SealFor(c, in.What, "plan_actions.what:"+id)
		if err != nil {
			return "", err
		}
		who, err := s.Cases.SealFor(c, in.Who, "plan_actions.who:"+id)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_actions (id, goal_id, case_id, what, who, due, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, goalID, c.ID, what, who, string(in.Due), in.Status, now, now); err != nil {
			return "", fmt.Errorf("plans: action: %w", err)
		}
		return "action " + id, ensurePlan(ctx, tx, c)
	})
}

// SetActionStatus records where an action stands.
func (s *Store) SetActionStatus(ctx context.Context, v cases.Viewer, caseID, actionID string, st Status) error {
	if !st.Valid() {
		return cases.Problem("status-"+actionID, "Select where the action stands")
	}
	return s.Cases.Act(ctx, v, caseID, "case.plan.action_status", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "status-"+actionID); err != nil {
			return "", err
		}
		res, err := tx.ExecContext(ctx, `UPDATE plan_actions SET status = ?, updated_at = ? WHERE id = ? AND case_id = ?`, st, store.Now(), actionID, c.ID)
		if err != nil {
			return "", fmt.Errorf("plans: action status: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", cases.Problem("status-"+actionID, "That action is no longer on the plan. Refresh the page to see the plan as it is now.")
		}
		return "action " + actionID + " " + string(st), ensurePlan(ctx, tx, c)
	})
}

// RemoveAction takes an action off the plan.
func (s *Store) RemoveAction(ctx context.Context, v cases.Viewer, caseID, actionID string) error {
	return s.Cases.Act(ctx, v, caseID, "case.plan.action_removed", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "status-"+actionID); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_actions WHERE id = ? AND case_id = ?`, actionID, c.ID); err != nil {
			return "", fmt.Errorf("plans: remove action: %w", err)
		}
		return "action " + actionID, ensurePlan(ctx, tx, c)
	})
}
