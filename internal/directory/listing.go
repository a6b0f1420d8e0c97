package directory

import (
	"context"
	"fmt"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// Phone is a number as the source gives it, with what it is for.
type Phone struct {
	Number      string
	Description string
}

// listing is a service as the pages show it.
type listing struct {
	Service      hsds.Service
	Organization hsds.Organization // without its services
	Open24h      bool
	LastModified time.Time
	Summary      string
	Phones       []Phone
	Tags         map[string][]Term // taxonomy name → terms, in taxonomy order
	Assured      time.Time         // zero when not given
}

// loadListings reads the services with the given ids, in the order given;
// ids that match nothing are skipped.
func loadListings(ctx context.Context, q store.Querier, v *vocabulary, ids []string) ([]listing, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT s.id, d.doc, s.open_24h, s.last_modified, o.doc
		FROM dir_services s JOIN dir_service_docs d ON d.service_rid = s.rid JOIN dir_organizations o ON o.id = s.organization_id
		WHERE s.id IN `+inJSON(q.Engine()), jsonParam(ids))
	if err != nil {
		return nil, fmt.Errorf("directory: load services: %w", err)
	}
	defer rows.Close()
	byID := map[string]listing{}
	for rows.Next() {
		var id, sdoc, odoc string
		var l listing
		if err := rows.Scan(&id, &sdoc, &l.Open24h, &l.LastModified, &odoc); err != nil {
			return nil, fmt.Errorf("directory: load services: %w", err)
		}
		if err := jsonv2.Unmarshal([]byte(sdoc), &l.Service); err != nil {
			return nil, fmt.Errorf("directory: service %s: %w", id, err)
		}
		if err := jsonv2.Unmarshal([]byte(odoc), &l.Organization); err != nil {
			return nil, fmt.Errorf("directory: organization of service %s: %w", id, err)
		}
		l.LastModified = l.LastModified.UTC()
		l.Summary = summary(l.Service.Description)
		l.Phones = phonesOf(l.Service.Phones)
		if v != nil {
			l.Tags = map[string][]Term{}
			have := map[string]bool{}
			for _, a := range l.Service.Attributes {
				have[a.TaxonomyTermID] = true
			}
			for _, t := range v.terms {
				if have[t.ID] {
					l.Tags[t.TaxonomyName] = append(l.Tags[t.TaxonomyName], t)
				}
			}
		}
		if d, err := time.Parse(time.DateOnly, l.Service.AssuredDate); err == nil {
			l.Assured = d
		}
		byID[id] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: load services: %w", err)
	}
	out := make([]listing, 0, len(byID))
	seen := map[string]bool{}
	for _, id := range ids {
		if l, ok := byID[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, l)
		}
	}
	return out, nil
}

// Card is a service in brief, for signposting from other pages.
type Card struct {
	ID      string
	Name    string
	Summary string // one line on what it does
	Phones  []Phone
	Open24h bool
	URL     string // the service's page, "/services/" + ID
}

// Cards returns a card for each id, in the order given. Ids that match no
// service, or a service that is not active, are skipped.
func Cards(ctx context.Context, q store.Querier, ids []string) ([]Card, error) {
	ls, err := loadListings(ctx, q, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Card, 0, len(ls))
	for _, l := range ls {
		if l.Service.Status != hsds.StatusActive {
			continue
		}
		out = append(out, Card{ID: l.Service.ID, Name: l.Service.Name, Summary: l.Summary, Phones: l.Phones,
			Open24h: l.Open24h, URL: "/services/" + l.Service.ID})
	}
	return out, nil
}

// phonesOf is the directory's phone numbers as pages show them.
func phonesOf(ps []hsds.Phone) []Phone {
	var out []Phone
	for _, p := range ps {
		out = append(out, Phone{Number: p.Number, Description: p.Description})
	}
	return out
}
