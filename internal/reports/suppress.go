// Package reports shows leads and administrators how the unit is doing
// without exposing anyone: every count that reaches a page, a chart or an
// export goes through the small-number rule in this file first.
package reports

import "sort"

// MinThreshold is the lowest suppression threshold the unit may set;
// DefaultThreshold is the one it starts with.
const (
	MinThreshold     = 3
	DefaultThreshold = 5
)

// ClampThreshold returns t raised to MinThreshold when it is lower.
func ClampThreshold(t int) int {
	if t < MinThreshold {
		return MinThreshold
	}
	return t
}

// Cell is one count as it may be shown: Hidden means the page says "fewer
// than N" (or, for a cell hidden only to protect another, "not shown").
type Cell struct {
	Value  int
	Hidden bool
}

// Grid is a table of counts with its row totals, column totals and grand
// total, after suppression.
type Grid struct {
	Rows, Cols []string
	Cells      [][]Cell
	RowTotals  []Cell
	ColTotals  []Cell
	Total      Cell
}

// Suppress applies the small-number rule to counts (rows × cols).
//
// Primary: any count from 1 to threshold-1, cell or total, is hidden (a
// zero is shown: it discloses no one).
// Secondary: a row or column whose total is shown and which has exactly one
// hidden entry would let that entry be worked out by subtraction, so a
// second entry is hidden — the smallest other non-zero cell, or, when
// there is none, the line's total. Hiding one cell can expose a cell in a
// crossing line, so the pass repeats until nothing changes; it ends
// because every pass hides at least one more entry of a finite table.
func Suppress(rows, cols []string, counts [][]int, threshold int) Grid {
	threshold = ClampThreshold(threshold)
	small := func(v int) bool { return v > 0 && v < threshold }
	g := Grid{Rows: rows, Cols: cols}
	g.Cells = make([][]Cell, len(rows))
	g.RowTotals = make([]Cell, len(rows))
	g.ColTotals = make([]Cell, len(cols))
	for i := range rows {
		g.Cells[i] = make([]Cell, len(cols))
		for j := range cols {
			v := counts[i][j]
			g.Cells[i][j] = Cell{Value: v, Hidden: small(v)}
			g.RowTotals[i].Value += v
			g.ColTotals[j].Value += v
			g.Total.Value += v
		}
	}
	for i := range g.RowTotals {
		g.RowTotals[i].Hidden = small(g.RowTotals[i].Value)
	}
	for j := range g.ColTotals {
		g.ColTotals[j].Hidden = small(g.ColTotals[j].Value)
	}
	g.Total.Hidden = small(g.Total.Value)

	// line is a row or column with its total; the grand total is the total
	// of the line of row totals and of the line of column totals.
	type line struct {
		cells []*Cell
		total *Cell
	}
	var lines []line
	for i := range rows {
		l := line{total: &g.RowTotals[i]}
		for j := range cols {
			l.cells = append(l.cells, &g.Cells[i][j])
		}
		lines = append(lines, l)
	}
	for j := range cols {
		l := line{total: &g.ColTotals[j]}
		for i := range rows {
			l.cells = append(l.cells, &g.Cells[i][j])
		}
		lines = append(lines, l)
	}
	rt := line{total: &g.Total}
	for i := range g.RowTotals {
		rt.cells = append(rt.cells, &g.RowTotals[i])
	}
	ct := line{total: &g.Total}
	for j := range g.ColTotals {
		ct.cells = append(ct.cells, &g.ColTotals[j])
	}
	lines = append(lines, rt, ct)

	for changed := true; changed; {
		changed = false
		for _, l := range lines {
			if l.total.Hidden {
				continue
			}
			hidden := 0
			var open []*Cell
			for _, c := range l.cells {
				if c.Hidden {
					hidden++
				} else if c.Value > 0 {
					open = append(open, c)
				}
			}
			if hidden != 1 {
				continue
			}
			if len(open) == 0 {
				l.total.Hidden = true
			} else {
				sort.SliceStable(open, func(a, b int) bool { return open[a].Value < open[b].Value })
				open[0].Hidden = true
			}
			changed = true
		}
	}
	return g
}
