package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// lastModifiedFormat is HSDS's date-time with the millisecond accuracy it
// asks for.
const lastModifiedFormat = "2006-01-02T15:04:05.000Z"

func formatModified(t time.Time) string { return t.UTC().Format(lastModifiedFormat) }

// Export reads the whole directory back as one dataset, in the order it was
// imported, with each service's last_modified filled in. Importing the
// result changes nothing.
func Export(ctx context.Context, q store.Querier) (*hsds.Dataset, error) {
	d := &hsds.Dataset{HSDSVersion: hsds.Version}
	if err := readDocs(ctx, q, `SELECT doc FROM dir_taxonomies ORDER BY position`, func(b []byte) error {
		var t hsds.Taxonomy
		err := json.Unmarshal(b, &t)
		d.Taxonomies = append(d.Taxonomies, t)
		return err
	}); err != nil {
		return nil, err
	}
	if err := readDocs(ctx, q, `SELECT doc FROM dir_terms ORDER BY position`, func(b []byte) error {
		var t hsds.TaxonomyTerm
		err := json.Unmarshal(b, &t)
		d.TaxonomyTerms = append(d.TaxonomyTerms, t)
		return err
	}); err != nil {
		return nil, err
	}
	index := map[string]int{}
	if err := readDocs(ctx, q, `SELECT doc FROM dir_organizations ORDER BY position`, func(b []byte) error {
		var o hsds.Organization
		err := json.Unmarshal(b, &o)
		index[o.ID] = len(d.Organizations)
		d.Organizations = append(d.Organizations, o)
		return err
	}); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT d.doc, s.last_modified FROM dir_services s
		JOIN dir_service_docs d ON d.service_rid = s.rid JOIN dir_organizations o ON o.id = s.organization_id
		ORDER BY o.position, s.position`)
	if err != nil {
		return nil, fmt.Errorf("directory: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		var modified time.Time
		if err := rows.Scan(&doc, &modified); err != nil {
			return nil, fmt.Errorf("directory: export: %w", err)
		}
		var s hsds.Service
		if err := json.Unmarshal([]byte(doc), &s); err != nil {
			return nil, fmt.Errorf("directory: export: %w", err)
		}
		s.LastModified = formatModified(modified)
		o := &d.Organizations[index[s.OrganizationID]]
		o.Services = append(o.Services, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: export: %w", err)
	}
	if err := readDocs(ctx, q, `SELECT doc FROM dir_resources ORDER BY position`, func(b []byte) error {
		var r hsds.Resource
		err := json.Unmarshal(b, &r)
		d.Resources = append(d.Resources, r)
		return err
	}); err != nil {
		return nil, err
	}
	return d, nil
}

func readDocs(ctx context.Context, q store.Querier, query string, fn func([]byte) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("directory: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
		if err := fn([]byte(doc)); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory: export: %w", err)
	}
	return nil
}

// ExportNDJSON writes one fully nested service per line, each a complete
// HSDS 3.0 service (schema/compiled/service.json) with its organisation and
// taxonomy terms inside, in import order. It streams: the directory is
// never held in memory whole.
func ExportNDJSON(ctx context.Context, q store.Querier, w io.Writer) error {
	v, err := loadVocabulary(ctx, q)
	if err != nil {
		return fmt.Errorf("directory: export: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT d.doc, s.last_modified, o.doc FROM dir_services s
		JOIN dir_service_docs d ON d.service_rid = s.rid JOIN dir_organizations o ON o.id = s.organization_id
		ORDER BY o.position, s.position`)
	if err != nil {
		return fmt.Errorf("directory: export: %w", err)
	}
	defer rows.Close()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for rows.Next() {
		var sdoc, odoc string
		var l listing
		if err := rows.Scan(&sdoc, &l.LastModified, &odoc); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
		if err := json.Unmarshal([]byte(sdoc), &l.Service); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
		if err := json.Unmarshal([]byte(odoc), &l.Organization); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
		if err := enc.Encode(fullService(l, v)); err != nil {
			return fmt.Errorf("directory: export: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory: export: %w", err)
	}
	return nil
}

// apiService is a service as the HSDS API and the NDJSON export give it:
// the HSDS service with its organisation nested (compiled/service.json).
type apiService struct {
	hsds.Service
	Organization *hsds.Organization `json:"organization,omitempty"`
}

// fullService nests l's organisation and, in each attribute, its taxonomy
// term with the term's taxonomy, and fills in last_modified.
func fullService(l listing, v *vocabulary) apiService {
	s := l.Service
	s.LastModified = formatModified(l.LastModified)
	s.Attributes = make([]hsds.Attribute, len(l.Service.Attributes))
	for i, a := range l.Service.Attributes {
		if t := v.byID[a.TaxonomyTermID]; t != nil {
			a.TaxonomyTerm = v.nested(t)
		}
		s.Attributes[i] = a
	}
	org := l.Organization
	org.Services = nil
	return apiService{Service: s, Organization: &org}
}

// nested is the term as HSDS nests it in an attribute: with its taxonomy.
func (v *vocabulary) nested(t *Term) *hsds.TaxonomyTerm {
	tt := t.TaxonomyTerm
	if tt.Taxonomy == "" {
		tt.Taxonomy = t.TaxonomyName
	}
	if tax := v.taxByID[tt.TaxonomyID]; tax != nil {
		detail := *tax
		tt.TaxonomyDetail = &detail
	}
	return &tt
}
