package directory

import (
	"context"
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// seeded returns a fresh database of each engine with the embedded seed
// loaded, as psu serve would have it.
func seeded(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loaded, err := LoadSeed(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if !loaded {
			t.Fatal("LoadSeed did not load the seed into an empty database")
		}
		fn(t, db)
	})
}

// The services the front door signposts, by the ids it uses.
var frontDoorIDs = []struct{ id, name string }{
	{"01a2011f-88d1-7e13-91f2-48654848bbdd", "Londonwide Medical Committee"},
	{"01a2011f-88d1-7ea9-83ab-1850863fa274", "British Medical Association"},
	{"01a2011f-88d1-7eb1-af27-fe9ce86bdae6", "NHS Practitioner Health"},
	{"01a2011f-88d1-7eb6-9e27-9db58eb84fa8", "KSS Professional Support & Wellbeing Service"},
	{"01a2011f-88d1-7eba-8d40-c5cd3e97b5d3", "Professional Support Unit London"},
	{"01a2011f-88d1-7ebd-bd56-5f92402c5f59", "Individual Support Team"},
	{"01a2011f-88d1-7ec2-b612-6d1a27e4ed46", "Scotland Deanery support for trainees"},
	{"01a2011f-88d1-7ec6-9ad7-9f8eba67b215", "Wales Deanery Professional Support Unit"},
	{"01a2011f-88d1-7ecc-8cf1-feb0912ad410", "Northern Ireland Professional Support and Wellbeing team"},
}

func TestCards(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := []string{"not-a-service"}
		for i := len(frontDoorIDs) - 1; i >= 0; i-- { // reversed: order must follow the ids
			ids = append(ids, frontDoorIDs[i].id)
		}
		cards, err := Cards(ctx, db, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != len(frontDoorIDs) {
			t.Fatalf("%d cards, want %d", len(cards), len(frontDoorIDs))
		}
		for i, c := range cards {
			want := frontDoorIDs[len(frontDoorIDs)-1-i]
			if c.ID != want.id || c.Name != want.name || c.URL != "/services/"+want.id {
				t.Errorf("card %d = %s %q %s, want %s %q", i, c.ID, c.Name, c.URL, want.id, want.name)
			}
			if c.Summary == "" {
				t.Errorf("%s: no summary", c.Name)
			}
		}
		byName := map[string]Card{}
		for _, c := range cards {
			byName[c.Name] = c
		}
		if p := byName["NHS Practitioner Health"].Phones; len(p) != 1 || p[0].Number != "020 3049 4505" {
			t.Errorf("Practitioner Health phones = %+v", p)
		}
		if p := byName["Professional Support Unit London"].Phones; len(p) != 1 || p[0].Number != "0207 866 3271" {
			t.Errorf("PSU London phones = %+v", p)
		}
		// Open24h comes from the schedules: the BMA's counselling line is.
		all, err := Cards(ctx, db, []string{"01a2011f-88d1-7eb1-af27-fe9ce86bdae6"})
		if err != nil || len(all) != 1 || all[0].Open24h {
			t.Errorf("Practitioner Health card %+v, %v: should not be open 24 hours", all, err)
		}
		if none, err := Cards(ctx, db, nil); err != nil || len(none) != 0 {
			t.Errorf("Cards(nil) = %v, %v", none, err)
		}
	})
}
