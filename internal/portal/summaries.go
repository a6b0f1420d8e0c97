package portal

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// SummaryRow is one issued version of the trainee's written summary.
type SummaryRow struct {
	Number int
	Issued string
	Latest bool
}

// summaries lists every issued version, newest first.
func (h *handlers) summaries(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	versions, err := h.store.Plans.Versions(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	rows := make([]SummaryRow, 0, len(versions))
	for i, v := range versions {
		rows = append(rows, SummaryRow{Number: v.Number, Issued: day(v.IssuedAt), Latest: i == 0})
	}
	h.srv.Render(w, r, http.StatusOK, "portal/summaries.html", web.Page{Title: "Your written summary", Data: struct {
		Rows  []SummaryRow
		Flash string
	}{rows, h.flash(r)}})
}

// summaryPDF is version {n} of the trainee's summary, as issued.
func (h *handlers) summaryPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	_, pdf, err := h.store.Plans.Summary(ctx, c, n)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.summary_download", TargetType: "case",
			TargetID: c.ID, CaseID: c.ID, Detail: "version " + strconv.Itoa(n)})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="psu-summary-v`+strconv.Itoa(n)+`.pdf"`)
	w.Write(pdf)
}
