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
	// inner selects, for each case counted, who it is assigned to (a),
	// its profession (p) and region (r), the start (s), the end (e, NULL
	// when it has not come), whether it is met (met, 1 or 0), the case's
	// status (st) and, for a case still waiting, when it stops waiting
	// (dl, Unix seconds; NULL otherwise). Its parameters are from and to.
	inner func(e store.Engine) string
}

// tenths is the SQL for the days from a to b in whole tenths of a day,
// rounded half up (integers group and sort faster than ROUND's reals).
func tenths(e store.Engine, a, b string) string {
	if e == store.Postgres {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM (" + b + " - " + a + ")) / 8640.0 + 0.5) AS INTEGER)"
	}
	return "CAST((julianday(" + b + ") - julianday(" + a + ")) * 10 + 0.5 AS INTEGER)"
}

// month is the SQL for the month of t, as 2006-01.
func month(e store.Engine, t string) string {
	if e == store.Postgres {
		return "to_char(" + t + ", 'YYYY-MM')"
	}
	return "substr(" + t + ", 1, 7)" // SQLite keeps times as UTC text
}

// addDays is the SQL for t plus n days, comparable with stored times.
func addDays(e store.Engine, t string, n int) string {
	if e == store.Postgres {
		return fmt.Sprintf("(%s + interval '%d days')", t, n)
	}
	// julianday compares whatever text form each side is in.
	return fmt.Sprintf("(julianday(%s) + %d)", t, n)
}

func jd(e store.Engine, t string) string {
	if e == store.Postgres {
		return t
	}
	return "julianday(" + t + ")"
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
		func(e store.Engine) string {
			// Times the application wrote compare as text on SQLite.
			return `SELECT c.assigned_to AS a, c.profession AS p, c.region AS r, c.submitted_at AS s, c.responded_at AS e, c.status AS st,
				CASE WHEN c.responded_at IS NULL THEN 0
					WHEN c.response_due IS NOT NULL THEN CASE WHEN c.responded_at <= c.response_due THEN 1 ELSE 0 END
					WHEN ` + jd(e, "c.responded_at") + ` <= ` + addDays(e, "c.submitted_at", 14) + ` THEN 1 ELSE 0 END AS met,
				CASE WHEN c.responded_at IS NULL THEN ` + epoch(e, "c.response_due") + ` END AS dl
			FROM cases c
			WHERE c.status <> 'merged' AND c.submitted_at >= ? AND c.submitted_at < ?
				AND (c.responded_at IS NOT NULL OR (c.clock_paused_at IS NULL AND c.response_due IS NOT NULL))`
		}},
	{"appointment", "Appointment within 2 weeks of first contact", "the trainee was first contacted", "their first appointment", 14,
		func(e store.Engine) string {
			return `SELECT a, p, r, s, e, st, CASE WHEN e IS NOT NULL AND ` + jd(e, "e") + ` <= ` + addDays(e, "s", 14) + ` THEN 1 ELSE 0 END AS met,
				CASE WHEN e IS NULL THEN ` + epoch(e, "s") + ` + 14 * 86400 END AS dl FROM (
				SELECT c.assigned_to AS a, c.profession AS p, c.region AS r, c.responded_at AS s, c.status AS st,
					(SELECT MIN(p.starts_at) FROM appointments p WHERE p.case_id = c.id AND p.status <> 'cancelled') AS e
				FROM cases c WHERE c.status <> 'merged' AND c.responded_at >= ? AND c.responded_at < ?) x`
		}},
	{"summary", "Summary within 2 weeks of the session", "the trainee's first session", "their first written summary", 14,
		func(e store.Engine) string {
			return `SELECT a, p, r, s, e, st, CASE WHEN e IS NOT NULL AND ` + jd(e, "e") + ` <= ` + addDays(e, "s", 14) + ` THEN 1 ELSE 0 END AS met,
				CASE WHEN e IS NULL THEN ` + epoch(e, "s") + ` + 14 * 86400 END AS dl FROM (
				SELECT c.assigned_to AS a, c.profession AS p, c.region AS r, f.first_at AS s, c.status AS st,
					(SELECT MIN(m.issued_at) FROM summaries m WHERE m.case_id = c.id) AS e
				FROM (SELECT case_id, MIN(starts_at) AS first_at FROM appointments WHERE status = 'attended' AND starts_at < ?
					GROUP BY case_id) f
				JOIN cases c ON c.id = f.case_id
				WHERE c.status <> 'merged' AND f.first_at >= ? AND f.first_at < ?) x`
		}},
}

// kind is tg's figures as a Keeper keeps them: by the month its clock
// started, adviser, met and days to one decimal place, and for cases still
// waiting, their deadline.
func (tg Target) kind() kind {
	k := kind{name: "target:" + tg.Slug, args: rangeArgs, sql: func(e store.Engine, by string) string {
		return `SELECT ` + month(e, "s") + `, COALESCE(a, ''), ` + narrow(by, "p", "r") + `, met, ` + tenths(e, "s", "e") + `, dl, COUNT(*) FROM (` + tg.inner(e) + `) y
			WHERE e IS NOT NULL OR st NOT IN ('closed', 'withdrawn', 'not_eligible')
			GROUP BY 1, 2, 3, 4, 5, 6, 7`
	}}
	if tg.Slug == "summary" {
		k.args = func(from, to time.Time) []any { return []any{to.UTC(), from.UTC(), to.UTC()} }
	}
	return k
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

// histogram counts how many cases took each number of days.
type histogram map[float64]int

// group is one row's tally.
type group struct {
	met, notMet int
	days        histogram
	n           int // cases with days
}

func (g *group) add(met bool, d *float64, k int) {
	if met {
		g.met += k
	} else {
		g.notMet += k
	}
	if d != nil {
		if g.days == nil {
			g.days = histogram{}
		}
		g.days[*d] += k
		g.n += k
	}
}

// CountTarget measures tg over the cases fl selects whose clock started in
// [from, to), as of now, per month or adviser. A case whose time is still
// running at now is left out.
func (k *Keeper) CountTarget(ctx context.Context, q store.Querier, tg Target, per Per, fl Filter, from, to, now time.Time, threshold int) (TargetTable, error) {
	facts, err := k.facts(ctx, q, tg.kind(), fl.By, from, to)
	if err != nil {
		return TargetTable{}, fmt.Errorf("reports: target %s: %w", tg.Slug, err)
	}
	var names map[string]string
	if per.Slug == "adviser" {
		if names, err = staffNames(ctx, q); err != nil {
			return TargetTable{}, err
		}
	}
	// rowOf is the row a fact counts in: its month, or its adviser's name
	// (two advisers of one name share a row).
	rowOf := func(s *monthSet, f *fact) string {
		if per.Slug == "month" {
			return s.month
		}
		if n := names[f.key]; n != "" {
			return n
		}
		return NoAdviser
	}
	// Cases whose time is still running at now are left out.
	tallyGroups := func(fs factSets) (map[string]*group, *group) {
		groups := map[string]*group{}
		var all group
		fs.each(func(s *monthSet, f *fact) {
			if f.waiting(now) {
				return
			}
			var dp *float64
			if f.tenths >= 0 {
				d := float64(f.tenths) / 10
				dp = &d
			}
			key := rowOf(s, f)
			g := groups[key]
			if g == nil {
				g = &group{}
				groups[key] = g
			}
			g.add(f.met, dp, f.n)
			all.add(f.met, dp, f.n)
		})
		return groups, &all
	}
	var keys, labels []string
	if per.Slug == "month" {
		for _, m := range Months(from, to) {
			keys = append(keys, m.Format("2006-01"))
			labels = append(labels, m.Format("Jan 2006"))
		}
	} else {
		wholeGroups, _ := tallyGroups(facts)
		for k := range wholeGroups {
			if k != NoAdviser {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if wholeGroups[NoAdviser] != nil {
			keys = append(keys, NoAdviser)
		}
		labels = keys
	}
	tally := func(fs factSets) [][]int {
		groups, _ := tallyGroups(fs)
		counts := make([][]int, len(keys))
		for i, k := range keys {
			counts[i] = make([]int, 2)
			if g := groups[k]; g != nil {
				counts[i][0], counts[i][1] = g.met, g.notMet
			}
		}
		return counts
	}
	t := TargetTable{Target: tg, Per: per, Grid: suppressFiltered(labels, []string{ColMet, ColNotMet}, facts, fl, threshold, tally)}
	groups, all := tallyGroups(fl.only(facts))
	th := ClampThreshold(threshold)
	figures := func(g *group, met, notMet, total Cell) {
		share, median, p90 := NotShown, NotShown, NotShown
		// A share gives away met and not met alike; days are shown only for
		// groups of at least threshold cases.
		if g != nil && !met.Hidden && !notMet.Hidden && !total.Hidden && total.Value > 0 {
			share = fmt.Sprintf("%d%%", int(math.Round(100*float64(met.Value)/float64(total.Value))))
		}
		if g != nil && !total.Hidden && g.n >= th {
			median, p90 = formatDays(g.days.percentile(g.n, 0.5)), formatDays(g.days.percentile(g.n, 0.9))
		}
		t.Share, t.Median, t.P90 = append(t.Share, share), append(t.Median, median), append(t.P90, p90)
	}
	for i, k := range keys {
		figures(groups[k], t.Grid.Cells[i][0], t.Grid.Cells[i][1], t.Grid.RowTotals[i])
	}
	figures(all, t.Grid.ColTotals[0], t.Grid.ColTotals[1], t.Grid.Total)
	return t, nil
}

// percentile is the p-th percentile of h's n values by the nearest-rank
// method (the smallest value at least p of the values are at or below).
func (h histogram) percentile(n int, p float64) float64 {
	ds := make([]float64, 0, len(h))
	for d := range h {
		ds = append(ds, d)
	}
	sort.Float64s(ds)
	r := max(int(math.Ceil(p*float64(n))), 1)
	seen := 0
	for _, d := range ds {
		if seen += h[d]; seen >= r {
			return d
		}
	}
	return ds[len(ds)-1]
}

// percentile is the p-th percentile of xs, as histogram.percentile.
func percentile(xs []float64, p float64) float64 {
	h := histogram{}
	for _, x := range xs {
		h[x]++
	}
	return h.percentile(len(xs), p)
}

// staffNames maps every member of staff's id to their name.
func staffNames(ctx context.Context, q store.Querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM users`)
	if err != nil {
		return nil, fmt.Errorf("reports: staff: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

func formatDays(d float64) string {
	return fmt.Sprintf("%.1f", d)
}

// NotShown is how a count, share or number of days held back reads.
const NotShown = "not shown"
