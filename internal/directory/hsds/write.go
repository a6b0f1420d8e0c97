package hsds

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteDataset writes d in the directory file format, indented, with empty
// top-level lists written as [] (never null) so that ParseDataset and any
// HSDS reader accept the result. d is not modified.
func WriteDataset(w io.Writer, d *Dataset) error {
	out := *d
	if out.HSDSVersion == "" {
		out.HSDSVersion = Version
	}
	if out.Taxonomies == nil {
		out.Taxonomies = []Taxonomy{}
	}
	if out.TaxonomyTerms == nil {
		out.TaxonomyTerms = []TaxonomyTerm{}
	}
	if out.Organizations == nil {
		out.Organizations = []Organization{}
	}
	if out.Resources == nil {
		out.Resources = []Resource{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("hsds: write dataset: %w", err)
	}
	return nil
}
