package directory_test

import (
	"context"
	"testing"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Every listing of the seed passes the checks publishing makes, as it is
// and hidden (organisations aside, whose services stop them hiding): so an
// editor can publish a change to any of them, whatever organisation (and
// parent organisation) it sits under.
func TestEverySeedRecordCanBePublished(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, e)
			if _, err := directory.LoadSeed(ctx, db); err != nil {
				t.Fatal(err)
			}
			es, err := directory.FindEntries(ctx, db, directory.EntryFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 67+42+8 {
				t.Fatalf("%d entries, want every service, organisation and resource of the seed", len(es))
			}
			for _, en := range es {
				v, err := directory.LoadVersion(ctx, db, en.ID, en.Version)
				if err != nil {
					t.Fatal(err)
				}
				rec, err := directory.ParseRecord(en.Kind, v.Doc)
				if err != nil {
					t.Fatal(err)
				}
				if problems, err := directory.CheckRecord(ctx, db, en.ID, rec, directory.StateShown); err != nil || len(problems) > 0 {
					t.Errorf("%s %s as it is: %v %v", en.Kind, en.Name, problems, err)
				}
				if en.Kind != directory.EntryOrganization {
					if problems, err := directory.CheckRecord(ctx, db, en.ID, rec, directory.StateHidden); err != nil || len(problems) > 0 {
						t.Errorf("%s %s hidden: %v %v", en.Kind, en.Name, problems, err)
					}
				}
			}
			// Publishing one as it is makes no version.
			en := es[0]
			v, _ := directory.LoadVersion(ctx, db, en.ID, en.Version)
			err = db.Tx(ctx, func(tx *store.Tx) error {
				got, err := directory.Publish(ctx, tx, directory.Publication{Kind: en.Kind, ID: en.ID, Doc: v.Doc, State: en.State,
					Base: en.Version, Action: directory.ActionPublish})
				if err == nil && got.Version != en.Version {
					t.Errorf("publishing %s unchanged made version %d", en.Name, got.Version)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
