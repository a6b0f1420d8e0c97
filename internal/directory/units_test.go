package directory

import (
	"context"
	"testing"

	"github.com/psu-project/psu/internal/store"
)

// Contacts gives every way the directory holds to reach a service, in the
// order asked, and says so when it holds none; it never makes one up.
func TestContacts(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		const (
			ph       = "01a2011f-88d1-7eb1-af27-fe9ce86bdae6"
			wales    = "01a2011f-88d1-7ec6-9ad7-9f8eba67b215"
			scotland = "01a2011f-88d1-7ec2-b612-6d1a27e4ed46"
		)
		cs, err := Contacts(context.Background(), db, []string{wales, "not-a-service", ph, scotland})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 3 || cs[0].ID != wales || cs[1].ID != ph || cs[2].ID != scotland {
			t.Fatalf("contacts %+v", cs)
		}
		if c := cs[1]; !c.HasContact() || len(c.Phones) != 1 || c.Phones[0].Number != "020 3049 4505" || c.Name != "NHS Practitioner Health" {
			t.Errorf("Practitioner Health %+v", c)
		}
		for _, c := range []Contact{cs[0], cs[2]} {
			// The seed gives no phone, e-mail or website for the deaneries'
			// services or their organisations.
			if c.HasContact() || c.Email != "" || c.Website != "" || len(c.Phones) != 0 {
				t.Errorf("%s: contact details %+v that the directory does not hold", c.Name, c)
			}
			if c.HowToContact == "" || c.Organization == "" || c.URL != "/services/"+c.ID {
				t.Errorf("%s: %+v", c.Name, c)
			}
		}
	})
}

func TestRegionListingURL(t *testing.T) {
	if got := RegionListingURL("northern-ireland"); got != "/services?where=northern-ireland" {
		t.Errorf("RegionListingURL = %q", got)
	}
}
