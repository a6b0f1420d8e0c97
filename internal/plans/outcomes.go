package plans

import (
	"context"
	"errors"
	"fmt"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// MaxOutcome is the longest outcome label, in characters.
const MaxOutcome = 100

// Outcome is one entry of the unit's list of outcomes.
type Outcome struct {
	ID      string
	Label   string
	Removed bool // kept on the cases that closed with it, no longer offered
}

// Outcomes lists the outcomes a case may close with now, in the unit's
// order. cases.Move checks an outcome against it (through its
// OutcomesFunc), as does Close.
func Outcomes(ctx context.Context, q store.Querier) ([]string, error) {
	all, err := AllOutcomes(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range all {
		if !o.Removed {
			out = append(out, o.Label)
		}
	}
	return out, nil
}

// AllOutcomes lists every outcome the unit has had, offered ones first.
func AllOutcomes(ctx context.Context, q store.Querier) ([]Outcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, label, removed FROM case_outcomes ORDER BY removed, position, label`)
	if err != nil {
		return nil, fmt.Errorf("plans: outcomes: %w", err)
	}
	defer rows.Close()
	var out []Outcome
	for rows.Next() {
		var o Outcome
		if err := rows.Scan(&o.ID, &o.Label, &o.Removed); err != nil {
			return nil, fmt.Errorf("plans: outcomes: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddOutcome puts label at the end of the list; an outcome removed before
// comes back.
func AddOutcome(ctx context.Context, tx *store.Tx, label string) error {
	label, err := checkText("label", "the outcome", label, MaxOutcome, true)
	if err != nil {
		return err
	}
	var removed bool
	err = store.Scan(tx.QueryRowContext(ctx, `SELECT removed FROM case_outcomes WHERE label = ?`, label), &removed)
	switch {
	case err == nil && !removed:
		return cases.Problem("label", "\u201c"+label+"\u201d is already on the list")
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE case_outcomes SET removed = FALSE,
			position = (SELECT COALESCE(MAX(position), 0) + 1 FROM case_outcomes) WHERE label = ?`, label)
	case errors.Is(err, store.ErrNotFound):
		_, err = tx.ExecContext(ctx, `INSERT INTO case_outcomes (id, label, position)
			VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM case_outcomes))`, store.NewID(), label)
		if errors.Is(err, store.ErrConflict) {
			return cases.Problem("label", "\u201c"+label+"\u201d is already on the list")
		}
	}
	if err != nil {
		return fmt.Errorf("plans: add outcome: %w", err)
	}
	return nil
}

// RemoveOutcome stops offering outcome id. The last one offered stays: a
// case must always be able to close.
func RemoveOutcome(ctx context.Context, tx *store.Tx, id string) (label string, err error) {
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT label FROM case_outcomes WHERE id = ? AND removed = FALSE`, id), &label); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", cases.Problem("label", "That outcome is no longer on the list. Refresh the page to see the list as it is now.")
		}
		return "", fmt.Errorf("plans: remove outcome: %w", err)
	}
	var n int
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_outcomes WHERE removed = FALSE`), &n); err != nil {
		return "", fmt.Errorf("plans: remove outcome: %w", err)
	}
	if n <= 1 {
		return "", cases.Problem("label", "Keep at least one outcome on the list: add another before you remove this one.")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE case_outcomes SET removed = TRUE WHERE id = ?`, id); err != nil {
		return "", fmt.Errorf("plans: remove outcome: %w", err)
	}
	return label, nil
}
