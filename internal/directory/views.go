package directory

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// cardView is a service as a result card, the list and the print view show
// it.
type cardView struct {
	ID, Name, Summary, URL string
	Organization           string
	ForWhom                string
	Where                  string
	HowToGetHelp           string
	Phones                 []Phone
	Open24h                bool
	Hours                  []string
	Checked                string // "22 November 2026", or ""
	Closed                 bool   // temporarily closed
	InList                 bool
	Back                   string // where the list buttons return to
	Away                   bool   // only for somewhere other than the unit's area: the card says where
	Own                    bool   // the unit's own service: the card leads to the eligibility check
	Website                string // the service's own website, for a card without a phone
}

// termNames joins the names of a listing's terms in one taxonomy.
func termNames(l listing, taxonomy string) string {
	var names []string
	for _, t := range l.Tags[taxonomy] {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

func cardFor(l listing, inList map[string]bool) cardView {
	c := cardView{
		ID: l.Service.ID, Name: l.Service.Name, Summary: l.Summary, URL: "/services/" + l.Service.ID,
		Organization: l.Organization.Name,
		ForWhom:      termNames(l, TaxProfessions),
		Where:        termNames(l, TaxRegions),
		HowToGetHelp: l.Service.ApplicationProcess,
		Phones:       l.Phones,
		Open24h:      l.Open24h,
		Closed:       l.Service.Status == hsds.StatusTemporarilyClosed,
		InList:       inList[l.Service.ID],
		Website:      l.Service.URL,
	}
	if !l.Assured.IsZero() {
		c.Checked = l.Assured.Format("2 January 2006")
	}
	for _, s := range l.Service.Schedules {
		if s.Description != "" {
			c.Hours = append(c.Hours, s.Description)
		}
	}
	return c
}

// cards are the result cards of the services with the given ids, from
// the index the request is answered from.
func (h *handlers) cards(ctx context.Context, snap *snapshot, ids []string, inList map[string]bool) ([]cardView, error) {
	ls, err := snap.listings(ctx, h.db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]cardView, len(ls))
	for i, l := range ls {
		out[i] = cardFor(l, inList)
	}
	return out, nil
}

// Session keys. The list is ids joined by commas; the flash is one line
// shown once on the next page.
const (
	listKey  = "directory.list"
	flashKey = "directory.flash"
)

// maxList bounds a list: enough for any real signposting, small enough for
// a session.
const maxList = 50

func (h *handlers) myList(r *http.Request) []string {
	s := h.srv.Sessions.GetString(r.Context(), listKey)
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (h *handlers) setList(r *http.Request, ids []string) {
	if len(ids) == 0 {
		h.srv.Sessions.Remove(r.Context(), listKey)
		return
	}
	h.srv.Sessions.Put(r.Context(), listKey, strings.Join(ids, ","))
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func (h *handlers) flash(r *http.Request, msg string) {
	h.srv.Sessions.Put(r.Context(), flashKey, msg)
}

func (h *handlers) popFlash(r *http.Request) string {
	return h.srv.Sessions.PopString(r.Context(), flashKey)
}

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
