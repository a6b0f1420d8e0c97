package directory

import (
	"encoding/json"
	"net/http"
)

// minimalService is a service with only what a client needs to keep a copy
// in step (HSDS minimal=true), still valid against service_list.json.
type minimalService struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	LastModified string `json:"last_modified"`
}

// listService is a service with its one-to-one fields and organisation
// (HSDS compiled/service_list.json).
func listService(l listing) apiService {
	s := l.Service
	s.LastModified = formatModified(l.LastModified)
	s.Phones, s.Schedules, s.ServiceAreas, s.Attributes, s.Metadata = nil, nil, nil, nil, nil
	org := l.Organization
	org.Services, org.Phones, org.Attributes, org.Metadata = nil, nil, nil, nil
	return apiService{Service: s, Organization: &org}
}

// serviceRequest is what GET /api/hsds/services asks for.
type serviceRequest struct {
	query         Query
	paging        paging
	format        string
	minimal, full bool
}

func parseServiceRequest(p params) (sr serviceRequest, err error) {
	q := &sr.query
	if q.Text, err = p.str("search", maxQuery); err != nil {
		return sr, err
	}
	if sr.paging, err = p.paging(); err != nil {
		return sr, err
	}
	if sr.format, err = p.format(); err != nil {
		return sr, err
	}
	terms, err := p.ids("taxonomy_term_id")
	if err != nil {
		return sr, err
	}
	for _, t := range terms {
		q.TermSets = append(q.TermSets, []string{t})
	}
	if q.TaxonomyID, err = p.id("taxonomy_id"); err != nil {
		return sr, err
	}
	if q.OrganizationID, err = p.id("organization_id"); err != nil {
		return sr, err
	}
	if q.ModifiedAfter, err = p.modifiedAfter(); err != nil {
		return sr, err
	}
	if sr.minimal, err = p.boolean("minimal"); err != nil {
		return sr, err
	}
	if sr.full, err = p.boolean("full"); err != nil {
		return sr, err
	}
	if sr.minimal && sr.full {
		return sr, badParam("minimal", "ask for minimal or full services, not both")
	}
	return sr, nil
}

// apiServices is GET /api/hsds/services: a page of services (every one,
// unpaged, with format=ndjson), searched and ranked as /services ranks.
func (h *handlers) apiServices(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sr, err := parseServiceRequest(params{r.URL.Query()})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, pg, minimal, full := sr.query, sr.paging, sr.minimal, sr.full
	if sr.format == "ndjson" {
		q.Offset, q.Limit = 0, 1<<31-1
	} else {
		q.Offset, q.Limit = pg.offset(), pg.perPage
	}
	snap, err := h.index.current(ctx, h.db)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res := snap.search(q)
	var vocab *vocabulary
	if full {
		vocab = snap.vocabulary
	}
	shape := func(l listing) any {
		switch {
		case minimal:
			return minimalService{ID: l.Service.ID, Name: l.Service.Name, Status: l.Service.Status, LastModified: formatModified(l.LastModified)}
		case full:
			return fullService(l, vocab)
		}
		return listService(l)
	}
	if sr.format == "ndjson" {
		// Stream, 500 services at a time: the whole directory may be asked for.
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for ids, first := res.IDs, true; len(ids) > 0; ids, first = ids[min(len(ids), 500):], false {
			ls, err := loadListings(ctx, h.db, vocab, ids[:min(len(ids), 500)])
			if err != nil && first {
				h.fail(w, r, err)
				return
			}
			if err != nil {
				// The status has gone: end the stream short, which a
				// client reading NDJSON sees as a cut connection.
				h.srv.Log.Error("hsds ndjson stream", "err", err)
				return
			}
			for _, l := range ls {
				if enc.Encode(shape(l)) != nil {
					return // the client went away
				}
			}
		}
		return
	}
	ls, err := snap.listings(ctx, h.db, res.IDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]any, len(ls))
	for i, l := range ls {
		items[i] = shape(l)
	}
	writeJSON(w, http.StatusOK, newPage(pg, res.Total, items))
}

// apiService is GET /api/hsds/services/{id}: the service fully nested,
// with its organisation.
func (h *handlers) apiService(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	snap, err := h.index.current(r.Context(), h.db)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ls, err := snap.listings(r.Context(), h.db, []string{id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(ls) == 0 {
		notFound(w, "service")
		return
	}
	writeJSON(w, http.StatusOK, fullService(ls[0], snap.vocabulary))
}
