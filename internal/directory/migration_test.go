package directory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A directory loaded before versions began (migration 0016) starts with
// version 1 of every record, exactly as it is, its services' checked dates
// read from their records; from there the editor and imports go on as on a
// new database.
func TestVersionsBeginForADirectoryLoadedBefore(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, e)
			if _, err := directory.LoadSeed(ctx, db); err != nil {
				t.Fatal(err)
			}
			ms, err := db.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			var m16 store.Migration
			for _, m := range ms {
				if m.Version == 16 {
					m16 = m
				}
			}
			// The database as it was before 0016, then 0016 once more.
			err = db.Tx(ctx, func(tx *store.Tx) error {
				for _, q := range []string{`DROP TABLE dir_drafts`, `DROP TABLE dir_versions`, `DROP TABLE dir_entries`,
					`DROP INDEX dir_reports_service`, `ALTER TABLE dir_reports DROP COLUMN note`, `ALTER TABLE dir_reports DROP COLUMN contact`,
					`UPDATE dir_service_docs SET doc = REPLACE(doc, '"assured_date":"2026-11-22"', '"assured_date":"2025-01-31"')
						WHERE service_rid = (SELECT MIN(rid) FROM dir_services)`,
					m16.SQL} {
					if _, err := tx.ExecContext(ctx, q); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			all, err := directory.FindEntries(ctx, db, directory.EntryFilter{Limit: 1000})
			if err != nil || len(all) != 67+42+8 {
				t.Fatalf("%d entries after the migration (%v), want 117", len(all), err)
			}
			kinds := map[string]int{}
			old := 0
			for _, en := range all {
				kinds[en.Kind]++
				if en.Version != 1 || en.State != directory.StateShown || en.Edited {
					t.Errorf("%s: %+v", en.Name, en)
				}
				if en.Kind == directory.EntryService && en.CheckedOn == "2025-01-31" {
					old++
				} else if en.Kind == directory.EntryService && en.CheckedOn != "2026-11-22" {
					t.Errorf("%s checked on %q", en.Name, en.CheckedOn)
				}
				v, err := directory.LoadVersion(ctx, db, en.ID, 1)
				if err != nil || v.Action != directory.ActionBaseline {
					t.Fatalf("%s version 1: %+v %v", en.Name, v, err)
				}
				if !json.Valid(v.Doc) {
					t.Errorf("%s: version 1 is not JSON", en.Name)
				}
			}
			if kinds[directory.EntryService] != 67 || kinds[directory.EntryOrganization] != 42 || kinds[directory.EntryResource] != 8 || old != 1 {
				t.Errorf("kinds %v, %d checked long ago", kinds, old)
			}
			due, err := directory.DueForReview(ctx, db, "2025-06-01", 0)
			if err != nil || len(due) != 1 {
				t.Errorf("due for review: %v %v", due, err)
			}

			// The editor publishes over the baseline; an import then needs
			// forcing.
			en := all[0]
			for _, x := range all {
				if x.Kind == directory.EntryService {
					en = x
					break
				}
			}
			v, _ := directory.LoadVersion(ctx, db, en.ID, 1)
			var doc map[string]any
			json.Unmarshal(v.Doc, &doc)
			doc["wait_time"] = "About a week."
			changed, _ := json.Marshal(doc)
			err = db.Tx(ctx, func(tx *store.Tx) error {
				_, err := directory.Publish(ctx, tx, directory.Publication{Kind: en.Kind, ID: en.ID, Doc: changed, State: directory.StateShown,
					Base: 1, Action: directory.ActionPublish})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
			if err != nil {
				t.Fatal(err)
			}
			_, err = directory.Import(ctx, db, d, "seed again", nil)
			var edited *directory.EditedError
			if !errors.As(err, &edited) || len(edited.Names) != 1 || edited.Names[0] != en.Name {
				t.Errorf("import over the edit: %v", err)
			}
		})
	}
}
