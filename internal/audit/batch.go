package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/psu-project/psu/internal/store"
)

// RecordAll appends events, in order, as the next entries of the chain,
// inside tx: what Record does once per event, with one lock and one read of
// the newest entry for them all and the rows written many to a statement.
// It is for bulk writers (psu demo writes the history of thousands of cases
// at a time); the entries are the ones Record would write, so Verify reads
// them alike.
func RecordAll(ctx context.Context, tx *store.Tx, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	for i := range events {
		e := &events[i]
		if e.Action == "" {
			return errors.New("audit: an entry needs an action")
		}
		if e.ActorRole == "" {
			e.ActorRole = "visitor"
		}
		if e.ActorRole == "visitor" {
			e.Source = ""
		}
	}
	if tx.Engine() == store.Postgres {
		if _, err := tx.ExecContext(ctx, lockAppend); err != nil {
			return fmt.Errorf("audit: lock: %w", err)
		}
	}
	var lastSeq int64
	var lastHash string
	err := store.Scan(tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`), &lastSeq, &lastHash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		before, err := digestBefore(ctx, tx)
		if err != nil {
			return err
		}
		lastHash = before.digest
	case err != nil:
		return fmt.Errorf("audit: last entry: %w", err)
	}
	rows := make([][]any, len(events))
	for i, e := range events {
		en := newEntry(lastSeq+1, lastHash, store.NewID(), store.Now(), e)
		en.hash = text(entryHash(&en))
		rows[i] = []any{en.id, en.seq, en.prevHash, en.hash, en.at.Time, en.actorID, en.actorRole, en.action,
			en.targetType, en.targetID, en.caseID, en.source, en.detail}
		lastSeq, lastHash = en.seq.Int64, en.hash.String
	}
	if err := store.InsertRows(ctx, tx, "audit_log", []string{"id", "seq", "prev_hash", "hash", "at", "actor_id", "actor_role",
		"action", "target_type", "target_id", "case_id", "source", "detail"}, rows); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
