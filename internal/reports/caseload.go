package reports

import (
	"context"
	"database/sql"
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

// Caseload's kinds: each adviser's cases by the month they opened (merged
// cases aside), and those that ended by the month they ended.
var (
	caseloadOpened = kind{name: "caseload:opened", args: rangeArgs, sql: func(e store.Engine, by string) string {
		return `SELECT ` + month(e, "c.opened_at") + `, COALESCE(c.assigned_to, ''), ` + narrow(by, "c.profession", "c.region") + `, 0,
			CAST(NULL AS INTEGER), CAST(NULL AS DOUBLE PRECISION), COUNT(*)
			FROM cases c WHERE c.status <> 'merged' AND c.opened_at >= ? AND c.opened_at < ? GROUP BY 1, 2, 3, 4`
	}}
	caseloadEnded = kind{name: "caseload:ended", args: rangeArgs, sql: func(e store.Engine, by string) string {
		return `SELECT ` + month(e, endedAt) + `, COALESCE(c.assigned_to, ''), ` + narrow(by, "c.profession", "c.region") + `, 0,
			CAST(NULL AS INTEGER), CAST(NULL AS DOUBLE PRECISION), COUNT(*)
			FROM cases c WHERE ` + ended + ` AND ` + endedAt + ` >= ? AND ` + endedAt + ` < ? GROUP BY 1, 2, 3, 4`
	}}
)

// CountCaseload counts each adviser's caseload over [from, to), of the
// cases fl selects. The cases open at the end are those opened before it
// less those ended before it, so every month since the first case counts.
func (k *Keeper) CountCaseload(ctx context.Context, q store.Querier, fl Filter, from, to time.Time, threshold int) (Caseload, error) {
	ms := Months(from, to)
	last := ms[len(ms)-1]
	if last.Before(from) {
		last = from
	}
	staff, err := staffNames(ctx, q)
	if err != nil {
		return Caseload{}, err
	}
	// The cases opened and those ended are read from one state of the
	// database, so a case closing meanwhile is not counted on one side only.
	var facts, endedFacts factSets
	err = q.ReadTx(ctx, func(tx *store.Tx) error {
		var first sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT `+month(tx.Engine(), "MIN(c.opened_at)")+` FROM cases c`).Scan(&first); err != nil {
			return fmt.Errorf("reports: caseload: %w", err)
		}
		start := from
		if t, err := time.Parse("2006-01", first.String); err == nil && t.Before(start) {
			start = t
		}
		var err error
		if facts, err = k.facts(ctx, tx, caseloadOpened, fl.By, start, to); err != nil {
			return err
		}
		endedFacts, err = k.facts(ctx, tx, caseloadEnded, fl.By, start, to)
		return err
	})
	if err != nil {
		return Caseload{}, err
	}
	for _, s := range endedFacts {
		s.ended = true
		facts = append(facts, s)
	}
	fromMonth, lastMonth := from.Format("2006-01"), last.Format("2006-01")
	countAll := func(fs factSets) map[string][3]int {
		counts := map[string][3]int{}
		fs.each(func(s *monthSet, f *fact) {
			name := staff[f.key]
			if name == "" {
				name = NoAdviser
			}
			c := counts[name]
			switch {
			case !s.ended:
				c[0] += f.n
				if s.month == lastMonth {
					c[1] += f.n
				}
			default:
				c[0] -= f.n
				if s.month >= fromMonth {
					c[2] += f.n
				}
			}
			counts[name] = c
		})
		return counts
	}
	counts := countAll(facts)
	names := make([]string, 0, len(counts))
	for n, c := range counts {
		if n != NoAdviser && c != [3]int{} {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if c, ok := counts[NoAdviser]; ok && c != [3]int{} {
		names = append(names, NoAdviser)
	}
	// Each column is suppressed on its own with its total (the columns do
	// not add up to anything).
	col := func(k int) Grid {
		return suppressFiltered(names, CaseloadCols[k:k+1], facts, fl, threshold, func(fs factSets) [][]int {
			counts := countAll(fs)
			cs := make([][]int, len(names))
			for i, n := range names {
				cs[i] = []int{counts[n][k]}
			}
			return cs
		})
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

// closure is the time from opening to closing of cases closed, by the
// month they closed.
var closure = kind{name: "closure", args: rangeArgs, sql: func(e store.Engine, by string) string {
	return `SELECT ` + month(e, "c.closed_at") + `, '', ` + narrow(by, "c.profession", "c.region") + `, 0, ` + tenths(e, "c.opened_at", "c.closed_at") + `,
		CAST(NULL AS DOUBLE PRECISION), COUNT(*) FROM cases c
		WHERE c.closed_at IS NOT NULL AND c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?
		GROUP BY 1, 2, 3, 4, 5, 6`
}}

// CountClosure measures the cases fl selects closed in [from, to).
func (k *Keeper) CountClosure(ctx context.Context, q store.Querier, fl Filter, from, to time.Time, threshold int) (Closure, error) {
	facts, err := k.facts(ctx, q, closure, fl.By, from, to)
	if err != nil {
		return Closure{}, err
	}
	months := Months(from, to)
	var labels []string
	for _, m := range months {
		labels = append(labels, m.Format("Jan 2006"))
	}
	byMonth := func(fs factSets) (map[string]*group, *group) {
		groups := map[string]*group{}
		var all group
		fs.each(func(s *monthSet, f *fact) {
			d := float64(f.tenths) / 10
			g := groups[s.month]
			if g == nil {
				g = &group{}
				groups[s.month] = g
			}
			g.add(true, &d, f.n)
			all.add(true, &d, f.n)
		})
		return groups, &all
	}
	c := Closure{Grid: suppressFiltered(labels, []string{"Cases closed"}, facts, fl, threshold, func(fs factSets) [][]int {
		groups, _ := byMonth(fs)
		counts := make([][]int, len(months))
		for i, m := range months {
			counts[i] = []int{0}
			if g := groups[m.Format("2006-01")]; g != nil {
				counts[i][0] = g.n
			}
		}
		return counts
	})}
	groups, all := byMonth(fl.only(facts))
	th := ClampThreshold(threshold)
	figures := func(g *group, shown Cell) {
		if g == nil || shown.Hidden || g.n < th {
			c.Median, c.P90 = append(c.Median, NotShown), append(c.P90, NotShown)
			return
		}
		c.Median, c.P90 = append(c.Median, formatDays(g.days.percentile(g.n, 0.5))), append(c.P90, formatDays(g.days.percentile(g.n, 0.9)))
	}
	for i, m := range months {
		figures(groups[m.Format("2006-01")], c.Grid.Cells[i][0])
	}
	figures(all, c.Grid.Total)
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
