package portal_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Canaries typed into a case from every side: the application, the plan,
// the trainee's note, the person a summary was shared with.
var erasureCanaries = []string{"Marrowby", "Peregrine-Thistle", "Quokka-lantern", "Dr Ravenna Oakhurst"}

// After a case is erased, nothing typed into it can be read anywhere: not
// in the database file, its WAL or a dump, not by opening with the key
// file every value sealed directly under it (as a restored backup would
// allow), not on the staff case page, and not in any download. Before the
// erasure the trainee's own download holds every canary, so the search
// looks for what was really there.
func TestErasureLeavesNoCanaryAnywhere(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			c := submittedAs(t, in, "quill@example.com", "Quill Marrowby", "Peregrine-Thistle worries about the exam")
			trainee := in.Client(t)
			signInByLink(t, in, trainee, "quill@example.com", len(in.SMTP.Wait(t, 1, 15*time.Second)))
			v, _, adviser := seenWithPlan(t, in, c)
			must := func(err error) { t.Helper(); must(t, err) }
			issue(t, in, v, c)
			expect(t, "note", trainee.Post("/portal/plan/note", url.Values{"note": {"Quokka-lantern study group started"}}), http.StatusSeeOther, "/portal/plan")
			form := url.Values{"name": {"Dr Ravenna Oakhurst"}, "role": {"educational-supervisor"}, "email": {"ravenna@example.nhs.uk"}, "approve": {"yes"}, "step": {"send"}}
			expect(t, "share", trainee.Post("/portal/summaries/1/share", form), http.StatusSeeOther, "/portal/shares")

			before := trainee.Get("/portal/my-data/psu-my-data.json").Body
			for _, s := range erasureCanaries {
				if !strings.Contains(before, s) {
					t.Fatalf("%q is not in the trainee's download before erasure, so looking for it proves nothing", s)
				}
			}
			must(in.App.DB.Tx(ctx, func(tx *store.Tx) error { return in.App.Cases.Erase(ctx, tx, c.ID, "erasure request") }))

			look := func(what string, b []byte) {
				t.Helper()
				for _, s := range erasureCanaries {
					if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(s))) {
						t.Errorf("%s: %q is still there after erasure", what, s)
					}
				}
			}
			raw := in.RawData(t)
			if !bytes.Contains(raw, []byte(c.Reference)) {
				t.Fatalf("the reference is not in the %d bytes read, so the scan proves nothing", len(raw))
			}
			look("the stored data", raw)
			opened := 0
			for _, col := range keys.Sealed {
				rows, err := in.App.DB.QueryContext(ctx, `SELECT `+col.ID+`, `+col.Name+` FROM `+col.Table+` WHERE `+col.Name+` IS NOT NULL`)
				must(err)
				for rows.Next() {
					var id string
					var sealed []byte
					must(rows.Scan(&id, &sealed))
					if plain, err := in.App.Sealer().Open(sealed, col.Context+id); err == nil {
						opened++
						look(col.String()+" opened with the key file", plain)
					}
				}
				rows.Close()
			}
			if opened == 0 {
				t.Fatal("no sealed value opened: the key-file check proves nothing")
			}
			staff := in.Client(t)
			staff.SignIn(adviser)
			look("the staff case page", []byte(staff.Get(cases.Path(c)).Body))
			for _, path := range []string{"/portal/my-data/psu-my-data.json", "/portal/my-data/psu-my-data.zip", "/portal/summaries/1/summary.pdf", "/portal/shares"} {
				look(path, []byte(trainee.Get(path).Body))
			}
			look("the case's summary download", []byte(staff.Get(cases.Path(c)+"/summaries/1/pdf").Body))
		})
	}
}
