package reports

import (
	"context"
	"sort"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// KeyThreshold is the unit setting holding the suppression threshold.
const KeyThreshold = "reports.threshold"

// Threshold returns the unit's suppression threshold, never under
// MinThreshold, DefaultThreshold when none is set or it does not read.
func Threshold(ctx context.Context, q store.Querier) (int, error) {
	v, err := settings.Get(ctx, q, KeyThreshold, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' || n > 1000 {
			return DefaultThreshold, nil
		}
		n = n*10 + int(r-'0')
	}
	if v == "" {
		return DefaultThreshold, nil
	}
	return ClampThreshold(n), nil
}

// Dimension is what a report counts cases by.
type Dimension struct {
	Slug, Label string
	// label and at are the SQL expressions counted by and dated by; from
	// is the FROM clause with its WHERE, to which the range is added. The
	// case is c.
	label, at, from string
}

// kind is d's figures as a Keeper keeps them.
func (d Dimension) kind() kind {
	return kind{name: "count:" + d.Slug, args: rangeArgs, sql: func(e store.Engine, by string) string {
		return "SELECT " + month(e, d.at) + ", COALESCE(" + d.label + ", ''), " + narrow(by, "c.profession", "c.region") + ", 0, " +
			"CAST(NULL AS INTEGER), CAST(NULL AS DOUBLE PRECISION), COUNT(*) FROM " + d.from +
			" AND " + d.at + " >= ? AND " + d.at + " < ? GROUP BY 1, 2, 3, 4"
	}}
}

// Dimensions are the reports offered, in the order shown. Applications and
// referrers' notices count by when the case opened; outcomes by when the
// case closed. Merged cases are counted once, under the case they joined.
var Dimensions = []Dimension{
	{"profession", "Profession", "c.profession", "c.opened_at", opened},
	{"region", "Region", "c.region", "c.opened_at", opened},
	{"programme", "Programme", "c.programme", "c.opened_at", opened},
	{"topic", "What is happening", "t.topic", "c.opened_at", `case_topics t JOIN cases c ON c.id = t.case_id WHERE c.status <> 'merged'`},
	{"source", "How the case came", `CASE WHEN c.submitted_at IS NULL THEN 'Referrer''s notice only' ELSE 'Application' END`, "c.opened_at", opened},
	{"outcome", "Outcome at closure", "c.outcome", "c.closed_at", `cases c WHERE c.closed_at IS NOT NULL AND c.status IN ('closed', 'withdrawn', 'not_eligible')`},
}

const opened = `cases c WHERE c.status <> 'merged'`

// name is how a stored value reads in a report: the label the trainee
// chose it by, "Not given" for nothing, or the value itself.
func (d Dimension) name(v string) string {
	if v == "" {
		return "Not given"
	}
	var opts []eligibility.Option
	switch d.Slug {
	case "profession":
		opts = eligibility.Professions()
	case "region":
		opts = eligibility.Regions()
	case "programme":
		for _, p := range eligibility.Professions() {
			opts = append(opts, eligibility.Programmes(p.Value)...)
		}
	case "topic":
		return cases.TopicLabel(v)
	}
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// DimensionBySlug returns the dimension named slug, or the first.
func DimensionBySlug(slug string) Dimension {
	for _, d := range Dimensions {
		if d.Slug == slug {
			return d
		}
	}
	return Dimensions[0]
}

// OtherLabel heads the row pooling every label too few cases share.
const OtherLabel = "Others, each given by too few to show"

// Months lists the first day of each month from from's month to the month
// before to (to is exclusive), in UTC.
func Months(from, to time.Time) []time.Time {
	var ms []time.Time
	m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	for m.Before(to) {
		ms = append(ms, m)
		m = m.AddDate(0, 1, 0)
	}
	return ms
}

// Count runs d over [from, to) for the cases fl selects and returns the
// suppressed grid of label by month. An empty label reads "Not given".
func (k *Keeper) Count(ctx context.Context, q store.Querier, d Dimension, fl Filter, from, to time.Time, threshold int) (Grid, error) {
	months := Months(from, to)
	col := map[string]int{}
	cols := make([]string, len(months))
	for i, m := range months {
		cols[i] = m.Format("Jan 2006")
		col[m.Format("2006-01")] = i
	}
	facts, err := k.facts(ctx, q, d.kind(), fl.By, from, to)
	if err != nil {
		return Grid{}, err
	}
	names := map[string]string{} // stored value → label, looked up once each
	label := func(v string) string {
		n, ok := names[v]
		if !ok {
			n = d.name(v)
			names[v] = n
		}
		return n
	}
	// A label fewer than threshold cases share may itself identify them
	// (a programme typed under "other", an outcome's words): such rows are
	// pooled under one heading before the cells are suppressed. Which are
	// pooled is decided on every case, so a narrowed report pools the same.
	totals := map[string]int{}
	facts.each(func(_ *monthSet, f *fact) { totals[label(f.key)] += f.n })
	row := map[string]int{}
	var labels []string
	pooled := false
	for l, n := range totals {
		if n < ClampThreshold(threshold) {
			pooled = true
			continue
		}
		labels = append(labels, l)
	}
	sort.Strings(labels)
	if pooled {
		labels = append(labels, OtherLabel)
	}
	for i, l := range labels {
		row[l] = i
	}
	tally := func(fs factSets) [][]int {
		grid := make([][]int, len(labels))
		for i := range grid {
			grid[i] = make([]int, len(months))
		}
		fs.each(func(s *monthSet, f *fact) {
			j, ok := col[s.month]
			if !ok {
				return
			}
			i, ok := row[label(f.key)]
			if !ok {
				i = row[OtherLabel]
			}
			grid[i][j] += f.n
		})
		return grid
	}
	return suppressFiltered(labels, cols, facts, fl, threshold, tally).withoutEmptyRows(), nil
}
