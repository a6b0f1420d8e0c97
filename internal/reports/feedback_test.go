package reports_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// Hand-counted feedback on both engines: May 2026, 6 "very helpful" and 5
// "quite helpful"; June, 5 and 5; July, one "not helpful at all" (22 in
// all). July's lone answer is "fewer than 5", and so are its row and
// column totals. With 22 and "very helpful" 11 shown, "quite helpful" 10
// would give it away (22 − 11 − 10 = 1), so it is held back; its row's
// cells would then add up to it, so they are held back too, and so on down
// the chain: only "very helpful" 11 (50%), May's total 11 and the 22 stay.
// Leads read the comments, administrators do not, and no export holds one.
func TestFeedbackReport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := context.Background()
			add := func(month, helpful, changed, recommend, comment string) {
				t.Helper()
				id := store.NewID()
				var sealed []byte
				if comment != "" {
					sealed = in.App.Sealer().SealString(comment, "feedback.comments:"+id)
				}
				if _, err := in.App.DB.ExecContext(ctx, `INSERT INTO feedback (id, month, helpful, changed, recommend, comments) VALUES (?, ?, ?, ?, ?, ?)`,
					id, month, helpful, changed, recommend, sealed); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 6 {
				comment := ""
				if i == 0 {
					comment = "=Ibis-quince: my adviser listened"
				}
				add("2026-05", "very", "confident,work", "yes", comment)
			}
			for range 5 {
				add("2026-05", "quite", "confident", "yes", "")
				add("2026-06", "very", "confident", "maybe", "")
				add("2026-06", "quite", "work", "yes", "")
			}
			add("2026-07", "not-at-all", "nothing-yet", "no", "")

			lead := in.Client(t)
			lead.SignIn(in.CreateStaff(t, web.RoleTriageLead))
			res := lead.Get("/reports/feedback?from=2026-05-01&to=2026-07-31")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("lead: %d\n%s", res.StatusCode, res.Body)
			}
			for _, want := range []string{"Answers given from May 2026 to 31 July 2026: <strong>22</strong>", "<svg",
				"<tr><th scope=\"row\">Very helpful</th><td>not shown</td><td>not shown</td><td>0</td><td>11</td></tr>",
				"<tr><th scope=\"row\">Quite helpful</th><td>not shown</td><td>not shown</td><td>0</td><td>not shown</td></tr>",
				"<tr><th scope=\"row\">Total</th><td>11</td><td>not shown</td><td>fewer than 5</td><td>22</td></tr>",
				"<tr><th scope=\"row\">Very helpful</th><td>11</td><td>50%</td></tr>",
				"<tr><th scope=\"row\">Not helpful at all</th><td>0</td><td>0</td><td>fewer than 5</td><td>fewer than 5</td></tr>",
				"<tr><th scope=\"row\">Not helpful at all</th><td>fewer than 5</td><td>not shown</td></tr>",
				"<tr><th scope=\"row\">I feel more confident</th><td>16</td><td>73%</td></tr>",
				"=Ibis-quince: my adviser listened"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("lead's page lacks %q", want)
				}
			}
			// The lone answer cannot be worked out: the grand total is not
			// shown beside the two other totals.
			if strings.Contains(res.Body, "<tr><th scope=\"row\">Total</th><td>11</td><td>10</td><td>fewer than 5</td><td>22</td></tr>") {
				t.Error("the total gives the lone answer away")
			}

			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
			res = admin.Get("/reports/feedback?from=2026-05-01&to=2026-07-31")
			if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "Ibis-quince") || !strings.Contains(res.Body, "shown to triage leads only") {
				t.Errorf("administrator's page: %d, comment shown: %v", res.StatusCode, strings.Contains(res.Body, "Ibis-quince"))
			}
			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Get("/reports/feedback"); res.StatusCode != http.StatusForbidden {
				t.Errorf("adviser: %d", res.StatusCode)
			}

			for _, q := range []string{"helpful", "changed", "recommend"} {
				res := lead.Get("/reports/feedback/export.csv?from=2026-05-01&to=2026-07-31&question=" + q)
				body := strings.TrimPrefix(res.Body, "\ufeff")
				recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil || res.StatusCode != http.StatusOK {
					t.Fatalf("%s export: %d %v", q, res.StatusCode, err)
				}
				if strings.Contains(body, "Ibis") {
					t.Errorf("%s export holds a comment", q)
				}
				if q == "helpful" {
					found := false
					for _, r := range recs {
						if len(r) == 5 && r[0] == "Very helpful" && r[1] == "not shown" && r[3] == "0" && r[4] == "11" {
							found = true
						}
					}
					if !found {
						t.Errorf("helpful export: %v", recs)
					}
				}
			}
		})
	}
}
