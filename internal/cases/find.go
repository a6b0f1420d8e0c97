package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// Find looks a case up by what a member of staff typed: a reference, an
// e-mail address or a name (every word of it must match). Names and
// addresses are sealed, so they are matched through keyed hashes, never by
// opening rows. Only cases v may see in the queue are returned.
func (s *Store) Find(ctx context.Context, v Viewer, text string, now time.Time) ([]Row, error) {
	text = strings.TrimSpace(text)
	var ids []string
	switch {
	case text == "":
		return nil, nil
	case application.ValidReference(strings.ToUpper(text)) || strings.HasPrefix(strings.ToUpper(text), "PSU-"):
		c, err := s.ByReference(ctx, s.DB, text)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		ids = []string{c.ID}
	case strings.Contains(text, "@"):
		var err error
		if ids, err = s.matching(ctx, []string{s.Sealer.Blind(referral.NormaliseEmail(text), "email")}); err != nil {
			return nil, err
		}
	default:
		words := nameWords(text)
		if len(words) == 0 || len(words) > 8 {
			return nil, nil
		}
		// The longest word first: it leads the read (see matching).
		slices.SortFunc(words, func(a, b string) int {
			if len(a) != len(b) {
				return len(b) - len(a)
			}
			return strings.Compare(a, b)
		})
		words = slices.Compact(words)
		blinds := make([]string, len(words))
		for i, w := range words {
			blinds[i] = s.Sealer.Blind(w, "case.name.word")
		}
		var err error
		if ids, err = s.matching(ctx, blinds); err != nil {
			return nil, err
		}
	}
	clock, _, err := s.workClock(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q := selectRows + ` FROM cases c LEFT JOIN users u ON u.id = c.assigned_to
		WHERE c.id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`
	args := []any{v.UserID}
	for _, id := range ids {
		args = append(args, id)
	}
	if !v.Lead {
		q, args = q+` AND c.assigned_to = ?`, append(args, v.UserID)
	}
	return s.rows(ctx, v, clock, now, q+` ORDER BY c.opened_at DESC, c.id DESC`, args...)
}

// matching returns the cases indexed under every one of blinds, newest
// first, at most 50. It reads in order from the first blind's entries
// (the longest word of a name, likely the rarest) and keeps the cases that
// also carry every other.
func (s *Store) matching(ctx context.Context, blinds []string) ([]string, error) {
	q := `SELECT s.case_id FROM case_search s WHERE s.blind = ?`
	args := []any{blinds[0]}
	for _, b := range blinds[1:] {
		q += ` AND EXISTS (SELECT 1 FROM case_search o WHERE o.case_id = s.case_id AND o.blind = ?)`
		args = append(args, b)
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY s.opened_at DESC, s.case_id DESC LIMIT 50`, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: find: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases: find: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Today is what needs a person's attention today.
type Today struct {
	Overdue    int // first replies past their target
	DueSoon    int // first replies due within AmberDays
	Unassigned int // new cases nobody has (leads only)
	Notified   int // referrers' notices waiting for an application (leads only)
	Mine       int // open cases assigned to this person
}

// Total is how many things need action.
func (t Today) Total() int { return t.Overdue + t.DueSoon + t.Unassigned }

// TodayFor counts what needs v's action: for an adviser, their own cases;
// for a lead, the whole queue.
func (s *Store) TodayFor(ctx context.Context, v Viewer, now time.Time) (Today, error) {
	clock, _, err := s.workClock(ctx)
	if err != nil {
		return Today{}, err
	}
	scope, scoped := ``, []any{}
	if !v.Lead {
		scope, scoped = ` AND assigned_to = ?`, []any{v.UserID}
	}
	// One round trip: each count reads only its own partial index.
	running := `status = 'new' AND responded_at IS NULL AND clock_paused_at IS NULL AND response_due IS NOT NULL`
	start, amber := workdays.StartOfDay(now), amberFrom(clock, now)
	q := `SELECT (SELECT COUNT(*) FROM cases WHERE ` + running + ` AND response_due < ?` + scope + `),
		(SELECT COUNT(*) FROM cases WHERE ` + running + ` AND response_due >= ? AND response_due <= ?` + scope + `),
		(SELECT COUNT(*) FROM cases WHERE assigned_to = ? AND status NOT IN ('closed', 'withdrawn', 'not_eligible', 'merged'))`
	args := append(append([]any{start}, scoped...), start, amber)
	args = append(append(args, scoped...), v.UserID)
	var t Today
	dst := []any{&t.Overdue, &t.DueSoon, &t.Mine}
	if v.Lead {
		q += `, (SELECT COUNT(*) FROM cases WHERE assigned_to IS NULL AND status = 'new'),
			(SELECT COUNT(*) FROM cases WHERE status = 'notified')`
		dst = append(dst, &t.Unassigned, &t.Notified)
	}
	if err := store.Scan(s.DB.QueryRowContext(ctx, q, args...), dst...); err != nil {
		return t, fmt.Errorf("cases: today: %w", err)
	}
	return t, nil
}
