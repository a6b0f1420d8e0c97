package reports

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/feedback"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html templates/*.tmpl
var templates embed.FS

type handlers struct {
	srv      *web.Server
	feedback *feedback.Store
	keep     *Keeper
	now      func() time.Time
}

// Register adds /reports and its CSV exports to srv, for triage leads and
// administrators; fb gives the leads the feedback's comments.
func Register(srv *web.Server, fb *feedback.Store) error {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("reports", sub); err != nil {
		return err
	}
	h := &handlers{srv: srv, feedback: fb, keep: NewKeeper(), now: store.Now}
	srv.Router.Handle("GET /reports", web.Reports, h.show)
	srv.Router.Handle("GET /reports/export.csv", web.Reports, h.export)
	srv.Router.Handle("GET /reports/targets", web.Reports, h.targets)
	srv.Router.Handle("GET /reports/targets/export.csv", web.Reports, h.targetsExport)
	srv.Router.Handle("GET /reports/caseload", web.Reports, h.caseload)
	srv.Router.Handle("GET /reports/caseload/export.csv", web.Reports, h.caseloadExport)
	srv.Router.Handle("GET /reports/feedback", web.Reports, h.feedbackReport)
	srv.Router.Handle("GET /reports/feedback/export.csv", web.Reports, h.feedbackExport)
	srv.Router.Handle("GET /reports/threshold", web.Administrator, h.thresholdForm)
	srv.Router.Handle("POST /reports/threshold", web.Administrator, h.saveThreshold)
	return nil
}

// query is a report's choices as the URL holds them.
type query struct {
	Dim      Dimension
	From, To time.Time // To is exclusive: the day after the last day shown
	Only     Filter
}

// values are q's range and narrowing as the URL holds them.
func (q query) values() url.Values {
	v := url.Values{"from": {q.From.Format("2006-01-02")}, "to": {q.To.AddDate(0, 0, -1).Format("2006-01-02")}}
	if q.Only.Narrows() {
		v.Set("only", q.Only.By+":"+q.Only.Value)
	}
	return v
}

// FilterBys are what the report may be narrowed by, for its form.
func (query) FilterBys() []FilterBy { return FilterBys }

// fileRange is q's range and narrowing as a download's name ends.
func (q query) fileRange() string {
	s := q.From.Format("2006-01-02") + "-to-" + q.To.AddDate(0, 0, -1).Format("2006-01-02")
	if q.Only.Narrows() {
		s += "-only-" + q.Only.Value
	}
	return s
}

// Heading is the range and narrowing in words, for a report's heading.
func (q query) Heading() string {
	s := describeRange(q)
	if q.Only.Narrows() {
		s += ", only " + q.Only.Label()
	}
	return s
}

// parseOnly reads the narrowing chosen, "profession:dentist" say.
func parseOnly(f *web.Form) Filter {
	v := f.Get("only")
	if v == "" {
		return Filter{}
	}
	by, value, _ := strings.Cut(v, ":")
	for _, b := range FilterBys {
		if b.Slug != by {
			continue
		}
		for _, o := range b.Options() {
			if o.Value == value {
				return Filter{By: by, Value: value}
			}
		}
	}
	f.Fail("only", "Choose whose cases to count from the list")
	return Filter{}
}

// parse reads the report's choices from the URL into f, failing the fields
// that do not read; the report then shows the last twelve months.
func (h *handlers) parse(v url.Values) (query, *web.Form) {
	f := web.NewForm(v)
	today := h.now().UTC().Truncate(24 * time.Hour)
	q := query{Dim: DimensionBySlug(f.Get("by")), Only: parseOnly(f),
		From: time.Date(today.Year()-1, today.Month()+1, 1, 0, 0, 0, 0, time.UTC),
		To:   today.AddDate(0, 0, 1)}
	from, to := q.From, q.To
	if s := f.Get("from"); s != "" {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			f.Fail("from", "Enter the first day as a date, like 2026-04-01")
		} else {
			from = t
		}
	}
	if s := f.Get("to"); s != "" {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			f.Fail("to", "Enter the last day as a date, like 2027-03-31")
		} else {
			to = t.AddDate(0, 0, 1)
		}
	}
	switch {
	case !f.Valid():
	case !from.Before(to):
		f.Fail("to", "The last day must be on or after the first day")
	case to.Sub(from) > 3*366*24*time.Hour:
		f.Fail("to", "Choose a range of three years or less")
	default:
		q.From, q.To = from, to
	}
	// Whole months only: two ranges a day apart would otherwise give away,
	// by their difference, the few cases of that one day.
	q.From = time.Date(q.From.Year(), q.From.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := q.To.AddDate(0, 0, -1)
	q.To = time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	if !f.Valid() {
		return q, f
	}
	f.Values.Set("by", q.Dim.Slug)
	f.Values.Set("from", q.From.Format("2006-01-02"))
	f.Values.Set("to", q.To.AddDate(0, 0, -1).Format("2006-01-02"))
	return q, f
}

type reportPage struct {
	Dims      []Dimension
	Query     query
	Grid      Grid
	Threshold int
	Chart     Chart
	Export    string
	Last      string
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(r.URL.Query())
	ctx := r.Context()
	th, err := Threshold(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	g, err := h.keep.Count(ctx, h.srv.DB, q.Dim, q.Only, q.From, q.To, th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	ev := q.values()
	ev.Set("by", q.Dim.Slug)
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	h.srv.Render(w, r, status, "reports/reports.html", web.Page{
		Title: "Reports",
		Form:  f,
		Data: reportPage{Dims: Dimensions, Query: q, Grid: g, Threshold: th,
			Chart:  BarChart(q.Dim.Label+" by total, "+q.Heading(), g, th),
			Export: "/reports/export.csv?" + ev.Encode(),
			Last:   q.To.AddDate(0, 0, -1).Format("2 January 2006")},
	})
}

func describeRange(q query) string {
	return fmt.Sprintf("%s to %s", q.From.Format("2 January 2006"), q.To.AddDate(0, 0, -1).Format("2 January 2006"))
}

func (h *handlers) export(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(r.URL.Query())
	th, ok := h.exportThreshold(w, r, f)
	if !ok {
		return
	}
	ctx := r.Context()
	g, err := h.keep.Count(ctx, h.srv.DB, q.Dim, q.Only, q.From, q.To, th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	name := fmt.Sprintf("psu-%s-%s.csv", q.Dim.Slug, q.fileRange())
	csvHeaders(w, name)
	_ = WriteCSV(w, q.Dim.Label, g, th)
}
