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

// Signpost is a service suggested on a plan: the directory's card, and
// the entry's own id (for taking it off).
type Signpost struct {
	directory.Card
	EntryID string
}

type entry struct{ id, service string }

// entries lists c's signposted service ids, opened, in the order added.
func (s *Store) entries(ctx context.Context, q store.Querier, c *cases.Case) ([]entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, service FROM plan_services WHERE case_id = ? ORDER BY added_at, id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("plans: services: %w", err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		var sealed []byte
		if err := rows.Scan(&e.id, &sealed); err != nil {
			return nil, fmt.Errorf("plans: services: %w", err)
		}
		if e.service, err = s.Cases.OpenFor(c, sealed, "plan_services.service:"+e.id); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// services lists the services signposted on c's plan, in the order they
// were added; one that has left the directory (or is no longer active)
// drops off.
func (s *Store) services(ctx context.Context, q store.Querier, c *cases.Case) ([]Signpost, error) {
	es, err := s.entries(ctx, q, c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.service
	}
	cards, err := directory.Cards(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	byService := map[string]string{}
	for _, e := range es {
		byService[e.service] = e.id
	}
	out := make([]Signpost, len(cards))
	for i, card := range cards {
		out[i] = Signpost{Card: card, EntryID: byService[card.ID]}
	}
	return out, nil
}

// AddService signposts directory service serviceID on case caseID's plan;
// adding one already there changes nothing.
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
		// The case row is locked (Act), so reading first is the guard
		// against adding one twice: the sealed ids cannot be indexed.
		es, err := s.entries(ctx, tx, c)
		if err != nil {
			return "", err
		}
		for _, e := range es {
			if e.service == serviceID {
				return "", nil
			}
		}
		if err := ensurePlan(ctx, tx, c); err != nil {
			return "", err
		}
		id := store.NewID()
		sealed, err := s.Cases.SealFor(c, serviceID, "plan_services.service:"+id)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_services (id, case_id, service, added_at, added_by) VALUES (?, ?, ?, ?, ?)`,
			id, c.ID, sealed, store.Now(), v.UserID); err != nil {
			return "", fmt.Errorf("plans: add service: %w", err)
		}
		return "entry " + id, nil
	})
}

// RemoveService takes signposted entry entryID off the plan.
func (s *Store) RemoveService(ctx context.Context, v cases.Viewer, caseID, entryID string) error {
	return s.Cases.Act(ctx, v, caseID, "case.plan.service_removed", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		if err := mayChange(c, "q"); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_services WHERE case_id = ? AND id = ?`, c.ID, entryID); err != nil {
			return "", fmt.Errorf("plans: remove service: %w", err)
		}
		return "entry " + entryID, ensurePlan(ctx, tx, c)
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
