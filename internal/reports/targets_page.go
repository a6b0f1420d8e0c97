package reports

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/web"
)

type targetQuery struct {
	query
	Target Target
	Per    Per
}

func (h *handlers) parseTarget(v url.Values) (targetQuery, *web.Form) {
	q, f := h.parse(v)
	f.Values.Del("by")
	tq := targetQuery{query: q, Target: TargetBySlug(f.Get("target")), Per: PerBySlug(f.Get("per"))}
	f.Values.Set("target", tq.Target.Slug)
	f.Values.Set("per", tq.Per.Slug)
	return tq, f
}

func (q targetQuery) values() url.Values {
	v := q.query.values()
	v.Set("target", q.Target.Slug)
	v.Set("per", q.Per.Slug)
	return v
}

type targetPage struct {
	Targets   []Target
	Pers      []Per
	Query     targetQuery
	Table     TargetTable
	Threshold int
	Chart     Chart
	Export    string
	Last      string
}

func (h *handlers) targets(w http.ResponseWriter, r *http.Request) {
	q, f := h.parseTarget(r.URL.Query())
	ctx := r.Context()
	th, err := Threshold(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	t, err := h.keep.CountTarget(ctx, h.srv.DB, q.Target, q.Per, q.Only, q.From, q.To, h.now().UTC(), th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	h.srv.Render(w, r, status, "reports/targets.html", web.Page{
		Title: "Targets",
		Form:  f,
		Data: targetPage{Targets: Targets, Pers: Pers, Query: q, Table: t, Threshold: th,
			Chart:  ShareChart(q.Target.Label+": share met by "+lower(q.Per.Label)+", "+q.Heading(), t),
			Export: "/reports/targets/export.csv?" + q.values().Encode(),
			Last:   q.To.AddDate(0, 0, -1).Format("2 January 2006")},
	})
}

func lower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

func (h *handlers) targetsExport(w http.ResponseWriter, r *http.Request) {
	q, f := h.parseTarget(r.URL.Query())
	th, ok := h.exportThreshold(w, r, f)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := h.keep.CountTarget(ctx, h.srv.DB, q.Target, q.Per, q.Only, q.From, q.To, h.now().UTC(), th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	name := fmt.Sprintf("psu-target-%s-by-%s-%s.csv", q.Target.Slug, q.Per.Slug, q.fileRange())
	csvHeaders(w, name)
	_ = WriteTargetCSV(w, t, th)
}
