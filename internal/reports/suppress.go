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
	g := primary(rows, cols, counts, threshold)
	lines := gridLines(&g)
	if !workOut(lines, nil) {
		// A line with nothing left to hide (its entries were worked out
		// elsewhere): hide every total.
		for i := range g.RowTotals {
			g.RowTotals[i].Hidden = true
		}
		for j := range g.ColTotals {
			g.ColTotals[j].Hidden = true
		}
		g.Total.Hidden = true
	}
	return g
}

// line is one equation someone could work cells out from: its cells add
// up to its total.
type line struct {
	cells []*Cell
	total *Cell
}

// gridLines are g's equations: each row and column with its total; the
// grand total is the total of the line of row totals and of the line of
// column totals.
func gridLines(g *Grid) []line {
	var lines []line
	for i := range g.Rows {
		l := line{total: &g.RowTotals[i]}
		for j := range g.Cols {
			l.cells = append(l.cells, &g.Cells[i][j])
		}
		lines = append(lines, l)
	}
	for j := range g.Cols {
		l := line{total: &g.ColTotals[j]}
		for i := range g.Rows {
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
	return append(lines, rt, ct)
}

// workOut is the secondary rule over lines: it plays the part of someone
// working cells out. A line (its entries and its total, all as one
// equation) with exactly one entry still unknown gives that entry away;
// what it gives away is known for the next line. While any hidden entry can
// be worked out, it hides one more shown entry of the first line that gives
// one away and has one it may hide (not settled: shown or hidden elsewhere
// and so not this table's to change): its smallest non-zero cell, else its
// total, else a zero cell. Each round hides one more entry of a finite
// table, so it ends; it returns false, having stopped, when no line that
// gives an entry away has anything left to hide.
func workOut(lines []line, settled map[*Cell]bool) bool {
	for {
		learnt := map[*Cell]bool{}
		known := func(c *Cell) bool { return !c.Hidden || learnt[c] }
		var giving []line
		for progress := true; progress; {
			progress = false
			for _, l := range lines {
				var unknown *Cell
				count := 0
				for _, c := range l.cells {
					if !known(c) {
						unknown = c
						count++
					}
				}
				if !known(l.total) {
					unknown = l.total
					count++
				}
				if count == 1 {
					learnt[unknown] = true
					giving = append(giving, l)
					progress = true
				}
			}
		}
		if len(giving) == 0 {
			return true
		}
		hid := false
		for _, l := range giving {
			if c := toHide(l.cells, l.total, settled); c != nil {
				c.Hidden = true
				hid = true
				break
			}
		}
		if !hid {
			return false
		}
	}
}

// primary applies the small-number rule's primary part to counts.
func primary(rows, cols []string, counts [][]int, threshold int) Grid {
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

	return g
}

// toHide picks the shown entry of a line to hide next: its smallest
// non-zero cell, else its total, else a zero cell; nil when all are hidden
// or settled.
func toHide(cells []*Cell, total *Cell, settled map[*Cell]bool) *Cell {
	var best, zero *Cell
	for _, c := range cells {
		switch {
		case c.Hidden, settled[c]:
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
	if !total.Hidden && !settled[total] {
		return total
	}
	return zero
}

// SuppressSlices applies the small-number rule to a table split one more
// way (each profession's own table, say), where whole is the table unsplit
// as suppressed and shown on its own and slices are the counts of each
// part, each the shape of whole, adding up to it cell by cell.
//
// Someone who can see whole and every slice has more equations than any
// one table gives: each cell of whole is the sum of that cell in every
// slice. So the slices are suppressed together: primary as Suppress does,
// then the secondary rule over the lines of every slice and the lines
// across them, hiding only in the slices (whole is already shown as it
// is). If that cannot finish, every count of every slice is hidden.
func SuppressSlices(whole Grid, slices [][][]int, threshold int) []Grid {
	gs := make([]Grid, len(slices))
	var lines []line
	for s, counts := range slices {
		gs[s] = primary(whole.Rows, whole.Cols, counts, threshold)
		lines = append(lines, gridLines(&gs[s])...)
	}
	settled := map[*Cell]bool{}
	across := func(total *Cell, cell func(g *Grid) *Cell) {
		settled[total] = true
		l := line{total: total}
		for s := range gs {
			l.cells = append(l.cells, cell(&gs[s]))
		}
		lines = append(lines, l)
	}
	for i := range whole.Rows {
		for j := range whole.Cols {
			across(&whole.Cells[i][j], func(g *Grid) *Cell { return &g.Cells[i][j] })
		}
		across(&whole.RowTotals[i], func(g *Grid) *Cell { return &g.RowTotals[i] })
	}
	for j := range whole.Cols {
		across(&whole.ColTotals[j], func(g *Grid) *Cell { return &g.ColTotals[j] })
	}
	across(&whole.Total, func(g *Grid) *Cell { return &g.Total })
	if !workOut(lines, settled) {
		for s := range gs {
			g := &gs[s]
			for i := range g.Rows {
				for j := range g.Cols {
					g.Cells[i][j].Hidden = true
				}
				g.RowTotals[i].Hidden = true
			}
			for j := range g.Cols {
				g.ColTotals[j].Hidden = true
			}
			g.Total.Hidden = true
		}
	}
	return gs
}
