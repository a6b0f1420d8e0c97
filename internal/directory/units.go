package directory

import (
	"context"
	"net/url"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// Contact is a service with every way the directory gives to reach it:
// the service's own phone numbers, e-mail address and website, or, where
// the service gives none of these, its organisation's. Other pages use it
// to name a service together with how to reach it. Nothing is filled in
// that the directory does not hold: a Contact may have no way to reach it
// at all (HasContact is false), and the page must then say so.
type Contact struct {
	Card
	Email   string
	Website string
	// Organization is the name of the organisation that runs the service,
	// when it differs from the service's own name.
	Organization string
	// HowToContact is the directory's own words on how to get in touch
	// (the service's application process), when it gives them.
	HowToContact string
}

// HasContact reports whether the directory gives any way to reach the
// service.
func (c Contact) HasContact() bool {
	return len(c.Phones) > 0 || c.Email != "" || c.Website != ""
}

// Contacts returns the contact details of each active service, in the order
// of ids. Ids that match no service, or a service that is not active, are
// skipped, as in Cards.
func Contacts(ctx context.Context, q store.Querier, ids []string) ([]Contact, error) {
	ls, err := loadListings(ctx, q, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Contact, 0, len(ls))
	for _, l := range ls {
		if l.Service.Status != hsds.StatusActive {
			continue
		}
		c := Contact{
			Card: Card{ID: l.Service.ID, Name: l.Service.Name, Summary: l.Summary, Phones: l.Phones,
				Open24h: l.Open24h, URL: "/services/" + l.Service.ID},
			Email:        l.Service.Email,
			Website:      l.Service.URL,
			HowToContact: l.Service.ApplicationProcess,
		}
		if l.Organization.Name != l.Service.Name {
			c.Organization = l.Organization.Name
		}
		// A service that gives no way to reach it is reached through its
		// organisation, when the organisation gives one.
		if !c.HasContact() {
			c.Phones = phonesOf(l.Organization.Phones)
			c.Email = l.Organization.Email
			c.Website = l.Organization.Website
		}
		out = append(out, c)
	}
	return out, nil
}

// RegionListingURL is the address of the directory's list of services for
// a region, given as a code of the regions taxonomy ("scotland",
// "england"). It lists every service that covers the region, including the
// services of the wider areas it sits in.
func RegionListingURL(region string) string {
	return "/services?" + url.Values{"where": {region}}.Encode()
}
