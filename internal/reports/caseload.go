package reports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// ended is when a case that has ended did so: its closing, or the last
// change of status for a withdrawn or not eligible case.
const ended = `c.status IN ('closed', 'withdrawn', 'not_eligible')`
const endedAt = `COALESCE(c.closed_at, c.status_at)`

// Caseload is each adviser's cases: open at the end of the range, new in
// its last month, and ended (closed, withdrawn, not eligible) within it.
// Each column is suppressed on its own with its total (the columns do not
// add up to anything), so none can be worked out from another.
type Caseload struct {
	Advisers []string
	Open     Grid
	New      Grid
	Ended    Grid
	NewMonth string // the last month of the range, as "Jan 2006"
}

// CaseloadCols are the caseload's columns, in the order shown.
var CaseloadCols = []string{"Open at the end", "New in the last month", "Ended in the range"}

// CountCaseload counts each adviser's caseload over [from, to).
func CountCaseload(ctx context.Context, q store.Querier, from, to time.Time, threshold int) (Caseload, error) {
	ms := Months(from, to)
	last := ms[len(ms)-1]
	if last.Before(from) {
		last = from
	}
	staff, err := staffNames(ctx, q)
	if err != nil {
		return Caseload{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(c.assigned_to, ''),
			SUM(CASE WHEN NOT (`+ended+` AND `+endedAt+` < ?) THEN 1 ELSE 0 END),
			SUM(CASE WHEN c.opened_at >= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+ended+` AND `+endedAt+` >= ? AND `+endedAt+` < ? THEN 1 ELSE 0 END)
		FROM cases c
		WHERE c.status <> 'merged' AND c.opened_at < ? AND NOT (`+ended+` AND `+endedAt+` < ?)
		GROUP BY 1`, to.UTC(), last.UTC(), from.UTC(), to.UTC(), to.UTC(), from.UTC())
	if err != nil {
		return Caseload{}, fmt.Errorf("reports: caseload: %w", err)
	}
	defer rows.Close()
	counts := map[string][3]int{}
	for rows.Next() {
		var id string
		var c [3]int
		if err := rows.Scan(&id, &c[0], &c[1], &c[2]); err != nil {
			return Caseload{}, err
		}
		name := staff[id]
		if name == "" {
			name = NoAdviser
		}
		old := counts[name]
		for i := range c {
			old[i] += c[i]
		}
		counts[name] = old
	}
	if err := rows.Err(); err != nil {
		return Caseload{}, err
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		if n != NoAdviser {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if _, ok := counts[NoAdviser]; ok {
		names = append(names, NoAdviser)
	}
	col := func(k int) Grid {
		cs := make([][]int, len(names))
		for i, n := range names {
			cs[i] = []int{counts[n][k]}
		}
		return Suppress(names, CaseloadCols[k:k+1], cs, threshold)
	}
	return Caseload{Advisers: names, Open: col(0), New: col(1), Ended: col(2), NewMonth: last.Format("Jan 2006")}, nil
}

// Closure is how long cases took from opening (an application or a
// referrer's notice, whichever came first) to closing, by the month they
// closed: how many, and the median and 90th percentile days, shown only
// for months with at least threshold closings.
type Closure struct {
	Grid        Grid // one column: cases closed
	Median, P90 []string
}

// CountClosure measures cases closed in [from, to).
func CountClosure(ctx context.Context, q store.Querier, from, to time.Time, threshold int) (Closure, error) {
	e := q.Engine()
	rows, err := q.QueryContext(ctx, `SELECT `+month(e, "c.closed_at")+`, `+tenths(e, "c.opened_at", "c.closed_at")+`, COUNT(*) FROM cases c
		WHERE c.closed_at IS NOT NULL AND c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?
		GROUP BY 1, 2`, from.UTC(), to.UTC())
	if err != nil {
		return Closure{}, fmt.Errorf("reports: closure: %w", err)
	}
	defer rows.Close()
	byMonth := map[string]*group{}
	var all group
	for rows.Next() {
		var m string
		var t int64
		var k int
		if err := rows.Scan(&m, &t, &k); err != nil {
			return Closure{}, err
		}
		d := float64(t) / 10
		g := byMonth[m]
		if g == nil {
			g = &group{}
			byMonth[m] = g
		}
		g.add(true, &d, k)
		all.add(true, &d, k)
	}
	if err := rows.Err(); err != nil {
		return Closure{}, err
	}
	var labels []string
	var counts [][]int
	var groups []*group
	for _, m := range Months(from, to) {
		labels = append(labels, m.Format("Jan 2006"))
		g := byMonth[m.Format("2006-01")]
		if g == nil {
			g = &group{}
		}
		counts = append(counts, []int{g.n})
		groups = append(groups, g)
	}
	c := Closure{Grid: Suppress(labels, []string{"Cases closed"}, counts, threshold)}
	th := ClampThreshold(threshold)
	figures := func(g *group, shown Cell) {
		if shown.Hidden || g.n < th {
			c.Median, c.P90 = append(c.Median, NotShown), append(c.P90, NotShown)
			return
		}
		c.Median, c.P90 = append(c.Median, formatDays(g.days.percentile(g.n, 0.5))), append(c.P90, formatDays(g.days.percentile(g.n, 0.9)))
	}
	for i, g := range groups {
		figures(g, c.Grid.Cells[i][0])
	}
	figures(&all, c.Grid.Total)
	return c, nil
}

// TextTable is a table as the page and its export show it: every count
// already suppressed and written out.
type TextTable struct {
	Head []string
	Rows [][]string // the first cell of each row is its heading
}

// Table is the caseload as shown: one row per adviser and a totals row.
func (c Caseload) Table(threshold int) TextTable {
	t := TextTable{Head: append([]string{"Adviser"}, CaseloadCols...)}
	t.Head[2] = "New in " + c.NewMonth
	for i, a := range c.Advisers {
		t.Rows = append(t.Rows, []string{a, CellText(c.Open.Cells[i][0], threshold), CellText(c.New.Cells[i][0], threshold), CellText(c.Ended.Cells[i][0], threshold)})
	}
	t.Rows = append(t.Rows, []string{"Total", CellText(c.Open.Total, threshold), CellText(c.New.Total, threshold), CellText(c.Ended.Total, threshold)})
	return t
}

// Table is the time to closure as shown: one row per month and a totals row.
func (c Closure) Table(threshold int) TextTable {
	t := TextTable{Head: []string{"Month closed", "Cases closed", "Median days", "90th percentile days"}}
	for i, m := range c.Grid.Rows {
		t.Rows = append(t.Rows, []string{m, CellText(c.Grid.Cells[i][0], threshold), c.Median[i], c.P90[i]})
	}
	n := len(c.Grid.Rows)
	t.Rows = append(t.Rows, []string{"Total", CellText(c.Grid.Total, threshold), c.Median[n], c.P90[n]})
	return t
}
