package reports

import "fmt"

// Chart is a horizontal bar chart drawn on the server: one bar per row of
// a grid, its length the row's total. A hidden total draws no bar and says
// so in words; every bar carries its number as text, so nothing is told by
// colour alone.
type Chart struct {
	Title, Desc   string
	Width, Height int
	Bars          []Bar
}

// Bar is one row of the chart, in SVG units.
type Bar struct {
	Label, Text   string
	Y, Width      int
	TextX, LabelY int
}

const (
	chartLabelW = 260
	chartBarW   = 300
	chartRowH   = 28
)

// BarChart draws g's row totals.
func BarChart(title string, g Grid, threshold int) Chart {
	c := Chart{Title: title, Width: chartLabelW + chartBarW + 120, Height: chartRowH*len(g.Rows) + 8}
	max := 0
	for _, t := range g.RowTotals {
		if !t.Hidden && t.Value > max {
			max = t.Value
		}
	}
	c.Desc = "Each bar is one row of the table beside it; its length is the row's total."
	if len(g.Rows) == 0 {
		c.Desc = "No cases in this range."
	}
	for i, r := range g.Rows {
		t := g.RowTotals[i]
		b := Bar{Label: r, Text: CellText(t, threshold), Y: 4 + i*chartRowH, LabelY: 4 + i*chartRowH + 17}
		if !t.Hidden && max > 0 {
			b.Width = t.Value * chartBarW / max
		}
		b.TextX = chartLabelW + b.Width + 6
		c.Bars = append(c.Bars, b)
	}
	return c
}

// ShareChart draws each row's share met of t as a bar out of 100%; a share
// held back draws no bar and says "not shown".
func ShareChart(title string, t TargetTable) Chart {
	c := Chart{Title: title, Width: chartLabelW + chartBarW + 120, Height: chartRowH*len(t.Grid.Rows) + 8,
		Desc: "Each bar is one row of the table beside it; its length is the share of cases that met the target, out of 100%."}
	for i, r := range t.Grid.Rows {
		b := Bar{Label: r, Text: t.Share[i], Y: 4 + i*chartRowH, LabelY: 4 + i*chartRowH + 17}
		if s := t.Share[i]; s != NotShown {
			var pct int
			if _, err := fmt.Sscanf(s, "%d%%", &pct); err == nil {
				b.Width = pct * chartBarW / 100
			}
		}
		b.TextX = chartLabelW + b.Width + 6
		c.Bars = append(c.Bars, b)
	}
	return c
}

// ColumnChart draws one column of a suppressed grid (its first), a bar per
// row; a hidden count draws no bar and says so in words.
func ColumnChart(title string, g Grid, threshold int) Chart {
	c := Chart{Title: title, Width: chartLabelW + chartBarW + 120, Height: chartRowH*len(g.Rows) + 8,
		Desc: "Each bar is one row of the table beside it; its length is the number in the table."}
	max := 0
	for i := range g.Rows {
		if v := g.Cells[i][0]; !v.Hidden && v.Value > max {
			max = v.Value
		}
	}
	for i, r := range g.Rows {
		v := g.Cells[i][0]
		b := Bar{Label: r, Text: CellText(v, threshold), Y: 4 + i*chartRowH, LabelY: 4 + i*chartRowH + 17}
		if !v.Hidden && max > 0 {
			b.Width = v.Value * chartBarW / max
		}
		b.TextX = chartLabelW + b.Width + 6
		c.Bars = append(c.Bars, b)
	}
	return c
}
