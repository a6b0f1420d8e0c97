package appointments

import (
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// EndCase cancels, on behalf of the unit, every appointment of c still to
// come when the case ends (closed, withdrawn, found not eligible or merged
// into another), inside the transaction that ends it: each is marked on
// the timeline and the trainee is sent its cancellation for their
// calendar, through the same consent check as a cancellation by hand.
// cases calls it through Store.OnEnd.
func (s *Store) EndCase(ctx context.Context, tx *store.Tx, v cases.Viewer, c *cases.Case) error {
	now := s.now()
	rows, err := tx.QueryContext(ctx, `SELECT id FROM appointments WHERE case_id = ? AND status = 'booked' AND starts_at > ?`, c.ID, now)
	if err != nil {
		return fmt.Errorf("appointments: end case: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("appointments: end case: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("appointments: end case: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'cancelled', cancelled_by = ?, sequence = sequence + 1,
			updated_at = ?, closed_at = ?, closed_by = ? WHERE id = ?`, ByUnit, now, now, v.UserID, id); err != nil {
			return fmt.Errorf("appointments: end case: %w", err)
		}
		a, err := s.Get(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventCancelled, ActorID: v.UserID, At: now,
			Detail: "Appointment cancelled by the unit, as the case is now " + c.Status.Label() + ": " + a.When()}, ""); err != nil {
			return err
		}
		if _, err := s.send(ctx, tx, c, a, mailCancel, now); err != nil {
			return err
		}
	}
	return nil
}
