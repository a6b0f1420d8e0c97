package appointments

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

func reminderHours(ctx context.Context, q store.Querier) (int, error) {
	return settings.ReminderHours(ctx, q)
}

// remindBatch bounds one pass; the next minute takes the rest.
const remindBatch = 100

// Remind e-mails the trainee of each booked appointment now within the
// reminder's notice (settings.ReminderHours, 24 hours unless the unit
// changed it) a reminder, once. Every instance of psu runs it; each
// reminder is claimed by a conditional update in the same transaction as
// its e-mail, so however many run at once, one sends it. A reminder the
// trainee did not agree to (no e-mail about their case), or for a case no
// longer open, is claimed and not sent.
func (s *Store) Remind(ctx context.Context) (sent int, err error) {
	now := s.now()
	hours, err := reminderHours(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, case_id FROM appointments
		WHERE status = 'booked' AND reminder_sent_at IS NULL AND starts_at > ? AND starts_at <= ?
		ORDER BY starts_at LIMIT ?`, now, now.Add(time.Duration(hours)*time.Hour), remindBatch)
	if err != nil {
		return 0, fmt.Errorf("appointments: reminders: %w", err)
	}
	type due struct{ id, caseID string }
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.caseID); err != nil {
			rows.Close()
			return 0, fmt.Errorf("appointments: reminders: %w", err)
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("appointments: reminders: %w", err)
	}
	for _, d := range dues {
		claimed := false
		err := s.DB.Tx(ctx, func(tx *store.Tx) error {
			// The claim: on PostgreSQL a second instance's update waits for
			// this row and then finds it claimed; SQLite has one writer.
			res, err := tx.ExecContext(ctx, `UPDATE appointments SET reminder_sent_at = ?
				WHERE id = ? AND reminder_sent_at IS NULL AND status = 'booked'`, now, d.id)
			if err != nil {
				return fmt.Errorf("appointments: claim reminder: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // another instance has it, or it was cancelled
			}
			c, err := s.Cases.Get(ctx, tx, d.caseID)
			if err != nil {
				return err
			}
			a, err := s.Get(ctx, tx, c, d.id)
			if err != nil {
				return err
			}
			detail := "appointment " + a.ID
			mailed := false
			if c.Status.Open() {
				if mailed, err = s.send(ctx, tx, c, a, mailReminder, now); err != nil {
					return err
				}
			}
			if !mailed {
				detail += ", not e-mailed"
			}
			claimed = true
			return audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "appointment.reminder",
				TargetType: "case", TargetID: c.ID, CaseID: c.ID, Detail: detail})
		})
		if err != nil {
			return sent, err
		}
		if claimed {
			sent++
		}
	}
	return sent, nil
}

// RunReminders runs Remind every minute until ctx ends.
func (s *Store) RunReminders(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if _, err := s.Remind(ctx); err != nil && ctx.Err() == nil {
			log.Error("appointment reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
