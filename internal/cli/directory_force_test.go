package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// An import that would overwrite what an editor published since the last
// import is refused, naming it and saying what to do; --force (before or
// after the file) replaces it.
func TestDirectoryImportNeedsForceOverEdits(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dbURL := storetest.URL(t, e)
			if code, _, errOut := run(t, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			code, out, errOut := run(t, dbURL, "", "directory", "export")
			if code != 0 {
				t.Fatalf("export: %d %s", code, errOut)
			}
			file := filepath.Join(t.TempDir(), "directory.json")
			if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}

			// An editor publishes a change to Gamcare.
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			es, err := directory.FindEntries(ctx, db, directory.EntryFilter{Text: "Gamcare", Kind: directory.EntryService})
			if err != nil || len(es) != 1 {
				t.Fatalf("find Gamcare: %v %v", es, err)
			}
			v, err := directory.LoadVersion(ctx, db, es[0].ID, es[0].Version)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(v.Doc, &doc); err != nil {
				t.Fatal(err)
			}
			doc["wait_time"] = "Replies within two days."
			changed, _ := json.Marshal(doc)
			err = db.Tx(ctx, func(tx *store.Tx) error {
				_, err := directory.Publish(ctx, tx, directory.Publication{Kind: directory.EntryService, ID: es[0].ID, Doc: changed,
					State: directory.StateShown, Base: es[0].Version, Action: directory.ActionPublish})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			code, _, errOut = run(t, dbURL, "", "directory", "import", file)
			if code != 1 || !strings.Contains(errOut, "Gamcare") || !strings.Contains(errOut, "--force") || !strings.Contains(errOut, "Nothing was changed") {
				t.Fatalf("import over an edit: %d\n%s", code, errOut)
			}
			if _, again, _ := run(t, dbURL, "", "directory", "export"); !strings.Contains(again, `"wait_time": "Replies within two days."`) {
				t.Error("the refused import changed the directory")
			}
			if code, _, errOut := run(t, dbURL, "", "directory", "import", "--force", "--force", file, "more.json"); code != 2 {
				t.Errorf("two files: %d %s", code, errOut)
			}
			code, got, errOut := run(t, dbURL, "", "directory", "import", file, "--force")
			if code != 0 || !strings.Contains(got, "services: 0 added, 1 updated") || !strings.Contains(got, "directory editor for: Gamcare") {
				t.Fatalf("forced import: %d\n%s%s", code, got, errOut)
			}
			if _, again, _ := run(t, dbURL, "", "directory", "export"); strings.Contains(again, "Replies within two days") {
				t.Error("the forced import left the editor's change in place")
			}
			// Nothing has been edited since: no force needed.
			if code, _, errOut := run(t, dbURL, "", "directory", "import", file); code != 0 {
				t.Errorf("import after a forced one: %d %s", code, errOut)
			}
		})
	}
}
