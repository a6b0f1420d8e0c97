package directory

import (
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

// printPage is the list as one clean printed page.
type printPage struct {
	Cards   []cardView
	Printed string
	Site    string
	Unit    string // the unit's name, as its settings give it
}

// print is GET /my-list/print: no navigation, large phone numbers.
func (h *handlers) print(w http.ResponseWriter, r *http.Request) {
	p, ok := h.loadList(w, r)
	if !ok {
		return
	}
	unit, err := settings.UnitName(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "directory/print.html", web.Page{Title: "Your list of support services", Bare: true,
		Data: printPage{Cards: p.Cards, Printed: time.Now().In(ukTime).Format("2 January 2006"), Site: h.srv.Config.BaseURL.String(), Unit: unit}})
}
