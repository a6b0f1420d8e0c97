package directory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// Taxonomy names the directory's pages and filters rely on.
const (
	TaxNeeds        = "needs"
	TaxProfessions  = "professions"
	TaxRegions      = "regions"
	TaxMembership   = "membership"
	TaxAccess       = "access"
	TaxServiceGroup = "service-group"
)

// Term is a taxonomy term with the name of its taxonomy.
type Term struct {
	hsds.TaxonomyTerm
	TaxonomyName string
}

// vocabulary is every taxonomy and term, loaded together (the tables are
// small) for filters, tags and the API's nested terms.
type vocabulary struct {
	taxonomies []hsds.Taxonomy
	taxByID    map[string]*hsds.Taxonomy
	terms      []Term // taxonomy order, then file order
	byID       map[string]*Term
	byCode     map[string]*Term
}

func loadVocabulary(ctx context.Context, q store.Querier) (*vocabulary, error) {
	v := &vocabulary{taxByID: map[string]*hsds.Taxonomy{}, byID: map[string]*Term{}, byCode: map[string]*Term{}}
	rows, err := q.QueryContext(ctx, `SELECT doc FROM dir_taxonomies ORDER BY position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var doc string
		var t hsds.Taxonomy
		if err := rows.Scan(&doc); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &t); err != nil {
			rows.Close()
			return nil, err
		}
		v.taxonomies = append(v.taxonomies, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range v.taxonomies {
		v.taxByID[v.taxonomies[i].ID] = &v.taxonomies[i]
	}
	rows, err = q.QueryContext(ctx, `SELECT t.doc FROM dir_terms t JOIN dir_taxonomies x ON x.id = t.taxonomy_id ORDER BY x.position, t.position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		var t Term
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &t.TaxonomyTerm); err != nil {
			return nil, err
		}
		if tax := v.taxByID[t.TaxonomyID]; tax != nil {
			t.TaxonomyName = tax.Name
		}
		v.terms = append(v.terms, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range v.terms {
		v.byID[v.terms[i].ID] = &v.terms[i]
		v.byCode[v.terms[i].Code] = &v.terms[i]
	}
	return v, nil
}

// in returns the terms of one taxonomy, in order.
func (v *vocabulary) in(taxonomy string) []Term {
	var out []Term
	for _, t := range v.terms {
		if t.TaxonomyName == taxonomy {
			out = append(out, t)
		}
	}
	return out
}

// ancestors returns the term and every term above it (London, England,
// United Kingdom): a service for a wider area serves the narrower one.
func (v *vocabulary) ancestors(t *Term) []string {
	var out []string
	for seen := map[string]bool{}; t != nil && !seen[t.ID]; t = v.byID[t.ParentID] {
		seen[t.ID] = true
		out = append(out, t.ID)
	}
	return out
}

// Taxonomy is one taxonomy with its terms, in order, as the editor's
// forms offer them.
type Taxonomy struct {
	hsds.Taxonomy
	Terms []Term
}

// Taxonomies reads every taxonomy with its terms, in the directory's order.
func Taxonomies(ctx context.Context, q store.Querier) ([]Taxonomy, error) {
	v, err := loadVocabulary(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("directory: taxonomies: %w", err)
	}
	out := make([]Taxonomy, len(v.taxonomies))
	for i, t := range v.taxonomies {
		out[i] = Taxonomy{Taxonomy: t, Terms: v.in(t.Name)}
	}
	return out, nil
}
