// Package reports shows leads and administrators how the unit is doing
// without exposing anyone: every count that reaches a page, a chart or an
// export goes through the small-number rule in this file first.
package reports

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
// Secondary: no hidden entry may be worked out from the entries shown,
// by subtraction along rows, columns and totals, however chained (below).
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

	// Secondary: play the part of someone working cells out. A line (its
	// entries and its total, all as one equation) with exactly one entry
	// still unknown gives that entry away; what it gives away is known for
	// the next line. While any hidden entry can be worked out, hide one
	// more shown entry of the first line that gives one away: its smallest
	// non-zero cell, else its total, else a zero cell. Each round hides one
	// more entry of a finite table, so it ends; a line with nothing left to
	// hide (its entries were worked out elsewhere) falls back to hiding
	// every total.
	for {
		learnt := map[*Cell]bool{}
		known := func(c *Cell) bool { return !c.Hidden || learnt[c] }
		var giving []line
		for progress := true; progress; {
			progress = false
			for _, l := range lines {
				var unknown []*Cell
				for _, c := range append(l.cells[:len(l.cells):len(l.cells)], l.total) {
					if !known(c) {
						unknown = append(unknown, c)
					}
				}
				if len(unknown) == 1 {
					learnt[unknown[0]] = true
					giving = append(giving, l)
					progress = true
				}
			}
		}
		if len(giving) == 0 {
			break
		}
		hid := false
		for _, l := range giving {
			if c := toHide(l.cells, l.total); c != nil {
				c.Hidden = true
				hid = true
				break
			}
		}
		if !hid {
			for i := range g.RowTotals {
				g.RowTotals[i].Hidden = true
			}
			for j := range g.ColTotals {
				g.ColTotals[j].Hidden = true
			}
			g.Total.Hidden = true
			break
		}
	}
	return g
}

// toHide picks the shown entry of a line to hide next: its smallest
// non-zero cell, else its total, else a zero cell; nil when all are hidden.
func toHide(cells []*Cell, total *Cell) *Cell {
	var best, zero *Cell
	for _, c := range cells {
		switch {
		case c.Hidden:
		case c.Value == 0:
			if zero == nil {
				zero = c
			}
		case best == nil || c.Value < best.Value:
			best = c
		}
	}
	if best != nil {
		return best
	}
	if !total.Hidden {
		return total
	}
	return zero
}
