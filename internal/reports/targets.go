package reports

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// Target is one of the unit's time targets: a case's clock starts at one
// event and the target is met when the next comes within Days.
type Target struct {
	Slug, Label string
	// Start and End name the two events, for the page's explanation.
	Start, End string
	Days       int
	// query returns, for each case whose start falls in [from, to): the
	// adviser's name ('' for none), the start, the end (NULL when it has
	// not happened) and the due time (NULL: Days after the start).
	query string
}

// Targets are the unit's targets, in the order shown.
//
// First response: the clock starts when the application arrives and stops
// at first contact; it is met by the case's own due time, which already
// allows for pauses and the unit's way of counting days. Appointment: from
// first contact to the first appointment not cancelled. Summary: from the
// first session the trainee attended to the first summary issued. A case
// that was withdrawn, closed or found not eligible before its end event
// happened is not counted, and neither is one whose time is still running.
var Targets = []Target{
	{"response", "First response within 14 days", "the application arrived", "the trainee was first contacted", 14,
		`SELECT COALESCE(u.name, ''), c.submitted_at, c.responded_at, c.response_due, c.status, c.clock_paused_at
		FROM cases c LEFT JOIN users u ON u.id = c.assigned_to
		WHERE c.status <> 'merged' AND c.submitted_at >= ? AND c.submitted_at < ?`},
	{"appointment", "Appointment within 2 weeks of first contact", "the trainee was first contacted", "their first appointment", 14,
		`SELECT COALESCE(u.name, ''), c.responded_at,
			(SELECT MIN(a.starts_at) FROM appointments a WHERE a.case_id = c.id AND a.status <> 'cancelled'), NULL, c.status, NULL
		FROM cases c LEFT JOIN users u ON u.id = c.assigned_to
		WHERE c.status <> 'merged' AND c.responded_at >= ? AND c.responded_at < ?`},
	{"summary", "Summary within 2 weeks of the session", "the trainee's first session", "their first written summary", 14,
		`SELECT COALESCE(u.name, ''), s.first_at, (SELECT MIN(m.issued_at) FROM summaries m WHERE m.case_id = c.id), NULL, c.status, NULL
		FROM (SELECT case_id, MIN(starts_at) AS first_at FROM appointments WHERE status = 'attended' GROUP BY case_id) s
		JOIN cases c ON c.id = s.case_id LEFT JOIN users u ON u.id = c.assigned_to
		WHERE c.status <> 'merged' AND s.first_at >= ? AND s.first_at < ?`},
}

// TargetBySlug returns the target named slug, or the first.
func TargetBySlug(slug string) Target {
	for _, t := range Targets {
		if t.Slug == slug {
			return t
		}
	}
	return Targets[0]
}

// Per is how a target's table is broken down.
type Per struct{ Slug, Label string }

// Pers are the breakdowns offered.
var Pers = []Per{{"month", "Month"}, {"adviser", "Adviser"}}

// PerBySlug returns the breakdown named slug, or the first.
func PerBySlug(slug string) Per {
	for _, p := range Pers {
		if p.Slug == slug {
			return p
		}
	}
	return Pers[0]
}

// NoAdviser heads the row of cases no adviser was assigned to.
const NoAdviser = "No adviser assigned"

// TargetTable is a target's figures, one row per month or adviser: the
// counts met and not met (suppressed as any grid), and the share met and
// the median and 90th percentile days, each shown only where the counts
// they come from are.
type TargetTable struct {
	Target Target
	Per    Per
	Grid   Grid // columns: met, not met
	// Share, Median and P90 per row and, last, for the total, as text;
	// NotShown when held back.
	Share, Median, P90 []string
}

// Met and NotMet are the columns of a target's grid.
const (
	ColMet    = "Met"
	ColNotMet = "Not met"
)

// closedEarly are the statuses that end a case without a later event.
var closedEarly = map[string]bool{"closed": true, "withdrawn": true, "not_eligible": true}

// CountTarget measures tg over cases whose clock started in [from, to),
// as of now, per month or adviser.
func CountTarget(ctx context.Context, q store.Querier, tg Target, per Per, from, to, now time.Time, threshold int) (TargetTable, error) {
	rows, err := q.QueryContext(ctx, tg.query, from.UTC(), to.UTC())
	if err != nil {
		return TargetTable{}, fmt.Errorf("reports: target %s: %w", tg.Slug, err)
	}
	defer rows.Close()
	type group struct {
		met, notMet int
		days        []float64
	}
	groups := map[string]*group{}
	var all group
	limit := time.Duration(tg.Days) * 24 * time.Hour
	for rows.Next() {
		var name, status string
		var start, end, due, paused store.Time
		if err := rows.Scan(&name, &start, &end, &due, &status, &paused); err != nil {
			return TargetTable{}, err
		}
		if !start.Valid {
			continue
		}
		deadline := start.Time.Add(limit)
		if due.Valid {
			deadline = due.Time
		}
		var met bool
		switch {
		case end.Valid:
			met = !end.Time.After(deadline)
		case closedEarly[status] || paused.Valid || !now.After(deadline):
			continue // ended another way, or still running
		default:
			met = false
		}
		key := start.Time.Format("2006-01")
		if per.Slug == "adviser" {
			key = name
			if key == "" {
				key = NoAdviser
			}
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
		}
		for _, x := range []*group{g, &all} {
			if met {
				x.met++
			} else {
				x.notMet++
			}
			if end.Valid {
				x.days = append(x.days, end.Time.Sub(start.Time).Hours()/24)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return TargetTable{}, err
	}
	var keys, labels []string
	if per.Slug == "month" {
		for _, m := range Months(from, to) {
			keys = append(keys, m.Format("2006-01"))
			labels = append(labels, m.Format("Jan 2006"))
		}
	} else {
		for k := range groups {
			if k != NoAdviser {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if groups[NoAdviser] != nil {
			keys = append(keys, NoAdviser)
		}
		labels = keys
	}
	counts := make([][]int, len(keys))
	for i, k := range keys {
		counts[i] = make([]int, 2)
		if g := groups[k]; g != nil {
			counts[i][0], counts[i][1] = g.met, g.notMet
		}
	}
	t := TargetTable{Target: tg, Per: per, Grid: Suppress(labels, []string{ColMet, ColNotMet}, counts, threshold)}
	th := ClampThreshold(threshold)
	figures := func(g *group, met, notMet, total Cell) {
		share, median, p90 := NotShown, NotShown, NotShown
		// A share gives away met and not met alike; days are shown only for
		// groups of at least threshold cases.
		if g != nil && !met.Hidden && !notMet.Hidden && !total.Hidden && total.Value > 0 {
			share = fmt.Sprintf("%d%%", int(math.Round(100*float64(met.Value)/float64(total.Value))))
		}
		if g != nil && !total.Hidden && len(g.days) >= th {
			median, p90 = formatDays(percentile(g.days, 0.5)), formatDays(percentile(g.days, 0.9))
		}
		t.Share, t.Median, t.P90 = append(t.Share, share), append(t.Median, median), append(t.P90, p90)
	}
	for i, k := range keys {
		figures(groups[k], t.Grid.Cells[i][0], t.Grid.Cells[i][1], t.Grid.RowTotals[i])
	}
	figures(&all, t.Grid.ColTotals[0], t.Grid.ColTotals[1], t.Grid.Total)
	return t, nil
}

// percentile is the p-th percentile of xs by the nearest-rank method
// (the smallest value at least p of the values are at or below).
func percentile(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	r := int(math.Ceil(p * float64(len(s))))
	if r < 1 {
		r = 1
	}
	return s[r-1]
}

func formatDays(d float64) string {
	return fmt.Sprintf("%.1f", d)
}

// NotShown is how a count, share or number of days held back reads.
const NotShown = "not shown"
