package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// Any title, labels and counts make an export that a CSV reader takes as
// one heading, one line per label and a totals line, each as wide as the
// table; no cell, however the labels were typed, starts with what a
// spreadsheet would run as a formula; and no suppressed count is written.
func FuzzWriteCSV(f *testing.F) {
	f.Add("Profession", "doctor|=HYPERLINK(\"x\")|+1|nurse", "2024-01|-2", []byte{1, 7, 0, 12, 3, 40, 2, 9}, 5)
	f.Add("@title", "\tTab|\rReturn|a\"b,c\nd", "Jan", []byte{9, 9, 9}, 3)
	f.Fuzz(func(t *testing.T, title, rowLabels, colLabels string, raw []byte, threshold int) {
		rows, cols := strings.Split(rowLabels, "|"), strings.Split(colLabels, "|")
		if len(rows) > 20 || len(cols) > 20 {
			return
		}
		counts := make([][]int, len(rows))
		for i := range rows {
			counts[i] = make([]int, len(cols))
			for j := range cols {
				if k := i*len(cols) + j; k < len(raw) {
					counts[i][j] = int(raw[k])
				}
			}
		}
		g := Suppress(rows, cols, counts, threshold)
		var b bytes.Buffer
		if err := WriteCSV(&b, title, g, threshold); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte(bom)) {
			t.Fatal("no byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(b.Bytes()[len(bom):]))
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the export does not read back: %v\n%q", err, b.String())
		}
		if len(recs) != len(rows)+2 {
			t.Fatalf("%d lines for %d labels", len(recs), len(rows))
		}
		hidden := map[string]bool{}
		for i := range g.Cells {
			for j, c := range g.Cells[i] {
				if c.Hidden {
					hidden[recs[i+1][j+1]] = true
				}
			}
		}
		for n, rec := range recs {
			if len(rec) != len(cols)+2 {
				t.Fatalf("line %d has %d cells, want %d", n+1, len(rec), len(cols)+2)
			}
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Fatalf("line %d: a cell starts as a formula: %q", n+1, cell)
				}
			}
		}
		for h := range hidden {
			if !strings.HasPrefix(h, "fewer than ") && h != "not shown" {
				t.Fatalf("a suppressed cell is written as %q", h)
			}
		}
	})
}
