package reports

import (
	"sort"

	"github.com/psu-project/psu/internal/eligibility"
)

// Filter narrows a report to the cases of one profession or one region;
// the zero Filter does not narrow.
type Filter struct {
	By    string // "profession" or "region"; "" for every case
	Value string // the stored value, as the eligibility check records it
}

// FilterBy is what a report may be narrowed by, with its options.
type FilterBy struct {
	Slug, Label string
	Options     func() []eligibility.Option
}

// FilterBys are what a report may be narrowed by.
var FilterBys = []FilterBy{
	{"profession", "Profession", eligibility.Professions},
	{"region", "Region", eligibility.Regions},
}

// Narrows reports whether fl selects some cases only.
func (fl Filter) Narrows() bool { return fl.By != "" }

// attr is the value of f that fl narrows by.
func (fl Filter) attr(f fact) string {
	if fl.By == "region" {
		return f.region
	}
	return f.prof
}

// Label is how fl reads in a heading: the option's label, or "" for none.
func (fl Filter) Label() string {
	for _, b := range FilterBys {
		if b.Slug != fl.By {
			continue
		}
		for _, o := range b.Options() {
			if o.Value == fl.Value {
				return o.Label
			}
		}
	}
	return fl.Value
}

// only keeps the facts fl selects.
func (fl Filter) only(fs factSets) factSets {
	if !fl.Narrows() {
		return fs
	}
	return fl.split(fs)[fl.Value]
}

// split parts fs by the value fl narrows by.
func (fl Filter) split(fs factSets) map[string]factSets {
	parts := map[string]factSets{}
	for _, s := range fs {
		byValue := map[string][]fact{}
		for _, f := range s.facts {
			v := fl.attr(f)
			byValue[v] = append(byValue[v], f)
		}
		for v, facts := range byValue {
			parts[v] = append(parts[v], monthSet{month: s.month, ended: s.ended, facts: facts})
		}
	}
	return parts
}

// suppressFiltered suppresses the table tally counts from facts, rows ×
// cols. When fl narrows, it is the table of the cases fl selects, suppressed
// together with the table of every other value of the same kind (every
// other profession, say) and the whole table as shown unnarrowed, so that
// no hidden count can be worked out by setting one narrowed report beside
// the others and the whole.
func suppressFiltered(rows, cols []string, facts factSets, fl Filter, threshold int, tally func(factSets) [][]int) Grid {
	whole := Suppress(rows, cols, tally(facts), threshold)
	if !fl.Narrows() {
		return whole
	}
	parts := fl.split(facts)
	if _, ok := parts[fl.Value]; !ok {
		parts[fl.Value] = nil
	}
	values := make([]string, 0, len(parts))
	for v := range parts {
		values = append(values, v)
	}
	sort.Strings(values)
	slices := make([][][]int, len(values))
	at := 0
	for i, v := range values {
		slices[i] = tally(parts[v])
		if v == fl.Value {
			at = i
		}
	}
	return SuppressSlices(whole, slices, threshold)[at]
}

// withoutEmptyRows drops the rows of g that count nothing (a zero total,
// shown: it gives nothing away to leave out), such as the programmes of
// other professions in a report narrowed to one.
func (g Grid) withoutEmptyRows() Grid {
	out := Grid{Cols: g.Cols, ColTotals: g.ColTotals, Total: g.Total}
	for i, r := range g.Rows {
		if t := g.RowTotals[i]; t.Value == 0 && !t.Hidden {
			continue
		}
		out.Rows = append(out.Rows, r)
		out.Cells = append(out.Cells, g.Cells[i])
		out.RowTotals = append(out.RowTotals, g.RowTotals[i])
	}
	return out
}
