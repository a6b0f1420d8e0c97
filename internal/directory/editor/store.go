package editor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Settings keys the unit sets on the editor's settings page.
const (
	// KeySecondPair is "true" when a draft must be published by someone
	// other than whoever saved it last.
	KeySecondPair = "directory.second_pair_of_eyes"
	// KeyReviewMonths is how many months a listing may go unchecked before
	// it is due for review.
	KeyReviewMonths = "directory.review_months"
)

// Defaults and bounds of the settings.
const (
	DefaultReviewMonths = 6
	MinReviewMonths     = 1
	MaxReviewMonths     = 36
)

// Rules is how the unit runs its directory.
type Rules struct {
	SecondPair   bool
	ReviewMonths int
}

// LoadRules reads the unit's settings, with the defaults for those never
// set.
func LoadRules(ctx context.Context, q store.Querier) (Rules, error) {
	r := Rules{ReviewMonths: DefaultReviewMonths}
	v, err := settings.Get(ctx, q, KeySecondPair, "")
	if err != nil {
		return r, err
	}
	r.SecondPair = v == "true"
	m, err := settings.Get(ctx, q, KeyReviewMonths, "")
	if err != nil {
		return r, err
	}
	if n, err := strconv.Atoi(m); err == nil && n >= MinReviewMonths && n <= MaxReviewMonths {
		r.ReviewMonths = n
	}
	return r, nil
}

// Draft purposes.
const (
	PurposeEdit    = "edit"
	PurposeRestore = "restore"
	PurposeDelete  = "delete"
)

// Draft is an edit not yet published: the whole record as it will be.
type Draft struct {
	EntryID       string
	Kind          string
	Name          string
	State         string
	Doc           []byte
	Base          int // the published version it started from; 0 for a new entry
	Revision      int // how many times it has been saved
	Purpose       string
	Restores      int // the version a restore brings back
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedByName string
	UpdatedAt     time.Time
}

// errNoDraft means the entry has no draft.
var errNoDraft = errors.New("editor: no draft")

// errDraftMoved means the draft was saved, published or discarded by
// someone else since the form was drawn.
var errDraftMoved = errors.New("editor: the draft changed meanwhile")

const draftColumns = `d.entry_id, d.kind, d.name, d.state, d.doc, d.base_version, d.revision, d.purpose, d.restores,
	COALESCE(d.created_by, ''), d.created_at, COALESCE(d.updated_by, ''), COALESCE(u.name, ''), d.updated_at`

func scanDraft(sc interface{ Scan(...any) error }) (Draft, error) {
	var d Draft
	var doc string
	var created, updated store.Time
	err := sc.Scan(&d.EntryID, &d.Kind, &d.Name, &d.State, &doc, &d.Base, &d.Revision, &d.Purpose, &d.Restores,
		&d.CreatedBy, &created, &d.UpdatedBy, &d.UpdatedByName, &updated)
	d.Doc, d.CreatedAt, d.UpdatedAt = []byte(doc), created.Time, updated.Time
	return d, err
}

// loadDraft reads an entry's draft; errNoDraft when it has none.
func loadDraft(ctx context.Context, q store.Querier, id string) (Draft, error) {
	d, err := scanDraft(q.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM dir_drafts d LEFT JOIN users u ON u.id = d.updated_by WHERE d.entry_id = ?`, id))
	if errors.Is(store.MapErr(err), store.ErrNotFound) {
		return Draft{}, errNoDraft
	}
	if err != nil {
		return Draft{}, fmt.Errorf("editor: draft %s: %w", id, err)
	}
	return d, nil
}

// listDrafts lists every draft, the most recently saved first.
func listDrafts(ctx context.Context, q store.Querier) ([]Draft, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+draftColumns+` FROM dir_drafts d LEFT JOIN users u ON u.id = d.updated_by ORDER BY d.updated_at DESC, d.entry_id`)
	if err != nil {
		return nil, fmt.Errorf("editor: drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, fmt.Errorf("editor: drafts: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// saveDraft writes d by userID. seen is the revision the person started
// from (0 when there was no draft); when the draft stored is no longer
// that one, nothing is written and errDraftMoved comes back. The saved
// revision is returned.
func saveDraft(ctx context.Context, tx *store.Tx, d Draft, seen int, userID string) (int, error) {
	now := store.Now()
	var by any
	if userID != "" {
		by = userID
	}
	if seen == 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO dir_drafts (entry_id, kind, name, state, doc, base_version, revision, purpose, restores,
			created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
			d.EntryID, d.Kind, d.Name, d.State, string(d.Doc), d.Base, d.Purpose, d.Restores, by, now, by, now)
		if errors.Is(store.MapErr(err), store.ErrConflict) {
			return 0, errDraftMoved
		}
		if err != nil {
			return 0, fmt.Errorf("editor: save draft: %w", err)
		}
		return 1, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE dir_drafts SET name = ?, state = ?, doc = ?, purpose = ?, restores = ?, revision = revision + 1,
		updated_by = ?, updated_at = ? WHERE entry_id = ? AND revision = ?`, d.Name, d.State, string(d.Doc), d.Purpose, d.Restores, by, now, d.EntryID, seen)
	if err != nil {
		return 0, fmt.Errorf("editor: save draft: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, errDraftMoved
	}
	return seen + 1, nil
}

// deleteDraft removes the draft at revision seen; errDraftMoved when it
// is not there at that revision.
func deleteDraft(ctx context.Context, tx *store.Tx, id string, seen int) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM dir_drafts WHERE entry_id = ? AND revision = ?`, id, seen)
	if err != nil {
		return fmt.Errorf("editor: delete draft: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errDraftMoved
	}
	return nil
}
