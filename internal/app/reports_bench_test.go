package app_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/demo/fill"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// BenchmarkReports measures /reports over a year of psu demo cases, signed
// in as the demo triage lead, each report in turn; the floor, measured in
// the same run, is /healthz and /account (a signed-in page).
//
//	PSU_BENCH_CASES=100000 PSU_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BenchmarkReports -benchtime 200x ./internal/app/
func BenchmarkReports(b *testing.B) {
	n := 10000
	if s := os.Getenv("PSU_BENCH_CASES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < fill.MinCases {
			b.Fatalf("PSU_BENCH_CASES: %q is not a number of cases (at least %d)", s, fill.MinCases)
		}
	}
	for _, e := range storetest.Engines {
		b.Run(fmt.Sprintf("%s/%dk", e, n/1000), func(b *testing.B) {
			dbURL := storetest.URL(b, e)
			d := fillDemo(b, dbURL, n)
			in := apptest.StartOn(b, dbURL, "PSU_KEY_FILE="+d.keyFile, "PSU_LOG_LEVEL=error")
			c := in.Client(b)
			c.SignIn(d.lead)
			db, err := store.Open(context.Background(), dbURL)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			paths := []struct{ name, path string }{
				{"floor-healthz", "/healthz"},
				{"floor-account", "/account"},
				{"profession", "/reports"},
				{"region", "/reports?by=region"},
				{"programme", "/reports?by=programme"},
				{"topic", "/reports?by=topic"},
				{"outcome", "/reports?by=outcome"},
				{"export-topic", "/reports/export.csv?by=topic"},
				{"target-response", "/reports/targets?target=response"},
				{"target-response-adviser", "/reports/targets?target=response&per=adviser"},
				{"target-appointment", "/reports/targets?target=appointment"},
				{"target-summary", "/reports/targets?target=summary"},
				{"caseload", "/reports/caseload"},
			}
			for _, p := range paths {
				b.Run(p.name, func(b *testing.B) {
					pageLatency(b, func(int) string { return p.path }, c)
				})
			}
			// The same pages while the unit works: before each view, a case
			// of this month changes (untimed), so the view counts this
			// month again, as it would after any change during the day.
			touch := func(int) {
				start := time.Now().UTC()
				start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
				if _, err := db.ExecContext(context.Background(), `UPDATE cases SET status_at = status_at
					WHERE id = (SELECT id FROM cases WHERE opened_at >= ? ORDER BY opened_at DESC LIMIT 1)`, start); err != nil {
					b.Fatal(err)
				}
			}
			for _, p := range paths[2:] {
				b.Run(p.name+"-after-a-change", func(b *testing.B) {
					pageLatencyEach(b, func(int) string { return p.path }, c, touch)
				})
			}
		})
	}
}
