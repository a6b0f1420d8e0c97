package app_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/psu-project/psu/internal/demo/fill"
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
			in, lead, _, _ := benchDemo(b, e, n)
			c := in.Client(b)
			c.SignIn(lead)
			for _, p := range []struct{ name, path string }{
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
			} {
				b.Run(p.name, func(b *testing.B) {
					pageLatency(b, func(int) string { return p.path }, c)
				})
			}
		})
	}
}
