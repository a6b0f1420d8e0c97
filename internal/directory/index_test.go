package directory

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
)

// names is the names of the services a search finds, best first.
func names(t *testing.T, ix *Index, q store.Querier, query Query) []string {
	t.Helper()
	ctx := context.Background()
	res, err := ix.Search(ctx, q, query)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := loadListings(ctx, q, nil, res.IDs)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.Service.Name)
	}
	return out
}

// TestIndexFollowsTheDatabase is two psu processes on one database, each
// with its own index: a change committed through either is what both
// search next, and a change rolled back is never searched.
func TestIndexFollowsTheDatabase(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := NewIndex(), NewIndex()
		hope := Query{Text: "Hope 4 Medics", Limit: 1}
		for _, ix := range []*Index{a, b} {
			if got := names(t, ix, db, hope); !slices.Equal(got, []string{"Hope 4 Medics"}) {
				t.Fatalf("before the import: %q", got)
			}
		}

		d := seedDataset(t)
		svc := findService(d, "Hope 4 Medics")
		svc.Name = "Hope for Medics"
		if _, err := Import(ctx, db, d, "renamed.json", nil); err != nil {
			t.Fatal(err)
		}
		for i, ix := range []*Index{a, b} {
			if got := names(t, ix, db, Query{Text: "hope medics", Limit: 1}); !slices.Equal(got, []string{"Hope for Medics"}) {
				t.Errorf("index %d after the import: %q", i, got)
			}
		}

		// A synonym map changed inside a transaction is searched there,
		// and forgotten when the transaction rolls back.
		syn, err := ParseSynonyms(seed.Synonyms)
		if err != nil {
			t.Fatal(err)
		}
		for i := range syn.Needs {
			if syn.Needs[i].Code == "gambling" {
				syn.Needs[i].Phrases = append(syn.Needs[i].Phrases, "flutter")
			}
		}
		if got := names(t, a, db, Query{Text: "flutter", Limit: 1}); len(got) != 0 {
			t.Fatalf("flutter finds %q before it means anything", got)
		}
		rollback := errors.New("roll back")
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if err := ReplaceSynonyms(ctx, tx, syn); err != nil {
				return err
			}
			if got := names(t, a, tx, Query{Text: "flutter", Limit: 20}); !slices.Contains(got, "Gamcare") {
				t.Errorf("inside the transaction, flutter finds %q", got)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if got := names(t, a, db, Query{Text: "flutter", Limit: 1}); len(got) != 0 {
			t.Errorf("after the rollback, flutter finds %q", got)
		}
	})
}

// TestIndexServesSearchesWhileTheDirectoryChanges runs searches from
// several goroutines while imports commit: every search answers from one
// whole state of the directory (run it with -race).
func TestIndexServesSearchesWhileTheDirectoryChanges(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ix := NewIndex()
		d := seedDataset(t)
		svc := findService(d, "Sick Doctors Trust")
		var wg sync.WaitGroup
		stop := make(chan struct{})
		errs := make(chan error, 8)
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					res, err := ix.Search(ctx, db, Query{Text: "sick doctors trust", Limit: 5})
					if err != nil {
						errs <- err
						return
					}
					if res.Total == 0 {
						errs <- errors.New("a search found nothing mid-import")
						return
					}
				}
			})
		}
		for i := range 5 {
			svc.Description = svc.Description + " Again."
			if _, err := Import(ctx, db, d, "again.json", nil); err != nil {
				t.Fatalf("import %d: %v", i, err)
			}
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}
