package editor

import (
	"net/http"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/web"
)

// reviewRow is one service due for review.
type reviewRow struct {
	entryRow
	Version int
}

// reviewPage lists the services due for review.
type reviewPage struct {
	Flash  string
	Months int
	Before string // the date a check must be on or after
	Rows   []reviewRow
}

// review is GET /admin/directory/review: the services shown on the public
// pages that nobody has checked for the unit's review period, the longest
// unchecked first, each with a one-click "checked, nothing changed".
func (h *handlers) review(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rules, err := LoadRules(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	cutoff := reviewCutoff(h.now(), rules)
	es, err := directory.DueForReview(ctx, h.db, cutoff, 0)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := reviewPage{Flash: h.popFlash(r), Months: rules.ReviewMonths, Before: longDate(cutoff)}
	for _, e := range es {
		p.Rows = append(p.Rows, reviewRow{entryRow: rowOf(e), Version: e.Version})
	}
	h.srv.Render(w, r, http.StatusOK, "editor/review.html", web.Page{Title: "Listings due for review", Data: p})
}
