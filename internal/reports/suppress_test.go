package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// recoverable reports whether any small hidden count of g can be worked out
// from the entries shown (see learnable).
func recoverable(t *testing.T, g Grid) bool {
	t.Helper()
	for _, c := range learnable(g, nil) {
		if c.Value > 0 && c.Value < DefaultThreshold {
			return true
		}
	}
	return false
}

func TestSuppressHandCounted(t *testing.T) {
	// Professions by region, counted by hand:
	//             London  KSS
	//   Doctor       12     3   -> 3 is under 5: hidden; London 12 hidden too
	//   Nurse         7     6      (secondary, row Doctor), and then column
	//   Pharmacist    0     9      London needs a second hidden cell: Nurse 7.
	rows := []string{"Doctor", "Nurse", "Pharmacist"}
	cols := []string{"London", "KSS"}
	counts := [][]int{{12, 3}, {7, 6}, {0, 9}}
	g := Suppress(rows, cols, counts, 5)
	if !g.Cells[0][1].Hidden {
		t.Fatal("a count of 3 is shown")
	}
	if g.Total.Value != 37 || g.Total.Hidden {
		t.Fatalf("grand total %+v, want 37 shown", g.Total)
	}
	if g.RowTotals[0].Value != 15 || g.ColTotals[1].Value != 18 {
		t.Fatalf("totals %+v %+v", g.RowTotals, g.ColTotals)
	}
	if recoverable(t, g) {
		t.Fatalf("a hidden count can be worked out from the totals: %+v", g)
	}
}

func TestSuppressWithoutSecondaryIsRecoverable(t *testing.T) {
	// The attack the rule defends against: with only primary suppression,
	// Doctor/KSS = 15 - 12.
	g := Suppress([]string{"Doctor", "Nurse"}, []string{"London", "KSS"}, [][]int{{12, 3}, {7, 6}}, 5)
	prim := g
	prim.Cells = [][]Cell{{{12, false}, {3, true}}, {{7, false}, {6, false}}}
	prim.RowTotals = []Cell{{15, false}, {13, false}}
	prim.ColTotals = []Cell{{19, false}, {9, false}}
	prim.Total = Cell{28, false}
	if !recoverable(t, prim) {
		t.Fatal("the checker cannot find a cell left open by primary suppression alone")
	}
	if recoverable(t, g) {
		t.Fatalf("Suppress leaves a cell recoverable: %+v", g)
	}
}

func TestSuppressOneLineAndSmallTotals(t *testing.T) {
	// A single column: a small cell's row total is the same number.
	g := Suppress([]string{"Closed", "Withdrawn", "Not eligible"}, []string{"Cases"}, [][]int{{20}, {2}, {0}}, 5)
	if !g.Cells[1][0].Hidden || !g.RowTotals[1].Hidden {
		t.Fatalf("withdrawn 2 shown: %+v %+v", g.Cells[1][0], g.RowTotals[1])
	}
	if recoverable(t, g) {
		t.Fatalf("recoverable: %+v", g)
	}
	// The threshold never drops below 3.
	g = Suppress([]string{"A"}, []string{"n"}, [][]int{{2}}, 1)
	if !g.Cells[0][0].Hidden {
		t.Fatal("threshold 1 was honoured below the floor of 3")
	}
}

func TestCSVParsesAndNeutralises(t *testing.T) {
	g := Suppress([]string{"=HYPERLINK(\"x\")", "Nurse, adult", "-1"}, []string{"@London", "KSS"},
		[][]int{{12, 3}, {7, 6}, {5, 5}}, 5)
	var b bytes.Buffer
	if err := WriteCSV(&b, "+Programme", g, 5); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	if !strings.HasPrefix(raw, "\uFEFF") {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records", len(recs))
	}
	for _, rec := range recs {
		for _, f := range rec {
			if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
				t.Errorf("cell %q can run as a formula", f)
			}
		}
	}
	if recs[1][0] != "'=HYPERLINK(\"x\")" || recs[2][0] != "Nurse, adult" || recs[1][2] != "fewer than 5" {
		t.Errorf("records %q", recs)
	}
	if strings.Contains(strings.Join(recs[1], "|"), "|3|") {
		t.Error("the hidden count 3 is in the export")
	}
}

// TestSuppressNeverRecoverable tries many small tables, dense with small
// counts and zeros, and works every one over as an attacker would.
func TestSuppressNeverRecoverable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := range 5000 {
		nr, nc := 1+r.IntN(5), 1+r.IntN(5)
		rows, cols := make([]string, nr), make([]string, nc)
		counts := make([][]int, nr)
		for i := range counts {
			rows[i] = fmt.Sprint("r", i)
			counts[i] = make([]int, nc)
			for j := range counts[i] {
				counts[i][j] = []int{0, 1, 2, 4, 5, 7, 12, 30}[r.IntN(8)]
			}
		}
		for j := range cols {
			cols[j] = fmt.Sprint("c", j)
		}
		g := Suppress(rows, cols, counts, DefaultThreshold)
		for i := range counts {
			for j, v := range counts[i] {
				if v > 0 && v < DefaultThreshold && !g.Cells[i][j].Hidden {
					t.Fatalf("table %d: %d shown", k, v)
				}
			}
		}
		if recoverable(t, g) {
			t.Fatalf("table %d %v: a hidden count can be worked out: %+v", k, counts, g)
		}
	}
}

// learnable works over whole and its slices as someone who sees all of
// them would: each table's rows, columns and totals, and each entry of
// whole as the sum of that entry in every slice. It returns the hidden
// entries they can work out.
func learnable(whole Grid, slices []Grid) []*Cell {
	grids := []*Grid{&whole}
	for i := range slices {
		grids = append(grids, &slices[i])
	}
	var lines [][]*Cell // last element is the total
	for _, g := range grids {
		for i := range g.Rows {
			var l []*Cell
			for j := range g.Cols {
				l = append(l, &g.Cells[i][j])
			}
			lines = append(lines, append(l, &g.RowTotals[i]))
		}
		for j := range g.Cols {
			var l []*Cell
			for i := range g.Rows {
				l = append(l, &g.Cells[i][j])
			}
			lines = append(lines, append(l, &g.ColTotals[j]))
		}
		var rt, ct []*Cell
		for i := range g.RowTotals {
			rt = append(rt, &g.RowTotals[i])
		}
		for j := range g.ColTotals {
			ct = append(ct, &g.ColTotals[j])
		}
		lines = append(lines, append(rt, &g.Total), append(ct, &g.Total))
	}
	across := func(pick func(g *Grid) *Cell) {
		if len(slices) == 0 {
			return
		}
		var l []*Cell
		for _, g := range grids[1:] {
			l = append(l, pick(g))
		}
		lines = append(lines, append(l, pick(grids[0])))
	}
	for i := range whole.Rows {
		for j := range whole.Cols {
			across(func(g *Grid) *Cell { return &g.Cells[i][j] })
		}
		across(func(g *Grid) *Cell { return &g.RowTotals[i] })
	}
	for j := range whole.Cols {
		across(func(g *Grid) *Cell { return &g.ColTotals[j] })
	}
	across(func(g *Grid) *Cell { return &g.Total })
	learnt := map[*Cell]bool{}
	var out []*Cell
	for progress := true; progress; {
		progress = false
		for _, l := range lines {
			var unknown []*Cell
			for _, c := range l {
				if c.Hidden && !learnt[c] {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) == 1 {
				learnt[unknown[0]] = true
				out = append(out, unknown[0])
				progress = true
			}
		}
	}
	return out
}

// The attack narrowed reports invite, counted by hand: in January 20
// trainees applied from London; narrowed to each profession, doctors 12,
// nurses 5, dentists 3. Each table alone is safe (3 is hidden), but 20 -
// 12 - 5 gives the dentists away unless a second profession's count is
// hidden too.
func TestSuppressSlicesHandCounted(t *testing.T) {
	rows, cols := []string{"London"}, []string{"Jan", "Feb"}
	parts := [][][]int{{{12, 10}}, {{5, 10}}, {{3, 10}}} // doctors, nurses, dentists
	whole := Suppress(rows, cols, [][]int{{20, 30}}, DefaultThreshold)
	if whole.Cells[0][0].Hidden {
		t.Fatalf("whole: 20 hidden: %+v", whole)
	}
	gs := SuppressSlices(whole, parts, DefaultThreshold)
	if !gs[2].Cells[0][0].Hidden {
		t.Fatalf("dentists' 3 shown: %+v", gs[2])
	}
	if !gs[0].Cells[0][0].Hidden && !gs[1].Cells[0][0].Hidden {
		t.Fatalf("doctors' 12 and nurses' 5 both shown: the dentists' 3 is 20 - 12 - 5: %+v", gs)
	}
	if got := learnable(whole, gs); len(got) > 0 {
		t.Fatalf("%d hidden counts can be worked out", len(got))
	}
	// Without the tables suppressed together, it can.
	var alone []Grid
	for _, p := range parts {
		alone = append(alone, Suppress(rows, cols, p, DefaultThreshold))
	}
	if len(learnable(whole, alone)) == 0 {
		t.Fatal("the attack does not work on tables suppressed alone: the test tests nothing")
	}
}

// TestSuppressSlicesNeverRecoverable tries many small tables split two to
// four ways and works each set over as an attacker who sees every one.
func TestSuppressSlicesNeverRecoverable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for k := range 2000 {
		nr, nc, ns := 1+r.IntN(4), 1+r.IntN(4), 2+r.IntN(3)
		rows, cols := make([]string, nr), make([]string, nc)
		for i := range rows {
			rows[i] = fmt.Sprint("r", i)
		}
		for j := range cols {
			cols[j] = fmt.Sprint("c", j)
		}
		sum := make([][]int, nr)
		for i := range sum {
			sum[i] = make([]int, nc)
		}
		parts := make([][][]int, ns)
		for s := range parts {
			parts[s] = make([][]int, nr)
			for i := range parts[s] {
				parts[s][i] = make([]int, nc)
				for j := range parts[s][i] {
					v := []int{0, 0, 1, 2, 4, 5, 7, 12}[r.IntN(8)]
					parts[s][i][j] = v
					sum[i][j] += v
				}
			}
		}
		whole := Suppress(rows, cols, sum, DefaultThreshold)
		gs := SuppressSlices(whole, parts, DefaultThreshold)
		for s := range gs {
			for i := range rows {
				for j, v := range parts[s][i] {
					if v > 0 && v < DefaultThreshold && !gs[s].Cells[i][j].Hidden {
						t.Fatalf("set %d: %d shown", k, v)
					}
				}
			}
		}
		if got := learnable(whole, gs); len(got) > 0 {
			t.Fatalf("set %d %v: %d hidden counts can be worked out", k, parts, len(got))
		}
	}
}
