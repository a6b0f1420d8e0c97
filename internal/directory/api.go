package directory

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// The HSDS 3.0 API, read-only open data under /api/hsds. Every answer,
// errors included, carries Access-Control-Allow-Origin: * so any website
// or validator can read it.

// APIBase is where the API lives.
const APIBase = "/api/hsds"

// Page sizes: HSDS leaves them to the server.
const (
	defaultPerPage = 50
	maxPerPage     = 500
)

func (h *handlers) apiRoutes() {
	rt := h.srv.Router
	rt.Handle("GET "+APIBase+"/{$}", web.Public, h.api(h.apiRoot))
	rt.Handle("GET "+APIBase+"/openapi.json", web.Public, h.api(h.apiOpenAPI))
	rt.Handle("GET "+APIBase+"/profile", web.Public, h.api(h.apiProfile))
	rt.Handle("GET "+APIBase+"/services", web.Public, h.api(h.apiServices))
	rt.Handle("GET "+APIBase+"/services/{id}", web.Public, h.api(h.apiService))
	rt.Handle("GET "+APIBase+"/organizations", web.Public, h.api(h.apiOrganizations))
	rt.Handle("GET "+APIBase+"/organizations/{id}", web.Public, h.api(h.apiOrganization))
	rt.Handle("GET "+APIBase+"/taxonomies", web.Public, h.api(h.apiTaxonomies))
	rt.Handle("GET "+APIBase+"/taxonomies/{id}", web.Public, h.api(h.apiTaxonomy))
	rt.Handle("GET "+APIBase+"/taxonomy_terms", web.Public, h.api(h.apiTerms))
	rt.Handle("GET "+APIBase+"/taxonomy_terms/{id}", web.Public, h.api(h.apiTerm))
	rt.Handle("GET "+APIBase+"/{path...}", web.Public, h.api(h.apiNotFound))
	rt.Handle("OPTIONS "+APIBase+"/{path...}", web.Public, h.api(h.apiPreflight))
}

// api wraps an API handler: CORS for everyone, and no cookie needed.
func (h *handlers) api(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		next(w, r)
	}
}

func (h *handlers) apiPreflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (h *handlers) apiNotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, apiError{Error: "There is nothing at this address. The API's paths are listed in " + APIBase + "/openapi.json."})
}

// apiError is the body of every API error.
type apiError struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

// paramError is a bad query parameter: 400, naming it.
type paramError struct{ param, msg string }

func (e *paramError) Error() string { return e.param + ": " + e.msg }

func badParam(param, format string, a ...any) error {
	return &paramError{param, fmt.Sprintf(format, a...)}
}

// fail answers err: 400 naming the parameter, or a logged 500.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	if pe, ok := err.(*paramError); ok {
		writeJSON(w, http.StatusBadRequest, apiError{Error: pe.msg, Parameter: pe.param})
		return
	}
	h.srv.ServerError(w, r, err)
}

func notFound(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusNotFound, apiError{Error: "No " + what + " has this id."})
}

// writeJSON writes v without HTML escaping ("&" stays "&").
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`+"\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func marshalJSON(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// params reads query parameters strictly: each known one must be
// well formed; unknown ones are ignored, as HSDS clients send extras.
type params struct{ v url.Values }

func (p params) str(name string, maxLen int) (string, error) {
	s := strings.TrimSpace(p.v.Get(name))
	if len([]rune(s)) > maxLen {
		return "", badParam(name, "%s must be %d characters or fewer", name, maxLen)
	}
	return s, nil
}

func (p params) integer(name string, def, lo, hi int) (int, error) {
	s := p.v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		if hi == int(^uint(0)>>1) {
			return 0, badParam(name, "%s must be a whole number of at least %d", name, lo)
		}
		return 0, badParam(name, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func (p params) boolean(name string) (bool, error) {
	switch strings.ToLower(p.v.Get(name)) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, badParam(name, "%s must be true or false", name)
}

// ids reads a parameter that may be given several times or comma
// separated; each value must be a UUID.
func (p params) ids(name string) ([]string, error) {
	var out []string
	for _, v := range p.v[name] {
		for _, id := range strings.Split(v, ",") {
			id = strings.ToLower(strings.TrimSpace(id))
			if id == "" {
				continue
			}
			if !hsds.IsUUID(id) {
				return nil, badParam(name, "%s must be a UUID such as 3f7b145d-84af-42d7-8fae-eaca714b02b2", name)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

func (p params) id(name string) (string, error) {
	ids, err := p.ids(name)
	if err != nil {
		return "", err
	}
	if len(ids) > 1 {
		return "", badParam(name, "give one %s", name)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

func (p params) format() (string, error) {
	switch f := p.v.Get("format"); f {
	case "", "json":
		return "json", nil
	case "ndjson":
		return "ndjson", nil
	}
	return "", badParam("format", "format must be json or ndjson")
}

// modifiedAfter reads an RFC 3339 date-time, or a date (midnight UTC).
func (p params) modifiedAfter() (time.Time, error) {
	s := strings.TrimSpace(p.v.Get("modified_after"))
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badParam("modified_after", "modified_after must be a date-time such as 2026-11-22T09:00:00Z, or a date such as 2026-11-22")
}

// paging is page and per_page.
type paging struct{ page, perPage int }

func (p params) paging() (paging, error) {
	var pg paging
	var err error
	if pg.page, err = p.integer("page", 1, 1, int(^uint(0)>>1)); err != nil {
		return pg, err
	}
	pg.perPage, err = p.integer("per_page", defaultPerPage, 1, maxPerPage)
	return pg, err
}

func (pg paging) offset() int { return pageOffset(pg.page, pg.perPage) }

// page is the HSDS page envelope.
type page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

func newPage[T any](pg paging, total int, contents []T) page[T] {
	if contents == nil {
		contents = []T{}
	}
	pages := max(1, (total+pg.perPage-1)/pg.perPage)
	return page[T]{TotalItems: total, TotalPages: pages, PageNumber: pg.page, Size: len(contents),
		FirstPage: pg.page == 1, LastPage: pg.page >= pages, Empty: len(contents) == 0, Contents: contents}
}

// pageOf cuts one page out of a whole (small) list.
func pageOf[T any](pg paging, all []T) page[T] {
	from := min(pg.offset(), len(all))
	to := min(from+pg.perPage, len(all))
	return newPage(pg, len(all), all[from:to])
}

// writeNDJSON streams items one per line, flushing as it goes.
func writeNDJSON[T any](w http.ResponseWriter, items []T) {
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if enc.Encode(it) != nil {
			return // the client went away
		}
	}
}

// validID reports whether a path id is a UUID; the API answers 400 for one
// that is not.
func (h *handlers) pathID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "id must be a UUID in lower case, such as 3f7b145d-84af-42d7-8fae-eaca714b02b2", Parameter: "id"})
		return "", false
	}
	return id, true
}

// vocabulary is the taxonomies and terms an API request reads; false when
// they could not be read, the error already written.
func (h *handlers) vocabulary(w http.ResponseWriter, r *http.Request) (*vocabulary, bool) {
	v, err := h.index.vocabulary(r.Context(), h.db)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return v, true
}

// detail is the id in the path of a GET …/{id} and the vocabulary; false
// when either failed, the error already written.
func (h *handlers) detail(w http.ResponseWriter, r *http.Request) (string, *vocabulary, bool) {
	id, ok := h.pathID(w, r)
	if !ok {
		return "", nil, false
	}
	v, ok := h.vocabulary(w, r)
	return id, v, ok
}
