package reports

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/web"
)

// feedbackSection is one question on the feedback report.
type feedbackSection struct {
	Question Question
	Grid     Grid
	Shares   TextTable
	Chart    Chart
	Export   string
}

type feedbackPage struct {
	Query     query
	Threshold int
	Responses Cell
	Sections  []feedbackSection
	// Comments are shown to triage leads only; Lead says whether this
	// reader is one.
	Lead     bool
	Comments []string
	Last     string
}

// feedbackReport counts the answers trainees gave after their support,
// question by question, by month; leads also read the comments.
func (h *handlers) feedbackReport(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(withoutOnly(r.URL.Query()))
	f.Values.Del("by")
	ctx := r.Context()
	th, err := Threshold(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	n, err := Responses(ctx, h.srv.DB, q.From, q.To)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	page := feedbackPage{Query: q, Threshold: th, Responses: Cell{Value: n, Hidden: n > 0 && n < ClampThreshold(th)},
		Lead: web.PrincipalFrom(r).Roles.Has(web.RoleTriageLead), Last: q.To.AddDate(0, 0, -1).Format("2 January 2006")}
	ev := url.Values{"from": {q.From.Format("2006-01-02")}, "to": {q.To.AddDate(0, 0, -1).Format("2006-01-02")}}
	for _, qu := range Questions {
		g, err := CountFeedback(ctx, h.srv.DB, qu, q.From, q.To, th)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		base := g.Total
		if qu.Multi {
			base = page.Responses
		}
		ev.Set("question", qu.Slug)
		page.Sections = append(page.Sections, feedbackSection{Question: qu, Grid: g, Shares: Shares(g, base, th),
			Chart:  BarChart(qu.Label+", "+describeRange(q), g, th),
			Export: "/reports/feedback/export.csv?" + ev.Encode()})
	}
	if page.Lead {
		months := Months(q.From, q.To)
		if len(months) > 0 {
			if page.Comments, err = h.feedback.Comments(ctx, months[0].Format("2006-01"), months[len(months)-1].Format("2006-01")); err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
		}
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	h.srv.Render(w, r, status, "reports/feedback.html", web.Page{Title: "Feedback from trainees", Form: f, Data: page})
}

// feedbackExport is one question's counts as CSV, suppressed as on the
// page. The comments are never exported.
func (h *handlers) feedbackExport(w http.ResponseWriter, r *http.Request) {
	q, f := h.parse(withoutOnly(r.URL.Query()))
	th, ok := h.exportThreshold(w, r, f)
	if !ok {
		return
	}
	ctx := r.Context()
	qu := QuestionBySlug(r.URL.Query().Get("question"))
	g, err := CountFeedback(ctx, h.srv.DB, qu, q.From, q.To, th)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	name := fmt.Sprintf("psu-feedback-%s-%s.csv", qu.Slug, q.fileRange())
	csvHeaders(w, name)
	_ = WriteCSV(w, qu.Label, g, th)
}

// withoutOnly is v without a narrowing: feedback is kept with its month
// only, so it cannot be narrowed to a profession or region.
func withoutOnly(v url.Values) url.Values {
	v.Del("only")
	return v
}
