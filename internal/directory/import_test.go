package directory

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
)

func seedDataset(t *testing.T) *hsds.Dataset {
	t.Helper()
	d, err := ReadDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func exported(t *testing.T, db *store.DB) *hsds.Dataset {
	t.Helper()
	d, err := Export(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func findService(d *hsds.Dataset, name string) *hsds.Service {
	for i := range d.Organizations {
		for j := range d.Organizations[i].Services {
			if d.Organizations[i].Services[j].Name == name {
				return &d.Organizations[i].Services[j]
			}
		}
	}
	return nil
}

func TestExportRoundTripsAndReimportChangesNothing(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := exported(t, db)
		var buf bytes.Buffer
		if err := hsds.WriteDataset(&buf, before); err != nil {
			t.Fatal(err)
		}
		// What export writes is what import reads: every check passes.
		again, err := ReadDataset(&buf)
		if err != nil {
			t.Fatalf("exported file does not import: %v", err)
		}
		res, err := Import(ctx, db, again, "export.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Services.Unchanged != 67 || res.Services.Added+res.Services.Updated+res.Services.Removed != 0 ||
			res.Organizations.Added+res.Organizations.Updated+res.Organizations.Removed != 0 ||
			res.Taxonomies.Added+res.Taxonomies.Updated+res.Taxonomies.Removed != 0 ||
			res.Resources.Added+res.Resources.Updated+res.Resources.Removed != 0 {
			t.Errorf("re-importing the export changed something:\n%s", res.Summary())
		}
		if after := exported(t, db); !reflect.DeepEqual(before, after) {
			t.Error("re-importing the export changed the export (last_modified included)")
		}
		// Apart from last_modified, the export is the seed exactly.
		for i := range before.Organizations {
			for j := range before.Organizations[i].Services {
				before.Organizations[i].Services[j].LastModified = ""
			}
		}
		if !reflect.DeepEqual(before, seedDataset(t)) {
			t.Error("the export differs from the seed it was loaded from")
		}
	})
}

func TestImportUpdatesInPlaceAndRemoves(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := exported(t, db)
		time.Sleep(2 * time.Millisecond) // so a new last_modified is visibly later
		d := seedDataset(t)
		sdt := findService(d, "Sick Doctors Trust")
		sdt.Description = "A confidential helpline for doctors worried about drink or drugs."
		// Remove Hope 4 Medics (an organisation with one service).
		for i, o := range d.Organizations {
			if o.Name == "Hope 4 Medics" {
				d.Organizations = append(d.Organizations[:i], d.Organizations[i+1:]...)
				break
			}
		}
		res, err := Import(ctx, db, d, "edited.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		want := ImportResult{
			Services:      Change{Updated: 1, Removed: 1, Unchanged: 65},
			Organizations: Change{Removed: 1, Unchanged: 41},
			Taxonomies:    Change{Unchanged: 62},
			Resources:     Change{Unchanged: 8},
		}
		if res.Summary() != want.Summary() {
			t.Errorf("result:\n%s\nwant:\n%s", res.Summary(), want.Summary())
		}
		after := exported(t, db)
		if findService(after, "Hope 4 Medics") != nil {
			t.Error("Hope 4 Medics is still there")
		}
		got, old := findService(after, "Sick Doctors Trust"), findService(before, "Sick Doctors Trust")
		if got.ID != old.ID || got.Description != sdt.Description {
			t.Errorf("Sick Doctors Trust not updated in place: %s %q", got.ID, got.Description)
		}
		if got.LastModified <= old.LastModified {
			t.Errorf("last_modified did not move on: %s → %s", old.LastModified, got.LastModified)
		}
		if a, b := findService(after, "Gamcare"), findService(before, "Gamcare"); a.LastModified != b.LastModified {
			t.Errorf("an unchanged service's last_modified moved: %s → %s", b.LastModified, a.LastModified)
		}
		// The full-text index follows the update.
		res2, err := NewIndex().Search(ctx, db, Query{Text: "Hope 4 Medics"})
		if err != nil {
			t.Fatal(err)
		}
		if cards, _ := Cards(ctx, db, res2.IDs); len(cards) > 0 && cards[0].Name == "Hope 4 Medics" {
			t.Error("search still finds the removed service")
		}
	})
}

func TestChangingAnOrganizationTouchesItsServices(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		before := exported(t, db)
		time.Sleep(2 * time.Millisecond)
		d := seedDataset(t)
		for i := range d.Organizations {
			if d.Organizations[i].Name == "Gamcare" {
				d.Organizations[i].Description += " It runs the national helpline."
			}
		}
		if _, err := Import(context.Background(), db, d, "org.json", nil); err != nil {
			t.Fatal(err)
		}
		after := exported(t, db)
		for _, name := range []string{"Gamcare", "National Gambling Helpline"} {
			if a, b := findService(after, name), findService(before, name); a.LastModified == b.LastModified {
				t.Errorf("%s: organisation changed but last_modified did not", name)
			}
		}
	})
}

func TestImportRefusesABrokenFileAndChangesNothing(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		before := exported(t, db)
		d := seedDataset(t)
		findService(d, "Sick Doctors Trust").Phones[0].Number = ""
		findService(d, "Gamcare").Status = "open"
		findService(d, "Cameron Fund").ID = strings.ToUpper(findService(d, "Cameron Fund").ID)
		var buf bytes.Buffer
		if err := hsds.WriteDataset(&buf, d); err != nil {
			t.Fatal(err)
		}
		_, err := ReadDataset(&buf)
		var inv *InvalidError
		if !errors.As(err, &inv) {
			t.Fatalf("ReadDataset = %v, want an *InvalidError", err)
		}
		msg := err.Error()
		for _, want := range []string{
			"service 'Sick Doctors Trust': phones[0].number is empty",
			"service 'Gamcare': status 'open' is not one of 'active', 'inactive', 'defunct', 'temporarily closed'",
			"service 'Cameron Fund': id '" + strings.ToUpper(findService(seedDataset(t), "Cameron Fund").ID) + "' must be written in lower case",
			"nothing was changed",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		for _, bad := range []string{`{"hsds_version":"3.0","organisations":[]}`, `not json`} {
			if _, err := ReadDataset(strings.NewReader(bad)); !errors.As(err, &inv) {
				t.Errorf("%s: %v, want an *InvalidError", bad, err)
			}
		}
		if after := exported(t, db); !reflect.DeepEqual(before, after) {
			t.Error("a refused file changed the directory")
		}
	})
}

func TestImportIsAtomic(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		before := exported(t, db)
		d := seedDataset(t)
		for i := range d.Organizations {
			for j := range d.Organizations[i].Services {
				d.Organizations[i].Services[j].Description += " Changed."
			}
		}
		// Stop the import half way through, as a crash or a cancelled
		// command would.
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Import(ctx, db, d, "half.json", func(done, total int) {
			if done == total/2 {
				cancel()
			}
		})
		if err == nil {
			t.Fatal("the interrupted import reported success")
		}
		if after := exported(t, db); !reflect.DeepEqual(before, after) {
			t.Error("an interrupted import left part of its changes")
		}
	})
}

func TestSeedLoadsOnce(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// An import that empties the directory is a choice, not a fresh
		// database: the seed must not come back on the next start.
		empty := &hsds.Dataset{HSDSVersion: hsds.Version}
		if _, err := Import(ctx, db, empty, "empty.json", nil); err != nil {
			t.Fatal(err)
		}
		loaded, err := LoadSeed(ctx, db)
		if err != nil || loaded {
			t.Errorf("LoadSeed after an import = %v, %v; want no load", loaded, err)
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dir_services`), &n); err != nil || n != 0 {
			t.Errorf("%d services after emptying, %v", n, err)
		}
	})
}
