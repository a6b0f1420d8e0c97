// Package hsds holds the Open Referral Human Services Data Specification
// (HSDS) 3.0 types that the support directory uses, the file format of the
// directory (Dataset), a strict parser for it, the directory's own
// consistency rules (Validate) and validation against the compiled HSDS 3.0
// JSON Schemas (ValidateOrganizationJSON, ValidateServiceJSON).
//
// JSON names follow the HSDS 3.0 schema exactly. Fields the schema does not
// require carry omitempty. Only the HSDS objects the directory uses are
// modelled; a file holding any other HSDS member (locations, contacts,
// funding, ...) is rejected by ParseDataset rather than silently dropped.
//
// The HSDS schemas are © Open Referral, CC BY-SA 4.0 (see schema/LICENSE).
package hsds

// Version is the HSDS version the directory speaks. A Dataset's
// hsds_version must equal it.
const Version = "3.0"

// Service statuses allowed by HSDS 3.0.
const (
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusDefunct           = "defunct"
	StatusTemporarilyClosed = "temporarily closed"
)

// Attribute link entities: the HSDS table an attribute's link_id points into.
const (
	LinkEntityService      = "service"
	LinkEntityOrganization = "organization"
)

// Statuses lists the HSDS 3.0 service statuses in schema order.
var Statuses = []string{StatusActive, StatusInactive, StatusDefunct, StatusTemporarilyClosed}

// Resource kinds (our extension; see Resource).
const (
	KindReport    = "report"
	KindFramework = "framework"
	KindGuidance  = "guidance"
	KindStrategy  = "strategy"
)

// ResourceKinds lists the allowed Resource.Kind values.
var ResourceKinds = []string{KindReport, KindFramework, KindGuidance, KindStrategy}

// Dataset is the directory file: what import reads and export writes.
//
//	{"hsds_version":"3.0","taxonomies":[...],"taxonomy_terms":[...],
//	 "organizations":[{... "services":[...]}],"resources":[...]}
//
// Organizations have the shape of HSDS schema/compiled/organization.json,
// with their services nested. Resources are not HSDS: see Resource.
type Dataset struct {
	HSDSVersion   string         `json:"hsds_version"`
	Taxonomies    []Taxonomy     `json:"taxonomies"`
	TaxonomyTerms []TaxonomyTerm `json:"taxonomy_terms"`
	Organizations []Organization `json:"organizations"`
	Resources     []Resource     `json:"resources"`
}

// Organization is an HSDS 3.0 organization with its services nested, as in
// schema/compiled/organization.json.
type Organization struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	AlternateName        string      `json:"alternate_name,omitempty"`
	Description          string      `json:"description"`
	Email                string      `json:"email,omitempty"`
	Website              string      `json:"website,omitempty"`
	TaxStatus            string      `json:"tax_status,omitempty"`
	TaxID                string      `json:"tax_id,omitempty"`
	YearIncorporated     *float64    `json:"year_incorporated,omitempty"`
	LegalStatus          string      `json:"legal_status,omitempty"`
	Logo                 string      `json:"logo,omitempty"`
	URI                  string      `json:"uri,omitempty"`
	ParentOrganizationID string      `json:"parent_organization_id,omitempty"`
	Phones               []Phone     `json:"phones,omitempty"`
	Attributes           []Attribute `json:"attributes,omitempty"`
	Metadata             []Metadata  `json:"metadata,omitempty"`
	Services             []Service   `json:"services,omitempty"`
}

// Service is an HSDS 3.0 service (schema/compiled/service.json).
type Service struct {
	ID                     string        `json:"id"`
	OrganizationID         string        `json:"organization_id,omitempty"`
	ProgramID              string        `json:"program_id,omitempty"`
	Name                   string        `json:"name"`
	AlternateName          string        `json:"alternate_name,omitempty"`
	Description            string        `json:"description,omitempty"`
	URL                    string        `json:"url,omitempty"`
	Email                  string        `json:"email,omitempty"`
	Status                 string        `json:"status"`
	InterpretationServices string        `json:"interpretation_services,omitempty"`
	ApplicationProcess     string        `json:"application_process,omitempty"`
	FeesDescription        string        `json:"fees_description,omitempty"`
	WaitTime               string        `json:"wait_time,omitempty"`
	Fees                   string        `json:"fees,omitempty"`
	Accreditations         string        `json:"accreditations,omitempty"`
	EligibilityDescription string        `json:"eligibility_description,omitempty"`
	MinimumAge             *float64      `json:"minimum_age,omitempty"`
	MaximumAge             *float64      `json:"maximum_age,omitempty"`
	AssuredDate            string        `json:"assured_date,omitempty"`
	AssurerEmail           string        `json:"assurer_email,omitempty"`
	Licenses               string        `json:"licenses,omitempty"`
	Alert                  string        `json:"alert,omitempty"`
	LastModified           string        `json:"last_modified,omitempty"`
	Phones                 []Phone       `json:"phones,omitempty"`
	Schedules              []Schedule    `json:"schedules,omitempty"`
	ServiceAreas           []ServiceArea `json:"service_areas,omitempty"`
	Attributes             []Attribute   `json:"attributes,omitempty"`
	Metadata               []Metadata    `json:"metadata,omitempty"`
}

// Phone is an HSDS 3.0 phone. Number is kept exactly as written by the
// source (spacing included); it is never normalised.
type Phone struct {
	ID                  string      `json:"id"`
	LocationID          string      `json:"location_id,omitempty"`
	ServiceID           string      `json:"service_id,omitempty"`
	OrganizationID      string      `json:"organization_id,omitempty"`
	ContactID           string      `json:"contact_id,omitempty"`
	ServiceAtLocationID string      `json:"service_at_location_id,omitempty"`
	Number              string      `json:"number"`
	Extension           *float64    `json:"extension,omitempty"`
	Type                string      `json:"type,omitempty"`
	Description         string      `json:"description,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	Metadata            []Metadata  `json:"metadata,omitempty"`
}

// Schedule is an HSDS 3.0 schedule (iCal-style recurrence plus opening
// times). A service open round the clock has freq WEEKLY, byday
// "MO,TU,WE,TH,FR,SA,SU", opens_at "00:00" and closes_at "23:59".
type Schedule struct {
	ID                  string      `json:"id"`
	ServiceID           string      `json:"service_id,omitempty"`
	LocationID          string      `json:"location_id,omitempty"`
	ServiceAtLocationID string      `json:"service_at_location_id,omitempty"`
	ValidFrom           string      `json:"valid_from,omitempty"`
	ValidTo             string      `json:"valid_to,omitempty"`
	DTStart             string      `json:"dtstart,omitempty"`
	Timezone            *float64    `json:"timezone,omitempty"`
	Until               string      `json:"until,omitempty"`
	Count               *float64    `json:"count,omitempty"`
	WKST                string      `json:"wkst,omitempty"`
	Freq                string      `json:"freq,omitempty"`
	Interval            *float64    `json:"interval,omitempty"`
	ByDay               string      `json:"byday,omitempty"`
	ByWeekNo            string      `json:"byweekno,omitempty"`
	ByMonthDay          string      `json:"bymonthday,omitempty"`
	ByYearDay           string      `json:"byyearday,omitempty"`
	Description         string      `json:"description,omitempty"`
	OpensAt             string      `json:"opens_at,omitempty"`
	ClosesAt            string      `json:"closes_at,omitempty"`
	ScheduleLink        string      `json:"schedule_link,omitempty"`
	AttendingType       string      `json:"attending_type,omitempty"`
	Notes               string      `json:"notes,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	Metadata            []Metadata  `json:"metadata,omitempty"`
}

// ServiceArea is an HSDS 3.0 service_area. The directory names areas
// "London", "Kent Surrey and Sussex", "England", "Wales", "Scotland",
// "Northern Ireland", "United Kingdom" or "Ireland", and also links each
// service to the matching term of the "regions" taxonomy.
type ServiceArea struct {
	ID          string      `json:"id"`
	ServiceID   string      `json:"service_id,omitempty"`
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Extent      string      `json:"extent,omitempty"`
	ExtentType  string      `json:"extent_type,omitempty"`
	URI         string      `json:"uri,omitempty"`
	Attributes  []Attribute `json:"attributes,omitempty"`
	Metadata    []Metadata  `json:"metadata,omitempty"`
}

// Attribute is an HSDS 3.0 attribute: the link between a record (LinkID,
// LinkEntity) and a taxonomy term. In the directory file LinkType holds the
// name of the term's taxonomy ("needs", "professions", ...), which makes the
// file readable by eye; Validate checks it agrees with the term.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id,omitempty"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	Value          string        `json:"value,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
	Metadata       []Metadata    `json:"metadata,omitempty"`
}

// Taxonomy is an HSDS 3.0 taxonomy: one vocabulary. In the directory the
// name is a stable slug ("needs", "professions", "regions", "membership",
// "access", "service-group").
type Taxonomy struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	URI         string     `json:"uri,omitempty"`
	Version     string     `json:"version,omitempty"`
	Metadata    []Metadata `json:"metadata,omitempty"`
}

// TaxonomyTerm is an HSDS 3.0 taxonomy_term. Code is a stable slug unique
// across all terms (e.g. "alcohol-and-drugs").
type TaxonomyTerm struct {
	ID             string     `json:"id"`
	Code           string     `json:"code,omitempty"`
	Name           string     `json:"name"`
	Description    string     `json:"description"`
	ParentID       string     `json:"parent_id,omitempty"`
	Taxonomy       string     `json:"taxonomy,omitempty"`
	TaxonomyDetail *Taxonomy  `json:"taxonomy_detail,omitempty"`
	Language       string     `json:"language,omitempty"`
	TaxonomyID     string     `json:"taxonomy_id,omitempty"`
	TermURI        string     `json:"term_uri,omitempty"`
	Metadata       []Metadata `json:"metadata,omitempty"`
}

// Metadata is an HSDS 3.0 metadata record (provenance of a change).
type Metadata struct {
	ID               string `json:"id"`
	ResourceID       string `json:"resource_id,omitempty"`
	ResourceType     string `json:"resource_type,omitempty"`
	LastActionDate   string `json:"last_action_date"`
	LastActionType   string `json:"last_action_type"`
	FieldName        string `json:"field_name"`
	PreviousValue    string `json:"previous_value"`
	ReplacementValue string `json:"replacement_value"`
	UpdatedBy        string `json:"updated_by"`
}

// Resource is the directory's extension to HSDS for things that are read,
// not used: reports, frameworks, guidance and strategies. They are not
// services (there is nobody to contact) and so are kept apart from them.
type Resource struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// OrganizationID is the publisher, when the publisher is one of the
	// dataset's organizations.
	OrganizationID string `json:"organization_id,omitempty"`
	// Kind is one of ResourceKinds.
	Kind string `json:"kind"`
	// URL is where to read it: an https address, when the unit knows one.
	URL string `json:"url,omitempty"`
	// Topics are the codes of the "needs" terms it is about, the main one
	// first: the reading page groups resources by their first topic, and a
	// search that names a need shows the resources about it.
	Topics []string `json:"topics,omitempty"`
}
