package directory

import (
	"strings"

	"github.com/psu-project/psu/internal/settings"
	"net/http"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// servicePage is everything the directory knows about one service.
type servicePage struct {
	Card         cardView
	Service      hsds.Service
	Organization hsds.Organization
	Needs        []Term
	Access       []Term
	Membership   []Term
	Areas        []string
	Unavailable  bool // inactive or defunct
	Flash        string
	Back         string
	ListCount    int
	// SearchURL is the search (with its filters) the person came from,
	// for the back link; "" when they did not come from one.
	SearchURL string
	Own       bool // the unit's own service: the page starts the eligibility check
}

// show is GET /services/{id}.
func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	snap, err := h.index.current(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	ls, err := snap.listings(ctx, h.db, []string{id})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if len(ls) == 0 {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	l := ls[0]
	list := h.myList(r)
	p := servicePage{
		Card:         cardFor(l, setOf(list)),
		ListCount:    len(list),
		Service:      l.Service,
		Organization: l.Organization,
		Needs:        l.Tags[TaxNeeds],
		Access:       l.Tags[TaxAccess],
		Membership:   l.Tags[TaxMembership],
		Unavailable:  l.Service.Status == hsds.StatusInactive || l.Service.Status == hsds.StatusDefunct,
		Flash:        h.popFlash(r),
		Back:         r.URL.RequestURI(),
	}
	p.Card.Back = p.Back
	if from := web.SafeRedirectTarget(r.URL.Query().Get("from")); strings.HasPrefix(from, "/services?") {
		p.SearchURL = from
	}
	own, err := settings.Get(ctx, h.db, KeyOwnService, DefaultOwnService)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p.Own = own == id
	for _, a := range l.Service.ServiceAreas {
		p.Areas = append(p.Areas, a.Name)
	}
	h.srv.Render(w, r, http.StatusOK, "directory/service.html", web.Page{Title: l.Service.Name, Data: p})
}
