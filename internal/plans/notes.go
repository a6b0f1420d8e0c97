package plans

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// EventSessionNotes is the timeline entry written when notes for a
// session are first saved (not at every save: autosave writes often).
const EventSessionNotes = "session_notes"

// SessionNote is the adviser's notes of one session, opened. They are
// staff's working notes: never shown to the trainee, never in a summary.
type SessionNote struct {
	ID         string
	AuthorName string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Body       string
}

// errUnchanged rolls back a save that would store nothing: empty notes for
// a session not yet started.
var errUnchanged = errors.New("plans: nothing to save")

// SaveSessionNote stores the notes of session note noteID on case caseID,
// creating them on the first save. Autosave calls it every few seconds of
// idle typing, so what was typed survives a timed-out session.
func (s *Store) SaveSessionNote(ctx context.Context, v cases.Viewer, caseID, noteID, body string) error {
	body, err := checkText("notes", "the notes", body, MaxSessionNote, false)
	if err != nil {
		return err
	}
	err = s.Cases.Act(ctx, v, caseID, "case.session_note", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		sealed, err := s.Cases.SealFor(c, body, "case_notes.body:"+noteID)
		if err != nil {
			return "", err
		}
		now := store.Now()
		res, err := tx.ExecContext(ctx, `UPDATE case_notes SET body = ?, updated_at = ? WHERE id = ? AND case_id = ? AND kind = 'session'`,
			sealed, now, noteID, c.ID)
		if err != nil {
			return "", fmt.Errorf("plans: session note: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return "note " + noteID, nil
		}
		if body == "" {
			return "", errUnchanged
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO case_notes (id, case_id, kind, author_id, created_at, updated_at, body)
			VALUES (?, ?, 'session', ?, ?, ?, ?)`, noteID, c.ID, v.UserID, now, now, sealed)
		if errors.Is(err, store.ErrConflict) {
			// The id belongs to another note: an address made up or mangled.
			return "", cases.Problem("notes", "These notes cannot be saved here. Go back to the case and start the session notes again.")
		}
		if err != nil {
			return "", fmt.Errorf("plans: session note: %w", err)
		}
		return "note " + noteID + " started", s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventSessionNotes, ActorID: v.UserID, At: now,
			Detail: "Session notes started"}, "")
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// SessionNotes lists c's session notes, newest first, opened.
func (s *Store) SessionNotes(ctx context.Context, c *cases.Case) ([]SessionNote, error) {
	return s.sessionNotes(ctx, c, "")
}

// SessionNote reads session note id of c; found is false when none has
// been saved under that id yet.
func (s *Store) SessionNote(ctx context.Context, c *cases.Case, id string) (n SessionNote, found bool, err error) {
	ns, err := s.sessionNotes(ctx, c, id)
	if err != nil || len(ns) == 0 {
		return SessionNote{ID: id}, false, err
	}
	return ns[0], true, nil
}

func (s *Store) sessionNotes(ctx context.Context, c *cases.Case, id string) ([]SessionNote, error) {
	q := `SELECT n.id, COALESCE(u.name, ''), n.created_at, n.updated_at, n.body FROM case_notes n
		LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ? AND n.kind = 'session'`
	args := []any{c.ID}
	if id != "" {
		q, args = q+` AND n.id = ?`, append(args, id)
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY n.created_at DESC, n.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("plans: session notes: %w", err)
	}
	defer rows.Close()
	var out []SessionNote
	for rows.Next() {
		var n SessionNote
		var sealed []byte
		if err := rows.Scan(&n.ID, &n.AuthorName, &n.CreatedAt, &n.UpdatedAt, &sealed); err != nil {
			return nil, fmt.Errorf("plans: session notes: %w", err)
		}
		if n.Body, err = s.Cases.OpenFor(c, sealed, "case_notes.body:"+n.ID); err != nil {
			return nil, err
		}
		n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}
