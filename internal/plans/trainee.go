package plans

import (
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// The timeline entries of what a trainee does to their plan from the
// portal: the adviser sees them on the case.
const (
	EventTraineeMarked = "plan_trainee_marked"
	EventTraineeNote   = "plan_trainee_note"
)

func init() {
	cases.LabelSealed(EventTraineeMarked, "Action")
	cases.LabelSealed(EventTraineeNote, "In their words")
}

// MaxTraineeNote bounds the note a trainee adds to their plan.
const MaxTraineeNote = 1000

// MarkByTrainee records, inside tx, that the trainee says action actionID
// of c's plan is done, or, with done false, not done after all (back to In
// progress). The action's words go on the timeline sealed. It runs inside
// cases.Store.TraineeAct, which refuses a case that has ended.
func (s *Store) MarkByTrainee(ctx context.Context, tx *store.Tx, c *cases.Case, actionID string, done bool) error {
	var what []byte
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT what FROM plan_actions WHERE id = ? AND case_id = ?`, actionID, c.ID), &what); err != nil {
		return err
	}
	text, err := s.Cases.OpenFor(c, what, "plan_actions.what:"+actionID)
	if err != nil {
		return err
	}
	st, detail := Done, "The trainee marked an action done"
	if !done {
		st, detail = InProgress, "The trainee marked an action not done yet"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE plan_actions SET status = ?, updated_at = ? WHERE id = ? AND case_id = ?`, st, store.Now(), actionID, c.ID); err != nil {
		return fmt.Errorf("plans: action status: %w", err)
	}
	if err := ensurePlan(ctx, tx, c); err != nil {
		return err
	}
	return s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventTraineeMarked, At: store.Now(), Detail: detail}, text)
}

// NoteFromTrainee puts the trainee's note about their plan on c's
// timeline, sealed, for the adviser. note is already checked.
func (s *Store) NoteFromTrainee(ctx context.Context, tx *store.Tx, c *cases.Case, note string) error {
	return s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventTraineeNote, At: store.Now(), Detail: "The trainee added a note about their plan"}, note)
}
