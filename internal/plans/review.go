package plans

import (
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// EventReview is the timeline entry of a review date set or cleared.
const EventReview = "review"

// SetReview sets the date to review case caseID with the trainee, or clears
// it when due is "". A case whose summary has been sent moves to
// Follow-up: a review is planned.
func (s *Store) SetReview(ctx context.Context, v cases.Viewer, caseID string, due Day) error {
	return s.Cases.Act(ctx, v, caseID, "case.review", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if !c.Status.Open() {
			return "", cases.Problem("review", "This case is "+c.Status.Label()+". Reopen it to plan a review.")
		}
		now := store.Now()
		if due != "" && due < DayOf(now) {
			return "", cases.Problem("review", "The review date must be today or in the future")
		}
		if err := ensurePlan(ctx, tx, c); err != nil {
			return "", err
		}
		var value any
		what := "Review date cleared"
		if due != "" {
			value, what = string(due), "Review date set for "+due.Long()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET review_due = ? WHERE case_id = ?`, value, c.ID); err != nil {
			return "", fmt.Errorf("plans: review: %w", err)
		}
		if due != "" && c.Status == cases.SummarySent {
			if err := s.Cases.MoveTx(ctx, tx, v, c, cases.FollowUp, "review planned"); err != nil {
				return "", err
			}
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventReview, ActorID: v.UserID, At: now, Detail: what}, ""); err != nil {
			return "", err
		}
		return string(due), nil
	})
}
