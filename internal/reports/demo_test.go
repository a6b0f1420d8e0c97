package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/demo/fill"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// On what psu demo makes, the outcome report shows the outcome typed as a
// formula as text and its export neutralises it; the outcome too few
// cases closed with is pooled, never named; and every report and table
// offered runs and gives nothing hidden away.
func TestReportsOnDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a demo database")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sl, err := seal.New(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		if _, err := fill.Run(ctx, db, sl, fill.Options{Cases: 1500, Issuer: "PSU demo.example", Host: "demo.example",
			Argon2: auth.Argon2{Time: 1, MemKiB: 8 * 1024, Threads: 1}, Now: now}); err != nil {
			t.Fatal(err)
		}
		today := now.Truncate(24 * time.Hour)
		from, to := time.Date(today.Year()-1, today.Month()+1, 1, 0, 0, 0, 0, time.UTC), today.AddDate(0, 0, 1)
		g, err := NewKeeper().Count(ctx, db, DimensionBySlug("outcome"), Filter{}, from, to, DefaultThreshold)
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Join(g.Rows, "|")
		if !strings.Contains(rows, fill.FormulaOutcome) || strings.Contains(rows, fill.RareOutcome) {
			t.Errorf("outcome rows %q: want %q shown and %q pooled", g.Rows, fill.FormulaOutcome, fill.RareOutcome)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, "Outcome", g, DefaultThreshold); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), bom))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			if r[0] == "'"+fill.FormulaOutcome {
				found = true
			}
			if strings.HasPrefix(r[0], "=") || strings.HasPrefix(r[0], "+") {
				t.Errorf("a cell a spreadsheet would run: %q", r[0])
			}
		}
		if !found {
			t.Errorf("export lacks the neutralised outcome: %q", recs)
		}
		for _, d := range Dimensions {
			g, err := NewKeeper().Count(ctx, db, d, Filter{}, from, to, DefaultThreshold)
			if err != nil || recoverable(t, g) {
				t.Errorf("%s: %v, or a hidden count can be worked out", d.Slug, err)
			}
		}
		for _, tg := range Targets {
			for _, per := range Pers {
				tt, err := NewKeeper().CountTarget(ctx, db, tg, per, Filter{}, from, to, now, DefaultThreshold)
				if err != nil || recoverable(t, tt.Grid) {
					t.Errorf("%s by %s: %v, or a hidden count can be worked out", tg.Slug, per.Slug, err)
				}
				if err == nil && tt.Grid.Total.Value == 0 {
					t.Errorf("%s by %s: nothing counted", tg.Slug, per.Slug)
				}
			}
		}
		c, err := NewKeeper().CountCaseload(ctx, db, Filter{}, from, to, DefaultThreshold)
		if err != nil || recoverable(t, c.Open) || recoverable(t, c.New) || recoverable(t, c.Ended) {
			t.Errorf("caseload: %v, or a hidden count can be worked out", err)
		}
		cl, err := NewKeeper().CountClosure(ctx, db, Filter{}, from, to, DefaultThreshold)
		if err != nil || recoverable(t, cl.Grid) || cl.Grid.Total.Value == 0 {
			t.Errorf("closure: %v, or a hidden count can be worked out, or none closed", err)
		}
	})
}
