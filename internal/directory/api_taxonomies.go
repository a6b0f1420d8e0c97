package directory

import (
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/directory/hsds"
)

// taxonomyRequest is what GET /api/hsds/taxonomies and /taxonomy_terms ask
// for.
type taxonomyRequest struct {
	search     string
	paging     paging
	format     string
	taxonomyID string
	parentID   string
	topOnly    bool
}

func parseTaxonomyRequest(p params, terms bool) (tr taxonomyRequest, err error) {
	if tr.search, err = p.str("search", maxQuery); err != nil {
		return tr, err
	}
	if tr.paging, err = p.paging(); err != nil {
		return tr, err
	}
	if tr.format, err = p.format(); err != nil {
		return tr, err
	}
	if !terms {
		return tr, nil
	}
	if tr.taxonomyID, err = p.id("taxonomy_id"); err != nil {
		return tr, err
	}
	if tr.parentID, err = p.id("parent_id"); err != nil {
		return tr, err
	}
	tr.topOnly, err = p.boolean("top_only")
	return tr, err
}

// matches reports whether every searched word is in one of the texts.
func matches(search string, texts ...string) bool {
	hay := fold(strings.Join(texts, " "))
	for _, w := range words(fold(search)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// apiTaxonomies is GET /api/hsds/taxonomies.
func (h *handlers) apiTaxonomies(w http.ResponseWriter, r *http.Request) {
	tr, err := parseTaxonomyRequest(params{r.URL.Query()}, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vocab, ok := h.vocabulary(w, r)
	if !ok {
		return
	}
	var all []hsds.Taxonomy
	for _, t := range vocab.taxonomies {
		if matches(tr.search, t.Name, t.Description) {
			all = append(all, t)
		}
	}
	if tr.format == "ndjson" {
		writeNDJSON(w, all)
		return
	}
	writeJSON(w, http.StatusOK, pageOf(tr.paging, all))
}

// apiTaxonomy is GET /api/hsds/taxonomies/{id}.
func (h *handlers) apiTaxonomy(w http.ResponseWriter, r *http.Request) {
	id, vocab, ok := h.detail(w, r)
	if !ok {
		return
	}
	t := vocab.taxByID[id]
	if t == nil {
		notFound(w, "taxonomy")
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// apiTerms is GET /api/hsds/taxonomy_terms: filters are taxonomy_id,
// parent_id and top_only (terms with no parent: the top of each
// hierarchy).
func (h *handlers) apiTerms(w http.ResponseWriter, r *http.Request) {
	tr, err := parseTaxonomyRequest(params{r.URL.Query()}, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vocab, ok := h.vocabulary(w, r)
	if !ok {
		return
	}
	var all []*hsds.TaxonomyTerm
	for i := range vocab.terms {
		t := &vocab.terms[i]
		switch {
		case tr.taxonomyID != "" && t.TaxonomyID != tr.taxonomyID,
			tr.parentID != "" && t.ParentID != tr.parentID,
			tr.topOnly && t.ParentID != "",
			!matches(tr.search, t.Name, t.Description, t.Code):
			continue
		}
		all = append(all, vocab.nested(t))
	}
	if tr.format == "ndjson" {
		writeNDJSON(w, all)
		return
	}
	writeJSON(w, http.StatusOK, pageOf(tr.paging, all))
}

// apiTerm is GET /api/hsds/taxonomy_terms/{id}.
func (h *handlers) apiTerm(w http.ResponseWriter, r *http.Request) {
	id, vocab, ok := h.detail(w, r)
	if !ok {
		return
	}
	t := vocab.byID[id]
	if t == nil {
		notFound(w, "taxonomy term")
		return
	}
	writeJSON(w, http.StatusOK, vocab.nested(t))
}
