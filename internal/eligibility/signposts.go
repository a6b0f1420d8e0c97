package eligibility

import (
	"context"

	"github.com/psu-project/psu/internal/directory"
)

// cards fills in the signposts from the directory: name, one line, phone
// numbers. A signpost the directory no longer lists (or lists as inactive)
// still shows, by the name in the rules, so a decision never loses one of
// its signposts silently.
func (s *Service) cards(ctx context.Context, sps []Signpost) ([]directory.Card, error) {
	ids := make([]string, len(sps))
	for i, sp := range sps {
		ids[i] = sp.ID
	}
	found, err := directory.Cards(ctx, s.srv.DB, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]directory.Card, len(found))
	for _, c := range found {
		byID[c.ID] = c
	}
	out := make([]directory.Card, 0, len(sps))
	for _, sp := range sps {
		c, ok := byID[sp.ID]
		if !ok {
			c = directory.Card{ID: sp.ID, Name: sp.Name}
		}
		out = append(out, c)
	}
	return out, nil
}
