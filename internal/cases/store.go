package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Store reads and writes cases. Every change goes through a transaction
// that also writes the timeline and the audit trail.
type Store struct {
	DB     *store.DB
	Sealer *seal.Sealer // the master sealer; each case has its own key under it
	Outbox *mail.Outbox
	// OutcomesFunc lists the outcomes a case may close with (the unit's
	// own list); nil means the fixed Outcomes.
	OutcomesFunc func(ctx context.Context, q store.Querier) ([]string, error)
	// CloseVia, when set, names the page under a case that closes it
	// ("close": the plan room's, which also queues the feedback request);
	// the status page then sends people there instead of closing itself.
	CloseVia string
	// OnEnd run inside the transaction that ends a case (closed,
	// withdrawn, not eligible or merged), after its status is set: the
	// appointments room cancels what was still to come.
	OnEnd []func(ctx context.Context, tx *store.Tx, v Viewer, c *Case) error
}

// outcomes is the list a case may close with.
func (s *Store) outcomes(ctx context.Context, q store.Querier) ([]string, error) {
	if s.OutcomesFunc == nil {
		return Outcomes, nil
	}
	return s.OutcomesFunc(ctx, q)
}

const caseColumns = `id, reference, status, status_at, opened_at, submitted_at, response_due, responded_at,
	clock_paused_at, clock_paused_days, assigned_to, assigned_at, restricted, merged_into, outcome, closed_at,
	profession, region, programme, consent_case_email, consent_follow_up, email_blind, key_sealed, name_sealed, email_sealed, updated_at, erased_at`

type scanner interface{ Scan(dest ...any) error }

func scanCase(row scanner) (*Case, error) {
	c := &Case{}
	var submitted, due, responded, paused, assignedAt, closed, erased store.Time
	var assigned, merged sql.NullString
	err := row.Scan(&c.ID, &c.Reference, &c.Status, &c.StatusAt, &c.OpenedAt, &submitted, &due, &responded,
		&paused, &c.ClockPausedDays, &assigned, &assignedAt, &c.Restricted, &merged, &c.Outcome, &closed,
		&c.Profession, &c.Region, &c.Programme, &c.ConsentCaseEmail, &c.ConsentFollowUp, &c.EmailBlind,
		&c.keySealed, &c.nameSealed, &c.emailSealed, &c.UpdatedAt, &erased)
	if err != nil {
		return nil, err
	}
	c.SubmittedAt, c.ResponseDue, c.RespondedAt = submitted.Time.UTC(), due.Time.UTC(), responded.Time.UTC()
	c.ClockPausedAt, c.AssignedAt, c.ClosedAt = paused.Time.UTC(), assignedAt.Time.UTC(), closed.Time.UTC()
	c.AssignedTo, c.MergedInto, c.ErasedAt = assigned.String, merged.String, erased.Time.UTC()
	c.StatusAt, c.OpenedAt, c.UpdatedAt = c.StatusAt.UTC(), c.OpenedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// Get reads a case by id.
func (s *Store) Get(ctx context.Context, q store.Querier, id string) (*Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("cases: get: %w", store.MapErr(err))
	}
	return c, nil
}

// ByReference reads a case by its reference, or by the reference of an
// application that joined it.
func (s *Store) ByReference(ctx context.Context, q store.Querier, ref string) (*Case, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE reference = ?`, ref))
	if errors.Is(store.MapErr(err), store.ErrNotFound) {
		c, err = scanCase(q.QueryRowContext(ctx, `SELECT `+prefixed("c.", caseColumns)+` FROM cases c
			JOIN applications a ON a.case_id = c.id WHERE a.reference = ?`, ref))
	}
	if err != nil {
		return nil, fmt.Errorf("cases: by reference: %w", store.MapErr(err))
	}
	return c, nil
}

// lock claims a case row for the rest of tx (a row lock on PostgreSQL;
// SQLite's single writer already excludes others) and reads it afresh, so
// two people acting at once see each other's change instead of undoing it.
func (s *Store) lock(ctx context.Context, tx *store.Tx, id string) (*Case, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET updated_at = updated_at WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("cases: lock: %w", err)
	}
	return s.Get(ctx, tx, id)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Key returns the Sealer for c's own data key.
func (s *Store) Key(c *Case) (*seal.Sealer, error) {
	if len(c.keySealed) == 0 {
		return nil, fmt.Errorf("cases: %s has no data key (erased)", c.ID)
	}
	return s.Sealer.OpenDataKey(c.keySealed, "cases.key:"+c.ID)
}

// Name opens the trainee's name on c, for someone already allowed to see
// it; "" when none is known.
func (s *Store) Name(c *Case) (string, error) {
	if len(c.nameSealed) == 0 {
		return "", nil
	}
	k, err := s.Key(c)
	if err != nil {
		return "", err
	}
	return k.OpenString(c.nameSealed, "cases.name:"+c.ID)
}

// Email opens the trainee's address on c, for mail that has passed the
// consent check.
func (s *Store) Email(c *Case) (string, error) {
	if len(c.emailSealed) == 0 {
		return "", nil
	}
	return s.OpenFor(c, c.emailSealed, "cases.email:"+c.ID)
}

// SealFor seals v under c's key, bound to where it is stored.
func (s *Store) SealFor(c *Case, v, context string) ([]byte, error) {
	k, err := s.Key(c)
	if err != nil {
		return nil, err
	}
	return k.SealString(v, context), nil
}

// OpenFor opens a value sealed with SealFor.
func (s *Store) OpenFor(c *Case, sealed []byte, context string) (string, error) {
	k, err := s.Key(c)
	if err != nil {
		return "", err
	}
	return k.OpenString(sealed, context)
}

// touch writes c's status and the time it changed.
func setStatus(ctx context.Context, tx *store.Tx, c *Case, to Status, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, status_at = ?, updated_at = ? WHERE id = ?`, to, now, now, c.ID)
	if err != nil {
		return fmt.Errorf("cases: set status: %w", err)
	}
	c.Status, c.StatusAt, c.UpdatedAt = to, now, now
	return nil
}
