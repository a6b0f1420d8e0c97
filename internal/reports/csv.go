package reports

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/web"
)

// bom starts every export so spreadsheet programs read it as UTF-8.
const bom = "\uFEFF"

// Neutralise returns s made safe to open in a spreadsheet: a cell starting
// with = + - @, a tab or a carriage return could be run as a formula, so it
// gets a leading apostrophe, which spreadsheets show as text.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// CellText is how a cell reads on the page and in an export.
func CellText(c Cell, threshold int) string {
	if c.Hidden {
		if c.Value > 0 && c.Value < ClampThreshold(threshold) {
			return "fewer than " + strconv.Itoa(ClampThreshold(threshold))
		}
		return "not shown"
	}
	return strconv.Itoa(c.Value)
}

// WriteCSV writes g, already suppressed, as CSV with a BOM, a heading row,
// one row per line with its total, and a totals row. Every label is
// neutralised; a hidden cell carries its words, never its number.
func WriteCSV(w io.Writer, title string, g Grid, threshold int) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{Neutralise(title)}
	for _, c := range g.Cols {
		head = append(head, Neutralise(c))
	}
	head = append(head, "Total")
	if err := cw.Write(head); err != nil {
		return err
	}
	for i, r := range g.Rows {
		rec := []string{Neutralise(r)}
		for _, c := range g.Cells[i] {
			rec = append(rec, CellText(c, threshold))
		}
		rec = append(rec, CellText(g.RowTotals[i], threshold))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	rec := []string{"Total"}
	for _, c := range g.ColTotals {
		rec = append(rec, CellText(c, threshold))
	}
	rec = append(rec, CellText(g.Total, threshold))
	if err := cw.Write(rec); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Text is CellText, for templates.
func (c Cell) Text(threshold int) string { return CellText(c, threshold) }

// WriteTargetCSV writes t, already suppressed, as CSV with a BOM: one row
// per month or adviser and a totals row, each with the counts met and not
// met, their total, the share met and the median and 90th percentile days.
func WriteTargetCSV(w io.Writer, t TargetTable, threshold int) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{Neutralise(t.Per.Label), ColMet, ColNotMet, "Total", "Share met", "Median days", "90th percentile days"}); err != nil {
		return err
	}
	line := func(label string, met, notMet, total Cell, i int) error {
		return cw.Write([]string{Neutralise(label), CellText(met, threshold), CellText(notMet, threshold), CellText(total, threshold),
			t.Share[i], t.Median[i], t.P90[i]})
	}
	g := t.Grid
	for i, r := range g.Rows {
		if err := line(r, g.Cells[i][0], g.Cells[i][1], g.RowTotals[i], i); err != nil {
			return err
		}
	}
	if err := line("Total", g.ColTotals[0], g.ColTotals[1], g.Total, len(g.Rows)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteTextCSV writes t as CSV with a BOM, every cell neutralised.
func WriteTextCSV(w io.Writer, t TextTable) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, rec := range append([][]string{t.Head}, t.Rows...) {
		out := make([]string, len(rec))
		for i, s := range rec {
			out[i] = Neutralise(s)
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvHeaders starts a CSV download named name: never cached, since even
// suppressed figures are the unit's own.
func csvHeaders(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// exportThreshold answers a download whose choices f did not read (400),
// and otherwise gives the threshold every figure in it is held to.
func (h *handlers) exportThreshold(w http.ResponseWriter, r *http.Request, f *web.Form) (int, bool) {
	if !f.Valid() {
		h.srv.Error(w, r, http.StatusBadRequest)
		return 0, false
	}
	th, err := Threshold(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return 0, false
	}
	return th, true
}
