package directory

import (
	_ "embed"
	"net/http"

	"github.com/psu-project/psu/internal/directory/hsds"
)

// openAPI is the API's description: Open Referral's HSDS 3.0 OpenAPI file
// adapted to this server (CC BY-SA 4.0, as the original).
//
//go:embed openapi.json
var openAPI []byte

// apiRoot is GET /api/hsds/: which HSDS this is and where it is described.
func (h *handlers) apiRoot(w http.ResponseWriter, r *http.Request) {
	base := h.srv.Config.BaseURL.String() + APIBase
	writeJSON(w, http.StatusOK, map[string]string{
		"version":     hsds.Version,
		"profile":     base + "/profile",
		"openapi_url": base + "/openapi.json",
	})
}

func (h *handlers) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}

// profile describes how the directory uses HSDS: what a client needs to
// read its attributes and areas.
type profile struct {
	Name        string            `json:"name"`
	HSDSVersion string            `json:"hsds_version"`
	Description string            `json:"description"`
	Conventions []string          `json:"conventions"`
	Taxonomies  []profileTaxonomy `json:"taxonomies"`
	Attribution string            `json:"attribution"`
}

type profileTaxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Terms       string `json:"terms"`
}

// apiProfile is GET /api/hsds/profile.
func (h *handlers) apiProfile(w http.ResponseWriter, r *http.Request) {
	vocab, ok := h.vocabulary(w, r)
	if !ok {
		return
	}
	p := profile{
		Name:        "psu support directory",
		HSDSVersion: hsds.Version,
		Description: "Support services for healthcare professionals in training, kept by a Professional Support Unit. Core HSDS 3.0: organizations, services, phones, schedules, service areas, taxonomies and attributes; no locations.",
		Conventions: []string{
			"Every service is tagged through attributes with terms of the taxonomies below; an attribute's link_type is the name of its term's taxonomy.",
			"A service's service_areas name the regions it serves, and each has a matching regions attribute. Region terms nest through parent_id (London and Kent Surrey and Sussex within England; the four nations within the United Kingdom); a service for a wider area serves the areas within it.",
			"A service open 24 hours has a weekly schedule for every day from 00:00 to 23:59. Times are UK local time.",
			"assured_date is the date the listing was last checked; last_modified is when this API's copy last changed.",
			"Phone numbers are written exactly as the unit's sources give them.",
		},
		Attribution: hsds.SchemaAttribution,
	}
	for _, t := range vocab.taxonomies {
		p.Taxonomies = append(p.Taxonomies, profileTaxonomy{ID: t.ID, Name: t.Name, Description: t.Description,
			Terms: h.srv.Config.BaseURL.String() + APIBase + "/taxonomy_terms?taxonomy_id=" + t.ID})
	}
	writeJSON(w, http.StatusOK, p)
}
