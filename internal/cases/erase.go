package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Why a case was erased, as its audit entry says.
const (
	ErasedRetention = "retention"
	ErasedRequest   = "erasure request"
)

// erasure is what Erase does to the tables that hold a case's content, in
// order (children before the rows they point at). Values sealed under the
// case's key are set to NULL, or their rows deleted where the row is only
// that value; values sealed under the master key (the application, its
// documents, referrers' notices) are deleted outright, since destroying the
// case key does not reach them. Dates, statuses and the audit trail stay.
var erasure = []string{
	`UPDATE case_events SET sealed = NULL WHERE case_id = ?`,
	`DELETE FROM case_notes WHERE case_id = ?`,
	`DELETE FROM case_break_glass WHERE case_id = ?`,
	`DELETE FROM case_search WHERE case_id = ?`,
	`UPDATE appointments SET details = NULL, next_step = NULL WHERE case_id = ?`,
	`DELETE FROM plan_actions WHERE case_id = ?`,
	`DELETE FROM plan_goals WHERE case_id = ?`,
	`DELETE FROM plan_services WHERE case_id = ?`,
	`DELETE FROM summary_drafts WHERE case_id = ?`,
	`DELETE FROM summaries WHERE case_id = ?`,
	`DELETE FROM share_opens WHERE link_id IN (SELECT id FROM share_links WHERE case_id = ?)`,
	`DELETE FROM share_links WHERE case_id = ?`,
	`UPDATE consents SET recipient_sealed = NULL, recipient_blind = '' WHERE case_id = ?`,
	`UPDATE erasure_requests SET reason = NULL, answer = NULL WHERE case_id = ?`,
	`DELETE FROM portal_links WHERE account_id IN (SELECT id FROM portal_accounts WHERE case_id = ?)`,
	`DELETE FROM portal_accounts WHERE case_id = ?`,
	`DELETE FROM application_file_contents WHERE file_id IN (SELECT f.id FROM application_files f
		JOIN applications a ON a.id = f.application_id WHERE a.case_id = ?)`,
	`DELETE FROM application_files WHERE application_id IN (SELECT id FROM applications WHERE case_id = ?)`,
	`DELETE FROM application_drafts WHERE id IN (SELECT draft_id FROM applications WHERE case_id = ?)`,
	`DELETE FROM applications WHERE case_id = ?`,
	`DELETE FROM referrals WHERE case_id = ?`,
	// Mail about the case goes, sent or not (a share link, a feedback
	// request, a reminder), except the trainee's own word that it has ended:
	// "your record has been erased" and a cancelled appointment's calendar
	// update are delivered first, and PurgeErasedMail takes them once gone.
	`DELETE FROM outbox WHERE case_id = ? AND (sent_at IS NOT NULL OR failed_at IS NOT NULL
		OR kind NOT IN ('case.erased', 'appointments.cancellation'))`,
}

// Erase destroys case caseID's content inside tx: its data key (so no
// copy of a value sealed under it, in a backup or anywhere, can be opened
// again), every sealed value, its name-search rows and the trainee's portal
// account. The case row stays, with its reference, status and dates, marked
// erased; the audit trail keeps that it existed and records the erasure
// with why (ErasedRetention or ErasedRequest). Erasing an erased case does
// nothing.
func (s *Store) Erase(ctx context.Context, tx *store.Tx, caseID, why string) error {
	c, err := s.lock(ctx, tx, caseID)
	if err != nil {
		return err
	}
	if c.Erased() {
		return nil
	}
	for _, q := range erasure {
		if _, err := tx.ExecContext(ctx, q, caseID); err != nil {
			return fmt.Errorf("cases: erase: %w", err)
		}
	}
	now := store.Now()
	// key_sealed is NOT NULL: an empty value is "no key", which Key
	// refuses and key rotation passes over. email_blind is the keyed hash
	// that would still find the case by the trainee's address.
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET key_sealed = ?, name_sealed = NULL, email_sealed = NULL, email_blind = '',
		erased_at = ?, updated_at = ? WHERE id = ?`, []byte{}, now, now, caseID); err != nil {
		return fmt.Errorf("cases: erase: %w", err)
	}
	c.ErasedAt, c.keySealed, c.nameSealed, c.emailSealed, c.EmailBlind = now, nil, nil, nil, ""
	if err := event(ctx, tx, c, Event{Kind: EventErased, At: now, Detail: "Record erased (" + why + ")"}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "case.erased", TargetType: "case",
		TargetID: caseID, CaseID: caseID, Detail: why})
}

// EventErased is the timeline entry of an erasure.
const EventErased = "erased"

// RetentionYears reads how many years the unit keeps an ended case.
func RetentionYears(ctx context.Context, q store.Querier) (int, error) {
	return settings.RetentionYears(ctx, q)
}

// EraseExpired erases, a few at a time, every case that ended (closed,
// withdrawn, not eligible) longer ago than the unit's retention period
// before now. Each case is erased in its own transaction; several
// instances running it at once erase each case once, since Erase locks
// the row and passes over one already erased.
func (s *Store) EraseExpired(ctx context.Context, now time.Time) (erased int, err error) {
	if _, err := s.PurgeErasedMail(ctx); err != nil {
		return 0, err
	}
	years, err := RetentionYears(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	before := now.UTC().AddDate(-years, 0, 0)
	for {
		var ids []string
		rows, err := s.DB.QueryContext(ctx, `SELECT id FROM cases WHERE erased_at IS NULL AND status IN ('closed', 'withdrawn', 'not_eligible')
			AND status_at < ? ORDER BY status_at, id LIMIT 50`, before)
		if err != nil {
			return erased, fmt.Errorf("cases: retention: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return erased, fmt.Errorf("cases: retention: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return erased, fmt.Errorf("cases: retention: %w", err)
		}
		if len(ids) == 0 {
			return erased, nil
		}
		for _, id := range ids {
			done := false
			if err := s.DB.Tx(ctx, func(tx *store.Tx) error {
				c, err := s.lock(ctx, tx, id)
				if err != nil || c.Erased() || c.Status.Open() || !c.StatusAt.Before(before) {
					return err // reopened or erased meanwhile
				}
				done = true
				return s.Erase(ctx, tx, id, ErasedRetention)
			}); err != nil {
				return erased, err
			}
			if done {
				erased++
			}
		}
	}
}

// PurgeErasedMail deletes the delivered (or given up) mail about cases that
// have been erased: the last of it is queued in the erasure's own
// transaction, to tell the trainee, and leaves the outbox after that.
func (s *Store) PurgeErasedMail(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM outbox WHERE case_id IN (SELECT id FROM cases WHERE erased_at IS NOT NULL)
		AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)`)
	if err != nil {
		return 0, fmt.Errorf("cases: purge erased mail: %w", err)
	}
	return res.RowsAffected()
}
