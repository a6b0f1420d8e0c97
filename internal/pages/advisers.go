package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Biography states: an adviser's save makes a draft; an administrator's
// publish makes it the published one.
const (
	StateDraft     = "draft"
	StatePublished = "published"
)

// Ways an adviser meets trainees, in the order they are offered.
var Meetings = []struct{ Value, Label string }{
	{"in_person", "Face to face"},
	{"phone", "Phone"},
	{"teams", "Microsoft Teams"},
	{"zoom", "Zoom"},
}

func meetingLabel(v string) (string, bool) {
	for _, m := range Meetings {
		if m.Value == v {
			return m.Label, true
		}
	}
	return "", false
}

// Bio is one adviser biography, published or a draft.
type Bio struct {
	ID string
	// UserID is the staff account that wrote it; empty for an entry carried
	// over from before advisers wrote their own.
	UserID     string
	State      string
	Name       string // the account's name, or the entry's own
	Role       string
	Background string
	HelpsWith  string
	Languages  string
	Meets      []string // Meetings values
	HasPhoto   bool
	Disabled   bool // the account is disabled
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// PublishedAt is when it was last published; zero for a draft never
	// published.
	PublishedAt time.Time
}

// Paragraphs splits the background at blank lines, for display.
func (b Bio) Paragraphs() []string { return paragraphs(b.Background) }

// HelpParagraphs splits what the adviser helps with at blank lines.
func (b Bio) HelpParagraphs() []string { return paragraphs(b.HelpsWith) }

// MeetLabels are the ways the adviser meets, as people read them.
func (b Bio) MeetLabels() []string {
	var out []string
	for _, m := range b.Meets {
		if l, ok := meetingLabel(m); ok {
			out = append(out, l)
		}
	}
	return out
}

// PhotoVersion changes whenever the published photo may have, so the
// photo's address can be cached.
func (b Bio) PhotoVersion() string { return strconv.FormatInt(b.PublishedAt.UnixMicro(), 36) }

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

const bioColumns = `b.id, COALESCE(b.user_id, ''), b.state, COALESCE(u.name, b.name), b.role, b.background, b.helps_with, b.languages, b.meets,
	b.photo IS NOT NULL, u.disabled_at IS NOT NULL, b.created_at, b.updated_at, b.published_at
	FROM adviser_bios b LEFT JOIN users u ON u.id = b.user_id`

func scanBio(scan func(...any) error) (Bio, error) {
	var b Bio
	var meets string
	var published sql.NullTime
	if err := scan(&b.ID, &b.UserID, &b.State, &b.Name, &b.Role, &b.Background, &b.HelpsWith, &b.Languages, &meets,
		&b.HasPhoto, &b.Disabled, &b.CreatedAt, &b.UpdatedAt, &published); err != nil {
		return Bio{}, err
	}
	if meets != "" {
		b.Meets = strings.Split(meets, ",")
	}
	if published.Valid {
		b.PublishedAt = published.Time.UTC()
	}
	return b, nil
}

func queryBios(ctx context.Context, q store.Querier, where string, args ...any) ([]Bio, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+bioColumns+` WHERE `+where+` ORDER BY COALESCE(u.name, b.name), b.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("pages: list biographies: %w", err)
	}
	defer rows.Close()
	var out []Bio
	for rows.Next() {
		b, err := scanBio(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("pages: list biographies: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pages: list biographies: %w", err)
	}
	return out, nil
}

// PublishedBios lists the biographies the public sees: published, and
// written by an account still enabled (or carried over, with no account).
func PublishedBios(ctx context.Context, q store.Querier) ([]Bio, error) {
	return queryBios(ctx, q, `b.state = 'published' AND (b.user_id IS NULL OR u.disabled_at IS NULL)`)
}

// AllBios lists every biography, drafts and published, for administrators.
func AllBios(ctx context.Context, q store.Querier) ([]Bio, error) {
	return queryBios(ctx, q, `1 = 1`)
}

// BioByID returns one biography; store.ErrNotFound if there is none.
func BioByID(ctx context.Context, q store.Querier, id string) (Bio, error) {
	b, err := scanBio(q.QueryRowContext(ctx, `SELECT `+bioColumns+` WHERE b.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return Bio{}, fmt.Errorf("pages: biography %s: %w", id, err)
	}
	return b, nil
}

// BioOf returns the biography of account userID in state; store.ErrNotFound
// if it has none.
func BioOf(ctx context.Context, q store.Querier, userID, state string) (Bio, error) {
	b, err := scanBio(q.QueryRowContext(ctx, `SELECT `+bioColumns+` WHERE b.user_id = ? AND b.state = ?`, userID, state).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return Bio{}, fmt.Errorf("pages: biography of %s: %w", userID, err)
	}
	return b, nil
}

// Photo is a biography's photo, as stored (already re-encoded).
type Photo struct {
	Content     []byte
	ContentType string
}

// PhotoChange says what a save does to the photo.
type PhotoChange struct {
	New    *Photo // a newly uploaded photo, checked and re-encoded
	Remove bool   // take the photo off
}

// SaveDraft writes b as the draft biography of account userID, inside tx:
// the draft already waiting is changed, or a new one made. A new draft
// keeps the published biography's photo unless the change says otherwise.
// It returns the draft's id.
func SaveDraft(ctx context.Context, tx *store.Tx, userID string, b Bio, ph PhotoChange) (string, error) {
	now := store.Now()
	meets := strings.Join(b.Meets, ",")
	draft, err := BioOf(ctx, tx, userID, StateDraft)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE adviser_bios SET role = ?, background = ?, helps_with = ?, languages = ?, meets = ?, updated_at = ? WHERE id = ?`,
			b.Role, b.Background, b.HelpsWith, b.Languages, meets, now, draft.ID); err != nil {
			return "", fmt.Errorf("pages: save biography: %w", err)
		}
	case errors.Is(err, store.ErrNotFound):
		draft.ID = store.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO adviser_bios (id, user_id, state, name, role, background, helps_with, languages, meets, created_at, updated_at)
			VALUES (?, ?, 'draft', '', ?, ?, ?, ?, ?, ?, ?)`,
			draft.ID, userID, b.Role, b.Background, b.HelpsWith, b.Languages, meets, now, now); err != nil {
			return "", fmt.Errorf("pages: save biography: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE adviser_bios SET
			photo = (SELECT p.photo FROM adviser_bios p WHERE p.user_id = ? AND p.state = 'published'),
			photo_type = COALESCE((SELECT p.photo_type FROM adviser_bios p WHERE p.user_id = ? AND p.state = 'published'), '')
			WHERE id = ?`, userID, userID, draft.ID); err != nil {
			return "", fmt.Errorf("pages: save biography: %w", err)
		}
	default:
		return "", err
	}
	err = nil
	switch {
	case ph.New != nil:
		_, err = tx.ExecContext(ctx, `UPDATE adviser_bios SET photo = ?, photo_type = ? WHERE id = ?`, ph.New.Content, ph.New.ContentType, draft.ID)
	case ph.Remove:
		_, err = tx.ExecContext(ctx, `UPDATE adviser_bios SET photo = NULL, photo_type = '' WHERE id = ?`, draft.ID)
	}
	if err != nil {
		return "", fmt.Errorf("pages: save biography photo: %w", err)
	}
	return draft.ID, nil
}

// ErrNotDraft: the biography to publish is not a draft (already published,
// or gone).
var ErrNotDraft = errors.New("pages: the biography is not a draft")

// Publish makes draft id the published biography, replacing the one
// published before for the same account; byUserID is the administrator.
func Publish(ctx context.Context, tx *store.Tx, id, byUserID string) (Bio, error) {
	b, err := BioByID(ctx, tx, id)
	if err != nil {
		return Bio{}, err
	}
	if b.State != StateDraft {
		return Bio{}, ErrNotDraft
	}
	if b.UserID != "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM adviser_bios WHERE user_id = ? AND state = 'published'`, b.UserID); err != nil {
			return Bio{}, fmt.Errorf("pages: publish biography: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE adviser_bios SET state = 'published', published_at = ?, published_by = ? WHERE id = ? AND state = 'draft'`,
		store.Now(), byUserID, id); err != nil {
		return Bio{}, fmt.Errorf("pages: publish biography: %w", err)
	}
	return b, nil
}

// Unpublish takes published biography id off the public page. Its text is
// kept as the account's draft, unless a newer draft is already waiting.
func Unpublish(ctx context.Context, tx *store.Tx, id string) (Bio, error) {
	b, err := BioByID(ctx, tx, id)
	if err != nil {
		return Bio{}, err
	}
	if b.State != StatePublished {
		return Bio{}, fmt.Errorf("pages: unpublish %s: %w", id, store.ErrNotFound)
	}
	waiting := false
	if b.UserID != "" {
		_, err := BioOf(ctx, tx, b.UserID, StateDraft)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Bio{}, err
		}
		waiting = err == nil
	}
	if waiting {
		_, err = tx.ExecContext(ctx, `DELETE FROM adviser_bios WHERE id = ?`, id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE adviser_bios SET state = 'draft' WHERE id = ?`, id)
	}
	if err != nil {
		return Bio{}, fmt.Errorf("pages: unpublish biography: %w", err)
	}
	return b, nil
}

// RemoveCarriedOver deletes an entry with no account (one typed by an
// administrator before advisers wrote their own); store.ErrNotFound if
// there is no such entry. An account's biography is unpublished, never
// deleted by someone else.
func RemoveCarriedOver(ctx context.Context, tx *store.Tx, id string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM adviser_bios WHERE id = ? AND user_id IS NULL`, id)
	if err != nil {
		return fmt.Errorf("pages: remove biography: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("pages: remove biography %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// photoOf returns the photo of the biography that has one and meets where
// (on b, the biography, and u, its account); store.ErrNotFound if none.
func photoOf(ctx context.Context, q store.Querier, where string, args ...any) (Photo, error) {
	var p Photo
	err := store.Scan(q.QueryRowContext(ctx, `SELECT b.photo, b.photo_type FROM adviser_bios b LEFT JOIN users u ON u.id = b.user_id
		WHERE b.photo IS NOT NULL AND `+where, args...), &p.Content, &p.ContentType)
	if err != nil {
		return Photo{}, fmt.Errorf("pages: biography photo: %w", err)
	}
	return p, nil
}

// advisersPage is GET /advisers.
func (p pages) advisersPage(w http.ResponseWriter, r *http.Request) {
	bs, err := PublishedBios(r.Context(), p.srv.DB)
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Render(w, r, http.StatusOK, "pages/advisers.html", web.Page{Title: "Our advisers", Data: bs})
}

// publicPhoto is GET /advisers/{id}/photo: a published biography's photo,
// while its account is enabled. The address carries the publication's
// version (?v=), so a browser may keep it a day.
func (p pages) publicPhoto(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	ph, err := photoOf(r.Context(), p.srv.DB, `b.id = ? AND b.state = 'published' AND (b.user_id IS NULL OR u.disabled_at IS NULL)`, id)
	p.servePhoto(w, r, ph, err, "public, max-age=86400")
}

func (p pages) servePhoto(w http.ResponseWriter, r *http.Request, ph Photo, err error, cache string) {
	if errors.Is(err, store.ErrNotFound) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(ph.Content)))
	w.Header().Set("Cache-Control", cache)
	w.Write(ph.Content)
}
