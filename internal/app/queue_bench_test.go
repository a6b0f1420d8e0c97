package app_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/demo/fill"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// BenchmarkBackOffice times the queue and case pages on a database filled
// by psu demo, through the whole stack over loopback HTTP, signed in as the
// demo triage lead (who sees every case, the heaviest queue). The floor,
// measured in the same run, is /account: the same middleware, session,
// sign-in check and layout, with no case read.
//
//	PSU_BENCH_CASES=100000 PSU_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BenchmarkBackOffice -benchtime 400x ./internal/app/
//
// PSU_BENCH_CASES defaults to 10000 so a plain -bench run stays short.
func BenchmarkBackOffice(b *testing.B) {
	n := 10000
	if s := os.Getenv("PSU_BENCH_CASES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < fill.MinCases {
			b.Fatalf("PSU_BENCH_CASES: %q is not a number of cases (at least %d)", s, fill.MinCases)
		}
	}
	for _, e := range storetest.Engines {
		b.Run(fmt.Sprintf("%s/%dk", e, n/1000), func(b *testing.B) {
			in, lead, adviserID, refs := benchDemo(b, e, n)
			c := in.Client(b)
			c.SignIn(lead)
			pages := []struct{ name, path string }{
				{"floor-account", "/account"},
				{"queue", "/cases"},
				{"queue-status", "/cases?status=new"},
				{"queue-adviser", "/cases?adviser=" + adviserID},
				{"queue-profession", "/cases?profession=nurse"},
				{"queue-region", "/cases?region=kss"},
				{"queue-topic", "/cases?topic=dyslexia"},
				{"queue-overdue", "/cases?clock=overdue"},
				{"queue-due-soon", "/cases?clock=due-soon"},
				{"queue-search-name", "/cases?q=" + url.QueryEscape("Quill")},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					pageLatency(b, func(int) string { return p.path }, c)
				})
			}
			b.Run("case-page", func(b *testing.B) {
				pageLatency(b, func(i int) string { return "/cases/" + refs[i%len(refs)] }, c)
			})
		})
	}
}

// benchDemo fills a fresh database of engine e with n demo cases and
// starts psu on it.
func benchDemo(b *testing.B, e store.Engine, n int) (*apptest.Instance, apptest.Staff, string, []string) {
	b.Helper()
	dbURL := storetest.URL(b, e)
	d := fillDemo(b, dbURL, n)
	in := apptest.StartOn(b, dbURL, "PSU_KEY_FILE="+d.keyFile, "PSU_LOG_LEVEL=error")
	return in, d.lead, d.adviserID, d.leadRefs
}

// demoData is what a test needs to know of a database psu demo filled.
type demoData struct {
	keyFile       string
	lead, adviser apptest.Staff
	adviserID     string
	leadRefs      []string // cases the lead may open without a reason, newest first
	adviserRefs   []string // the adviser's own cases
	cases         int
	filledIn      time.Duration
}

// fillDemo fills the empty database at dbURL with n demo cases under a new
// key, written to a file psu can be started with.
func fillDemo(tb testing.TB, dbURL string, n int) demoData {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	d := demoData{keyFile: filepath.Join(tb.TempDir(), "psu.key"), cases: n}
	if err := os.WriteFile(d.keyFile, []byte(fmt.Sprintf("%x\n", key)), 0o600); err != nil {
		tb.Fatal(err)
	}
	sealer, err := seal.New(key)
	if err != nil {
		tb.Fatal(err)
	}
	t0 := time.Now()
	res, err := fill.Run(ctx, db, sealer, fill.Options{Cases: n, Issuer: "PSU bench", Host: "127.0.0.1", Argon2: apptest.CheapArgon2})
	if err != nil {
		tb.Fatal(err)
	}
	d.filledIn = time.Since(t0)
	tb.Logf("%d demo cases written in %s", n, d.filledIn.Round(time.Millisecond))
	for _, a := range res.Staff {
		u, err := url.Parse(a.TOTPURI)
		if err != nil {
			tb.Fatal(err)
		}
		s := apptest.Staff{Email: a.Email, Name: a.Name, Password: a.Password, Secret: u.Query().Get("secret")}
		switch a.Role {
		case web.RoleTriageLead:
			d.lead = s
		case web.RoleAdviser:
			if d.adviserID == "" {
				d.adviser = s
				if err := store.Scan(db.QueryRowContext(ctx, `SELECT id FROM users WHERE email = ?`, a.Email), &d.adviserID); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	refs := func(q string, args ...any) []string {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			tb.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				tb.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	open := `status NOT IN ('notified', 'merged') AND NOT restricted AND NOT EXISTS (SELECT 1 FROM case_conflicts x WHERE x.case_id = cases.id)`
	d.leadRefs = refs(`SELECT reference FROM cases WHERE ` + open + ` ORDER BY opened_at DESC LIMIT 200`)
	d.adviserRefs = refs(`SELECT reference FROM cases WHERE assigned_to = ? AND `+open+` ORDER BY opened_at DESC LIMIT 200`, d.adviserID)
	if len(d.leadRefs) == 0 || len(d.adviserRefs) == 0 {
		tb.Fatalf("the demo has %d cases a lead may open and %d of the adviser's", len(d.leadRefs), len(d.adviserRefs))
	}
	return d
}

// pageLatency fetches path(i) b.N times and reports the median and 99th
// percentile in milliseconds.
func pageLatency(b *testing.B, path func(i int) string, c *apptest.Client) {
	b.Helper()
	pageLatencyEach(b, path, c, nil)
}

// pageLatencyEach is pageLatency with before, if not nil, run untimed
// before each request.
func pageLatencyEach(b *testing.B, path func(i int) string, c *apptest.Client, before func(i int)) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := path(i)
		if before != nil {
			b.StopTimer()
			before(i)
			b.StartTimer()
		}
		t0 := time.Now()
		res := c.Get(p)
		times = append(times, time.Since(t0))
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", p, res.StatusCode)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)*50/100]), "p50-ms")
	b.ReportMetric(ms(times[min(len(times)-1, len(times)*99/100)]), "p99-ms")
}
