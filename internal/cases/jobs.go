package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Backfill opens cases for applications and referrers' notices stored
// before case work existed (or by a version without it), oldest first, so
// nothing that arrived is ever missing from the queue. It is idempotent.
func (s *Store) Backfill(ctx context.Context, apps *application.Store) (int, error) {
	refs, err := referral.WithoutCase(ctx, s.DB, s.Sealer)
	if err != nil {
		return 0, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, submitted_at FROM applications WHERE case_id IS NULL`)
	if err != nil {
		return 0, fmt.Errorf("cases: backfill: %w", err)
	}
	type item struct {
		at    time.Time
		appID string
		ref   *referral.Referral
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.appID, &it.at); err != nil {
			rows.Close()
			return 0, fmt.Errorf("cases: backfill: %w", err)
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("cases: backfill: %w", err)
	}
	for i := range refs {
		items = append(items, item{at: refs[i].CreatedAt, ref: &refs[i]})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.Before(items[j].at) })
	for _, it := range items {
		err := s.DB.Tx(ctx, func(tx *store.Tx) error {
			if it.ref != nil {
				_, err := s.Notice(ctx, tx, it.ref.ID, it.ref.CreatedAt, it.ref.TraineeEmail, it.ref.TraineeName)
				return err
			}
			a, err := apps.Get(ctx, it.appID)
			if err != nil {
				return err
			}
			_, err = s.Arrive(ctx, tx, ArrivalOf(&a))
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	return len(items), nil
}

// AlertEvery is the least time between two "new in the queue" e-mails to
// one triage lead.
const AlertEvery = time.Hour

// AlertLeads e-mails each triage lead who has not turned it off, at most
// once an hour, when new applications or notices have arrived since their
// last alert: a count and a link to the queue, nothing about anyone. Each
// lead's alert is claimed with a conditional update, so several instances
// running this at once send it once.
func (s *Store) AlertLeads(ctx context.Context, baseURL string, now time.Time) (sent int, err error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.email, a.last_sent_at FROM users u
		LEFT JOIN case_alerts a ON a.user_id = u.id
		WHERE u.id IN (SELECT user_id FROM user_roles WHERE role = 'triage_lead') AND u.disabled_at IS NULL
		AND u.password_hash <> '' AND COALESCE(a.enabled, TRUE)`)
	if err != nil {
		return 0, fmt.Errorf("cases: alerts: %w", err)
	}
	type lead struct {
		id, email string
		last      store.Time
	}
	var leads []lead
	for rows.Next() {
		var l lead
		if err := rows.Scan(&l.id, &l.email, &l.last); err != nil {
			rows.Close()
			return 0, fmt.Errorf("cases: alerts: %w", err)
		}
		leads = append(leads, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("cases: alerts: %w", err)
	}
	for _, l := range leads {
		if !l.last.Valid {
			// First sight of this lead: start counting from now.
			if _, err := s.DB.ExecContext(ctx, `INSERT INTO case_alerts (user_id, enabled, last_sent_at) VALUES (?, TRUE, ?)
				ON CONFLICT (user_id) DO NOTHING`, l.id, now); err != nil {
				return sent, fmt.Errorf("cases: alerts: %w", err)
			}
			continue
		}
		if now.Sub(l.last.Time) < AlertEvery {
			continue
		}
		err := s.DB.Tx(ctx, func(tx *store.Tx) error {
			var n int
			if err := store.Scan(tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM applications WHERE submitted_at > ?)
				+ (SELECT COUNT(*) FROM referrals WHERE created_at > ?)`, l.last.Time, l.last.Time), &n); err != nil {
				return fmt.Errorf("cases: alerts: %w", err)
			}
			if n == 0 {
				return nil
			}
			res, err := tx.ExecContext(ctx, `UPDATE case_alerts SET last_sent_at = ? WHERE user_id = ? AND last_sent_at = ?`, now, l.id, l.last.Time)
			if err != nil {
				return fmt.Errorf("cases: alerts: %w", err)
			}
			if claimed, _ := res.RowsAffected(); claimed == 0 {
				return nil // another instance sent it
			}
			what := fmt.Sprintf("%d new applications or referrers' notices have", n)
			if n == 1 {
				what = "1 new application or referrer's notice has"
			}
			unit, err := settings.UnitName(ctx, tx)
			if err != nil {
				return err
			}
			if _, err := s.Outbox.Enqueue(ctx, tx, mail.Message{
				Kind: "cases.lead_alert", To: l.email, Subject: "New in the PSU queue",
				Text: what + " arrived in the " + unit + "'s queue.\n\n" +
					"Sign in to see them: " + strings.TrimRight(baseURL, "/") + "/cases?status=new\n\n" +
					"You get this e-mail at most once an hour. To stop it, turn off alerts on the queue page.\n",
			}); err != nil {
				return fmt.Errorf("cases: alerts: %w", err)
			}
			sent++
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// SetAlerts turns v's "new in the queue" e-mail on or off.
func (s *Store) SetAlerts(ctx context.Context, v Viewer, on bool) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_alerts (user_id, enabled, last_sent_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET enabled = ?`, v.UserID, on, store.Now(), on); err != nil {
			return fmt.Errorf("cases: alerts: %w", err)
		}
		return nil
	})
}

// AlertsOn reports whether v gets "new in the queue" e-mails.
func (s *Store) AlertsOn(ctx context.Context, v Viewer) (bool, error) {
	var on bool
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT COALESCE((SELECT enabled FROM case_alerts WHERE user_id = ?), TRUE)`, v.UserID), &on)
	return on, err
}
