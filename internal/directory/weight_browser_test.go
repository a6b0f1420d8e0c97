package directory_test

import (
	"strconv"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// The page-weight limits of issue 14, in bytes transferred (headers and
// compressed bodies, as the browser counts them).
const (
	maxFirstVisit  = 100 << 10
	maxRepeatVisit = 15 << 10
)

// transferred sums what the browser fetched over the network for the page
// it shows: the page itself and every resource it loaded (stylesheet,
// script, icons). A resource served from the browser's cache counts 0.
const transferred = `String(performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
	.reduce((n, e) => n + e.transferSize, 0))`

// The search page for a common need, on a 390 × 844 phone with JavaScript
// on: the first visit (nothing cached) transfers at most 100 KB in all and
// a repeat visit at most 15 KB, as the fingerprinted assets are cached for
// a year and everything is compressed.
func TestSearchPageWeightInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t) // a fresh profile: an empty cache
	for _, q := range []string{"stress", "failed+my+exam", "mental+health"} {
		t.Run(q, func(t *testing.T) {
			tab := b.Tab(t, webtest.Viewport(390, 844))
			url := in.URL + "/services?q=" + q
			tab.Visit(url)
			first, err := strconv.Atoi(tab.Eval(transferred))
			if err != nil {
				t.Fatal(err)
			}
			tab.Visit(url)
			repeat, err := strconv.Atoi(tab.Eval(transferred))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("/services?q=%s: first visit %.1f KB, repeat visit %.1f KB", q, float64(first)/1024, float64(repeat)/1024)
			if q == "stress" && first > maxFirstVisit { // the first search fetched the assets
				t.Errorf("first visit: %d bytes, over %d", first, maxFirstVisit)
			}
			if repeat > maxRepeatVisit {
				t.Errorf("repeat visit: %d bytes, over %d", repeat, maxRepeatVisit)
			}
		})
	}
}
