package directory

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/directory/synth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// Benchmarks of search latency on synthetic directories. They build their
// directory inside the benchmark, so plain go test never pays for it:
//
//	PSU_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench BenchmarkSearch -benchtime 400x ./internal/directory/
//
// PSU_BENCH_SIZES (default "1000,100000") chooses the directory sizes.

// benchQueries is what trainees type: needs in their own words, names,
// places, misspellings.
var benchQueries = []string{
	"burnout", "failed my exam", "money worries", "drinking too much", "bullying at work", "GMC investigation",
	"dyslexia", "career change", "suicidal", "can't cope", "anxiety and stress", "peer support group",
	"gambling debts", "returning to training after sick leave", "coaching", "Camden helpline", "Brighton",
	"sucidal", "finacial hardship", "lonely",
}

func benchSizes(b *testing.B) []int {
	s := os.Getenv("PSU_BENCH_SIZES")
	if s == "" {
		s = "1000,100000"
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("PSU_BENCH_SIZES: %q is not a number of services", f)
		}
		out = append(out, n)
	}
	return out
}

// benchDB is a fresh database of engine e holding n synthetic services
// (and the real synonym map), written through the importer in one
// transaction, as psu directory import would (schema checks skipped: the
// generator's output is checked by its own test).
func benchDB(b *testing.B, e store.Engine, n int) *store.DB {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, e)
	d, err := hsds.ParseDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		b.Fatal(err)
	}
	syn, err := ParseSynonyms(seed.Synonyms)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if err := ReplaceSynonyms(ctx, tx, syn); err != nil {
			return err
		}
		im, err := newImporter(ctx, tx, store.Now())
		if err != nil {
			return err
		}
		if err := im.taxonomies(d.Taxonomies, d.TaxonomyTerms); err != nil {
			return err
		}
		g := synth.New(synth.Vocabulary{Taxonomies: d.Taxonomies, Terms: d.TaxonomyTerms}, 1)
		for made, pos := 0, 0; made < n; pos++ {
			o := g.Organization(n - made)
			made += len(o.Services)
			if err := im.organization(&o, pos); err != nil {
				return err
			}
		}
		return im.log("synthetic")
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d synthetic services written in %s", e, n, time.Since(start).Round(time.Second))
	start = time.Now()
	floorIndex(b, db)
	b.Logf("%s: the engine's full-text index for the floor built in %s", e, time.Since(start).Round(time.Second))
	return db
}

// floorIndex gives the benchmark database the engine's own full-text
// index over the same search text that psu's index reads, weighted the
// same way (names, then tags and organisation, then the body), for the
// floor to query. psu itself keeps none.
func floorIndex(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	stmts := []string{
		`CREATE VIRTUAL TABLE floor_fts USING fts5 (search_name, search_tags, search_body,
			content = 'dir_service_docs', content_rowid = 'service_rid', tokenize = 'porter unicode61 remove_diacritics 2')`,
		`INSERT INTO floor_fts (floor_fts) VALUES ('rebuild')`,
	}
	if db.Engine() == store.Postgres {
		stmts = []string{
			`ALTER TABLE dir_service_docs ADD COLUMN floor_tsv tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('english', search_name), 'A') ||
				setweight(to_tsvector('english', search_tags), 'B') ||
				setweight(to_tsvector('english', search_body), 'C')) STORED`,
			`CREATE INDEX floor_tsv ON dir_service_docs USING GIN (floor_tsv)`,
			// As autovacuum would soon after a large import.
			`VACUUM ANALYZE`,
		}
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// benchServer is the whole web stack on db: middleware, sessions, pages
// and the API, without the network.
func benchServer(b *testing.B, db *store.DB) http.Handler {
	b.Helper()
	vars := map[string]string{"PSU_DATA_DIR": b.TempDir(), "PSU_LOG_LEVEL": "error"}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		b.Fatal(err)
	}
	if err := Register(context.Background(), srv, mail.NewOutbox(db, sealer), ratelimit.New(db, sealer), sealer); err != nil {
		b.Fatal(err)
	}
	return srv.Handler()
}

// latency runs op b.N times, cycling through the queries, and reports the
// median and 99th percentile in milliseconds.
func latency(b *testing.B, op func(q string) error) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQueries[i%len(benchQueries)]
		t0 := time.Now()
		if err := op(q); err != nil {
			b.Fatalf("%q: %v", q, err)
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)*50/100]), "p50-ms")
	b.ReportMetric(ms(times[min(len(times)-1, len(times)*99/100)]), "p99-ms")
}

// rawQuery is the floor: the engine's own full-text query for the words
// typed (stop words dropped; every word required, as FTS5 and
// websearch_to_tsquery read plain words), best 20 by its ranking, with
// nothing else: no synonyms, typo correction, filters, tiers or count.
func rawQuery(ctx context.Context, db *store.DB, q string) error {
	var ws []string
	for _, w := range words(fold(q)) {
		if !stopwords[w] {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return nil
	}
	var rows interface {
		Next() bool
		Scan(...any) error
		Close() error
		Err() error
	}
	var err error
	if db.Engine() == store.Postgres {
		rows, err = db.QueryContext(ctx, `SELECT d.service_rid FROM dir_service_docs d, websearch_to_tsquery('english', ?) q
			WHERE d.floor_tsv @@ q ORDER BY ts_rank_cd(d.floor_tsv, q) DESC LIMIT 20`, strings.Join(ws, " "))
	} else {
		quoted := make([]string, len(ws))
		for i, w := range ws {
			quoted[i] = `"` + w + `"`
		}
		rows, err = db.QueryContext(ctx, `SELECT rowid FROM floor_fts WHERE floor_fts MATCH ? ORDER BY rank LIMIT 20`, strings.Join(quoted, " AND "))
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return err
		}
	}
	return rows.Err()
}

func get(h http.Handler, path string) error {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		return fmt.Errorf("GET %s: %d", path, rec.Code)
	}
	return nil
}

func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	for _, e := range storetest.Engines {
		for _, n := range benchSizes(b) {
			b.Run(fmt.Sprintf("%s/%dk", e, n/1000), func(b *testing.B) {
				db := benchDB(b, e, n)
				h := benchServer(b, db)
				ix := NewIndex()
				// The first search builds the index: what a search after an
				// import waits for, and what each psu then holds.
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				t0 := time.Now()
				if _, err := ix.Search(ctx, db, Query{Text: "warm up", Limit: 1}); err != nil {
					b.Fatal(err)
				}
				built := time.Since(t0)
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.Logf("%s: index of %d services built in %s, heap %.0f MiB larger", e, n, built.Round(time.Millisecond),
					float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
				b.Run("raw-fts", func(b *testing.B) {
					latency(b, func(q string) error { return rawQuery(ctx, db, q) })
				})
				b.Run("search", func(b *testing.B) {
					latency(b, func(q string) error {
						_, err := ix.Search(ctx, db, Query{Text: q, Usable: true, Limit: pageSize})
						return err
					})
				})
				b.Run("api", func(b *testing.B) {
					latency(b, func(q string) error { return get(h, APIBase+"/services?per_page=20&search="+url.QueryEscape(q)) })
				})
				b.Run("web", func(b *testing.B) {
					latency(b, func(q string) error { return get(h, "/services?q="+url.QueryEscape(q)) })
				})
			})
		}
	}
}
