package workdays

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse feeds Parse what an administrator might upload as GOV.UK's
// bank-holidays.json. It must never panic; a refusal must say what is
// wrong; an accepted list must be sorted, free of repeats, made of real
// dates and titles a database column can hold (valid UTF-8, no NUL, which
// PostgreSQL refuses), must read back the same when written out again, and
// must count days consistently.
//
//	go test ./internal/workdays -run '^$' -fuzz '^FuzzParse$' -fuzztime 10m
func FuzzParse(f *testing.F) {
	f.Add(shipped)
	f.Add([]byte("\xef\xbb\xbf" + string(shipped)))
	f.Add([]byte(`{"england-and-wales":{"division":"england-and-wales","events":[{"date":"2029-01-01","title":"New Year’s Day","notes":"","bunting":true},{"date":"2029-03-30","title":"Good Friday","notes":"","bunting":false}]},` +
		`"scotland":{"division":"scotland","events":[{"date":"2029-01-02","title":"2nd January","notes":"","bunting":true}]},` +
		`"northern-ireland":{"division":"northern-ireland","events":[{"date":"2029-03-17","title":"St Patrick’s Day","notes":"","bunting":true}]}}`))
	f.Add([]byte(`{"division":"england-and-wales","events":[{"date":"2030-12-25","title":"Christmas Day"},{"date":"2030-12-25","title":"Christmas Day"},{"date":"2030-12-26","title":"Boxing Day"}]}`))
	f.Add([]byte(`{"division":"scotland","events":[{"date":"2029-01-01","title":"x"}]}`))
	f.Add([]byte(`{"division":"england-and-wales","events":[{"date":"2029-02-30","title":"x"}]}`))
	f.Add([]byte(`{"division":"england-and-wales","events":[{"date":"2029-01-01","title":""}]}`))
	f.Add([]byte(`{"division":"england-and-wales","events":[]}`))
	f.Add([]byte(`{"england-and-wales":[1,2]}`))
	f.Add([]byte(`[]`))
	// Once accepted, then refused by PostgreSQL when stored (a 500 on
	// POST /admin/settings/bank-holidays).
	f.Add([]byte(`{"division":"england-and-wales","events":[{"date":"2030-12-25","title":"Christmas\u0000Day"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, err := Parse(data)
		if err != nil {
			if hs != nil || strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("refusal %q came with %d holidays", err, len(hs))
			}
			return
		}
		if len(hs) == 0 {
			t.Fatal("accepted a list with no holidays")
		}
		for i, h := range hs {
			d, err := time.Parse(time.DateOnly, h.Date)
			if err != nil || d.Format(time.DateOnly) != h.Date {
				t.Fatalf("accepted date %q (%v)", h.Date, err)
			}
			if i > 0 && hs[i-1].Date >= h.Date {
				t.Fatalf("not sorted or repeated: %q then %q", hs[i-1].Date, h.Date)
			}
			if h.Title == "" || !storable(h.Title) {
				t.Fatalf("accepted title %q, which a database column cannot hold", h.Title)
			}
		}

		again, err := json.Marshal(map[string]any{"division": "england-and-wales", "events": hs})
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(again)
		if err != nil || !reflect.DeepEqual(back, hs) {
			t.Fatalf("written out and read again: %v, %v; was %v", back, err, hs)
		}

		c := NewClock(Working, hs)
		first, _ := time.ParseInLocation(time.DateOnly, hs[0].Date, London)
		if c.Counts(first.Add(12 * time.Hour)) {
			t.Fatalf("%s is a bank holiday but counts as a working day", hs[0].Date)
		}
		start := first.AddDate(0, 0, -3).Add(15 * time.Hour)
		for _, n := range []int{1, 5, 14} {
			due := c.Due(start, n)
			if got := c.Between(start, due); got != n {
				t.Fatalf("Due(%s, %d) = %s, but Between counts %d days to it", start, n, due, got)
			}
		}
	})
}

// storable reports whether both databases keep s exactly: PostgreSQL's text
// refuses invalid UTF-8 and NUL.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
