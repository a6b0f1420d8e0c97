package eligibility

import (
	"context"

	"github.com/psu-project/psu/internal/directory"
)

// contacts fills in the signposts from the directory: name, one line, and
// every way to reach the service the directory gives. A signpost the
// directory no longer lists (or lists as inactive) still shows, by the
// name in the rules, so a decision never loses one of its signposts
// silently.
func (s *Service) contacts(ctx context.Context, sps []Signpost) ([]directory.Contact, error) {
	ids := make([]string, len(sps))
	for i, sp := range sps {
		ids[i] = sp.ID
	}
	found, err := directory.Contacts(ctx, s.srv.DB, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]directory.Contact, len(found))
	for _, c := range found {
		byID[c.ID] = c
	}
	out := make([]directory.Contact, 0, len(sps))
	for _, sp := range sps {
		c, ok := byID[sp.ID]
		if !ok {
			c = directory.Contact{Card: directory.Card{ID: sp.ID, Name: sp.Name}}
		}
		out = append(out, c)
	}
	return out, nil
}
