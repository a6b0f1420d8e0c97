package plans

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
)

// MaxSearch is the longest directory search the plan page takes, as the
// directory's own search box.
const MaxSearch = 200

// searchLimit is how many services a search on the plan page offers.
const searchLimit = 10

// services lists the services signposted on c's plan, in the order they
// were added; one that has left the directory (or is no longer active)
// drops off.
func (s *Store) services(ctx context.Context, q store.Querier, c *cases.Case) ([]directory.Card, error) {
	rows, err := q.QueryContext(ctx, `SELECT service_id FROM plan_services WHERE case_id = ? ORDER BY added_at, service_id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("plans: services: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("plans: services: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plans: services: %w", err)
	}
	return directory.Cards(ctx, q, ids)
}

// AddService signposts directory service serviceID on case caseID's plan.
func (s *Store) AddService(ctx context.Context, v cases.Viewer, caseID, serviceID string) error {
	return s.Cases.Act(ctx, v, caseID, "case.plan.service_added", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "q"); err != nil {
			return "", err
		}
		cards, err := directory.Cards(ctx, tx, []string{serviceID})
		if err != nil {
			return "", err
		}
		if len(cards) == 0 {
			return "", cases.Problem("q", "That service is no longer in the directory. Search again and choose another.")
		}
		if err := ensurePlan(ctx, tx, c); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_services (case_id, service_id, added_at, added_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (case_id, service_id) DO NOTHING`, c.ID, serviceID, store.Now(), v.UserID); err != nil {
			return "", fmt.Errorf("plans: add service: %w", err)
		}
		return "service " + serviceID, nil
	})
}

// RemoveService takes a service off the plan.
func (s *Store) RemoveService(ctx context.Context, v cases.Viewer, caseID, serviceID string) error {
	return s.Cases.Act(ctx, v, caseID, "case.plan.service_removed", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "q"); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_services WHERE case_id = ? AND service_id = ?`, c.ID, serviceID); err != nil {
			return "", fmt.Errorf("plans: remove service: %w", err)
		}
		return "service " + serviceID, ensurePlan(ctx, tx, c)
	})
}

// SearchServices runs the directory's own search (the index behind
// /services) for text, and returns the best few services someone can use
// today, to pick from.
func SearchServices(ctx context.Context, ix *directory.Index, q store.Querier, text string) ([]directory.Card, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(text) > MaxSearch {
		return nil, cases.Problem("q", fmt.Sprintf("Search for %d characters or fewer", MaxSearch))
	}
	res, err := ix.Search(ctx, q, directory.Query{Text: text, Usable: true, Limit: searchLimit})
	if err != nil {
		return nil, err
	}
	return directory.Cards(ctx, q, res.IDs)
}
