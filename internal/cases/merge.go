package cases

import (
	"context"
	"errors"
	"fmt"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
)

// Merge folds duplicate case id into the case with reference into: its
// applications, referrers' notices, topics, search entries and notes move
// across (notes sealed afresh under the other case's key); the duplicate
// stays, marked merged, pointing to the other. A triage lead's action, on
// two cases they may both open.
func (s *Store) Merge(ctx context.Context, v Viewer, id, into string) error {
	target, err := s.ByReference(ctx, s.DB, into)
	if errors.Is(err, store.ErrNotFound) {
		return problem("into", "No case has the reference "+into+". Check it and try again.")
	}
	if err != nil {
		return err
	}
	if refusal, err := s.decide(ctx, s.DB, v, target); err != nil {
		return err
	} else if refusal != nil {
		return problem("into", "You cannot open case "+target.Reference+", so you cannot merge into it.")
	}
	return s.act(ctx, v, id, "case.merge", true, func(tx *store.Tx, c *Case) (string, error) {
		t, err := s.lock(ctx, tx, target.ID)
		if err != nil {
			return "", err
		}
		switch {
		case t.ID == c.ID:
			return "", problem("into", "A case cannot be merged into itself. Enter the reference of the case to keep.")
		case !t.Status.Open():
			return "", problem("into", "Case "+t.Reference+" is "+lower(t.Status.Label())+". Merge into an open case.")
		}
		for _, q := range []string{
			`UPDATE applications SET case_id = ? WHERE case_id = ?`,
			`UPDATE referrals SET case_id = ? WHERE case_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, t.ID, c.ID); err != nil {
				return "", fmt.Errorf("cases: merge: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_topics (case_id, topic, opened_at) SELECT ?, topic, ? FROM case_topics WHERE case_id = ?
			ON CONFLICT (case_id, topic) DO NOTHING`, t.ID, t.OpenedAt, c.ID); err != nil {
			return "", fmt.Errorf("cases: merge: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_search (case_id, blind, opened_at) SELECT ?, blind, ? FROM case_search WHERE case_id = ?
			ON CONFLICT (blind, case_id) DO NOTHING`, t.ID, t.OpenedAt, c.ID); err != nil {
			return "", fmt.Errorf("cases: merge: %w", err)
		}
		if err := s.moveNotes(ctx, tx, c, t); err != nil {
			return "", err
		}
		if err := s.move(ctx, tx, v, c, Merged, t.Reference, ""); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET merged_into = ? WHERE id = ?`, t.ID, c.ID); err != nil {
			return "", fmt.Errorf("cases: merge: %w", err)
		}
		if err := event(ctx, tx, t, Event{Kind: EventMerged, ActorID: v.UserID, Detail: c.Reference}); err != nil {
			return "", err
		}
		return "into " + t.ID, audit.Record(ctx, tx, v.event("case.merged_in", t.ID, "from "+c.ID))
	})
}

// moveNotes re-seals from's notes under to's key and moves them.
func (s *Store) moveNotes(ctx context.Context, tx *store.Tx, from, to *Case) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM case_notes WHERE case_id = ?`, from.ID)
	if err != nil {
		return fmt.Errorf("cases: move notes: %w", err)
	}
	type note struct {
		id   string
		body []byte
	}
	var ns []note
	for rows.Next() {
		var n note
		if err := rows.Scan(&n.id, &n.body); err != nil {
			rows.Close()
			return fmt.Errorf("cases: move notes: %w", err)
		}
		ns = append(ns, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cases: move notes: %w", err)
	}
	for _, n := range ns {
		text, err := s.OpenFor(from, n.body, "case_notes.body:"+n.id)
		if err != nil {
			return err
		}
		sealed, err := s.SealFor(to, text, "case_notes.body:"+n.id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_notes SET case_id = ?, body = ? WHERE id = ?`, to.ID, sealed, n.id); err != nil {
			return fmt.Errorf("cases: move notes: %w", err)
		}
	}
	return nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
