package eligibility

import (
	"context"
	"errors"

	"github.com/psu-project/psu/internal/store"
)

// AllSignposts lists, once each and in the order they first appear, the
// directory services the rules in use point people to: the places staff
// choose from when they close a case as not eligible.
func AllSignposts(ctx context.Context, q store.Querier) ([]string, error) {
	rs := Default()
	p, err := LoadCurrent(ctx, q)
	switch {
	case errors.Is(err, ErrNoRules):
	case err != nil:
		return nil, err
	default:
		if rs, err = ParseRuleSet(p.Document); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var ids []string
	add := func(sps []Signpost) {
		for _, s := range sps {
			if !seen[s.ID] {
				seen[s.ID] = true
				ids = append(ids, s.ID)
			}
		}
	}
	for _, r := range rs.Rules() {
		add(r.Outcome.Signposts)
	}
	add(rs.DefaultOutcome().Signposts)
	return ids, nil
}
