package directory

import (
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/web"
)

// listPage is the visitor's list of services.
type listPage struct {
	Cards   []cardView
	Flash   string
	Dropped int // services that left the directory since they were added
}

// loadList reads the session's list, drops ids the directory no longer
// has (and says how many), and returns the cards.
func (h *handlers) loadList(w http.ResponseWriter, r *http.Request) (listPage, bool) {
	var p listPage
	ids := h.myList(r)
	snap, err := h.index.current(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return p, false
	}
	if p.Cards, err = h.cards(r.Context(), snap, ids, setOf(ids)); err != nil {
		h.srv.ServerError(w, r, err)
		return p, false
	}
	if p.Dropped = len(ids) - len(p.Cards); p.Dropped > 0 {
		kept := make([]string, len(p.Cards))
		for i, c := range p.Cards {
			kept[i] = c.ID
		}
		h.setList(r, kept)
	}
	for i := range p.Cards {
		p.Cards[i].Back = "/my-list"
	}
	return p, true
}

// list is GET /my-list.
func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	p, ok := h.loadList(w, r)
	if !ok {
		return
	}
	p.Flash = h.popFlash(r)
	h.renderList(w, r, http.StatusOK, web.NewForm(nil), p)
}

func (h *handlers) renderList(w http.ResponseWriter, r *http.Request, status int, f *web.Form, p listPage) {
	title := "Your list"
	if n := len(p.Cards); n > 0 {
		title = fmt.Sprintf("Your list (%d)", n)
	}
	h.srv.Render(w, r, status, "directory/list.html", web.Page{Title: title, Form: f, Data: p})
}
