package plans

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// EventCloseReason is the timeline entry holding the reason typed when a
// case closed (sealed).
const EventCloseReason = "close_reason"

// Closed is the outcome of closing a case.
type Closed struct {
	FeedbackDue time.Time // when the feedback request goes; zero if none
}

// Close closes case caseID with an outcome from the unit's list and an
// optional short reason (sealed). The review date goes, and, if the trainee
// agreed to be e-mailed later, a feedback request is queued.
func (s *Store) Close(ctx context.Context, v cases.Viewer, caseID, outcome, reason string) (Closed, error) {
	var out Closed
	reason, err := checkText("reason", "the reason", reason, MaxReason, false)
	if err != nil {
		return out, err
	}
	err = s.Cases.Act(ctx, v, caseID, "case.status", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		list, err := Outcomes(ctx, tx)
		if err != nil {
			return "", err
		}
		if !slices.Contains(list, outcome) {
			return "", cases.Problem("outcome", "Select the outcome of the case")
		}
		if !c.Status.CanMove(cases.Closed) {
			return "", &cases.TransitionError{From: c.Status, To: cases.Closed}
		}
		from, now := c.Status, store.Now()
		// As cases.Move records a closing: the outcome and when, beside
		// the status the state machine moves.
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET outcome = ?, closed_at = ? WHERE id = ?`, outcome, now, c.ID); err != nil {
			return "", fmt.Errorf("plans: close: %w", err)
		}
		if err := s.Cases.MoveTx(ctx, tx, v, c, cases.Closed, outcome); err != nil {
			return "", err
		}
		if reason != "" {
			if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventCloseReason, ActorID: v.UserID, At: now,
				Detail: "Reason for closing"}, reason); err != nil {
				return "", err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET review_due = NULL WHERE case_id = ?`, c.ID); err != nil {
			return "", fmt.Errorf("plans: close: %w", err)
		}
		if c.ConsentFollowUp {
			if out.FeedbackDue, err = s.ScheduleFeedback(ctx, tx, c, now); err != nil {
				return "", err
			}
		}
		return string(from) + " to closed", nil
	})
	return out, err
}
