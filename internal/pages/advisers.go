package pages

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Adviser is one biography on /advisers.
type Adviser struct {
	ID         string
	Name       string
	Role       string
	Background string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Paragraphs splits the background at blank lines, for display.
func (a Adviser) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(a.Background, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Advisers lists every adviser by name.
func Advisers(ctx context.Context, q store.Querier) ([]Adviser, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, role, background, created_at, updated_at FROM advisers ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("pages: list advisers: %w", err)
	}
	defer rows.Close()
	var out []Adviser
	for rows.Next() {
		var a Adviser
		if err := rows.Scan(&a.ID, &a.Name, &a.Role, &a.Background, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("pages: list advisers: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pages: list advisers: %w", err)
	}
	return out, nil
}

// AdviserByID returns one adviser; store.ErrNotFound if there is none.
func AdviserByID(ctx context.Context, q store.Querier, id string) (Adviser, error) {
	var a Adviser
	err := store.Scan(q.QueryRowContext(ctx, `SELECT id, name, role, background, created_at, updated_at FROM advisers WHERE id = ?`, id),
		&a.ID, &a.Name, &a.Role, &a.Background, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return Adviser{}, fmt.Errorf("pages: adviser %s: %w", id, err)
	}
	return a, nil
}

// CreateAdviser stores a new adviser, giving it an id.
func CreateAdviser(ctx context.Context, q store.Querier, a *Adviser) error {
	now := store.Now()
	a.ID, a.CreatedAt, a.UpdatedAt = store.NewID(), now, now
	_, err := q.ExecContext(ctx, `INSERT INTO advisers (id, name, role, background, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.Role, a.Background, a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return fmt.Errorf("pages: create adviser: %w", err)
	}
	return nil
}

// UpdateAdviser saves a's name, role and background; store.ErrNotFound if
// the adviser has gone.
func UpdateAdviser(ctx context.Context, q store.Querier, a *Adviser) error {
	a.UpdatedAt = store.Now()
	res, err := q.ExecContext(ctx, `UPDATE advisers SET name = ?, role = ?, background = ?, updated_at = ? WHERE id = ?`,
		a.Name, a.Role, a.Background, a.UpdatedAt, a.ID)
	if err != nil {
		return fmt.Errorf("pages: update adviser: %w", err)
	}
	return mustAffect(res.RowsAffected())
}

// DeleteAdviser removes an adviser; store.ErrNotFound if already gone.
func DeleteAdviser(ctx context.Context, q store.Querier, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM advisers WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("pages: delete adviser: %w", err)
	}
	return mustAffect(res.RowsAffected())
}

func mustAffect(n int64, err error) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("pages: adviser: %w", store.ErrNotFound)
	}
	return nil
}

// advisersPage is GET /advisers.
func (p pages) advisersPage(w http.ResponseWriter, r *http.Request) {
	as, err := Advisers(r.Context(), p.srv.DB)
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Render(w, r, http.StatusOK, "pages/advisers.html", web.Page{Title: "Our advisers", Data: as})
}
