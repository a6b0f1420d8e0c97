package directory

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/store"
)

// relevanceCase is one line of testdata/relevance.tsv.
type relevanceCase struct {
	query string
	want  []string // each must be in the first three
}

func readRelevance(t *testing.T) []relevanceCase {
	t.Helper()
	f, err := os.Open("testdata/relevance.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		q, want, ok := strings.Cut(line, "\t")
		if !ok || q == "" || want == "" {
			t.Fatalf("relevance.tsv:%d: want a query, a tab and services", n)
		}
		c := relevanceCase{query: q}
		for _, w := range strings.Split(want, " | ") {
			c.want = append(c.want, strings.TrimSpace(w))
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// unitQuery is a search as /services makes it for the London and KSS unit
// with its default settings.
func unitQuery(text string, limit int) Query {
	return Query{Text: text, Limit: limit, Usable: true,
		Home: strings.Split(DefaultUnitRegions, ","), Own: DefaultOwnService, OwnFor: OwnFor}
}

// TestRelevanceSet runs the relevance set: every service named for a query
// must come in its first three results. The score (queries passed of all)
// is logged for BENCHMARKS.md.
func TestRelevanceSet(t *testing.T) {
	cases := readRelevance(t)
	if len(cases) < 80 {
		t.Fatalf("the relevance set has %d queries; keep at least 80", len(cases))
	}
	seeded(t, func(t *testing.T, db *store.DB) {
		ix := NewIndex()
		passed := 0
		for _, c := range cases {
			got := names(t, ix, db, unitQuery(c.query, 3))
			ok := true
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					ok = false
					t.Errorf("%q: %q is not in the first three: %q", c.query, w, got)
				}
			}
			if ok {
				passed++
			}
		}
		t.Logf("relevance set: %d of %d queries pass (%.1f%%)", passed, len(cases), 100*float64(passed)/float64(len(cases)))
	})
}

// Services only for another nation come after the unit's region and
// national ones, unless the search names that nation; the unit's own
// service comes first for what it exists for, and not for what it does
// not (drink, gambling).
func TestRegionAndOwnServiceRanking(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ix := NewIndex()
		nations := []string{"Canopi", "Wales Deanery Professional Support Unit", "Scotland Deanery support for trainees",
			"Northern Ireland Professional Support and Wellbeing team", "Trainee Wellbeing programme"}
		for _, q := range []string{"mental health", "wellbeing", "progression", "support"} {
			got := names(t, ix, db, unitQuery(q, 100))
			seenAway := false
			for _, n := range got {
				away := slices.Contains(nations, n)
				if seenAway && !away {
					t.Errorf("%q: %s comes after a service for another nation: %q", q, n, got)
					break
				}
				seenAway = seenAway || away
			}
		}
		res, err := ix.Search(t.Context(), db, unitQuery("mental health", 100))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Away) == 0 {
			t.Error("no result marked as for another nation")
		}
		if got := names(t, ix, db, unitQuery("mental health in wales", 2)); !slices.Contains(got, "Canopi") {
			t.Errorf("asked for Wales, got %q", got)
		}
		for _, q := range []string{"exam", "ARCP", "burnt out", "dyslexia", "career", "return to training", "difficult supervisor"} {
			if got := names(t, ix, db, unitQuery(q, 1)); len(got) == 0 || got[0] != "Individual Support Team" {
				t.Errorf("%q: first is %q, want the Individual Support Team", q, got)
			}
		}
		for _, q := range []string{"alcohol", "gambling", "suicidal"} {
			if got := names(t, ix, db, unitQuery(q, 1)); len(got) > 0 && got[0] == "Individual Support Team" {
				t.Errorf("%q: the Individual Support Team is first", q)
			}
		}
		// Browsing a need it exists for, with no words, puts it first too.
		q := unitQuery("", 1)
		q.TermSets = [][]string{{ix.mustTerm(t, db, "exams")}}
		if got := names(t, ix, db, q); len(got) == 0 || got[0] != "Individual Support Team" {
			t.Errorf("need=exams: first is %q", got)
		}
	})
}

func (ix *Index) mustTerm(t *testing.T, db *store.DB, code string) string {
	t.Helper()
	v, err := ix.vocabulary(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	return v.byCode[code].ID
}
