package reports

import (
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/web"
)

type caseloadPage struct {
	Query             query
	Threshold         int
	Caseload, Closure TextTable
	LoadChart         Chart
	ClosureChart      Chart
	Export            string // without its table=
	Last              string
}

func (h *handlers) caseload(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(r.URL.Query())
	f.Values.Del("by")
	ctx := r.Context()
	th, err := Threshold(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	load, err := h.keep.CountCaseload(ctx, h.srv.DB, q.Only, q.From, q.To, th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	cl, err := h.keep.CountClosure(ctx, h.srv.DB, q.Only, q.From, q.To, th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	ev := q.values()
	h.srv.Render(w, r, status, "reports/caseload.html", web.Page{
		Title: "Caseload and closures",
		Form:  f,
		Data: caseloadPage{Query: q, Threshold: th, Caseload: load.Table(th), Closure: cl.Table(th),
			LoadChart:    ColumnChart("Cases open at the end of the range, by adviser, "+q.Heading(), load.Open, th),
			ClosureChart: ColumnChart("Cases closed, by month, "+q.Heading(), cl.Grid, th),
			Export:       "/reports/caseload/export.csv?" + ev.Encode(),
			Last:         q.To.AddDate(0, 0, -1).Format("2 January 2006")},
	})
}

func (h *handlers) caseloadExport(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(r.URL.Query())
	th, ok := h.exportThreshold(w, r, f)
	if !ok {
		return
	}
	ctx := r.Context()
	var t TextTable
	which := "caseload"
	if r.URL.Query().Get("table") == "closure" {
		which = "closure"
		cl, err := h.keep.CountClosure(ctx, h.srv.DB, q.Only, q.From, q.To, th)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		t = cl.Table(th)
	} else {
		load, err := h.keep.CountCaseload(ctx, h.srv.DB, q.Only, q.From, q.To, th)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		t = load.Table(th)
	}
	name := fmt.Sprintf("psu-%s-%s.csv", which, q.fileRange())
	csvHeaders(w, name)
	_ = WriteTextCSV(w, t)
}
