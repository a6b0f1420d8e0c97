package hsds

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is one broken rule: which record, which field (a path inside
// the record such as "phones[0].number") and what is wrong with it.
type FieldError struct {
	// Record is the kind of record: "dataset", "taxonomy", "taxonomy term",
	// "organization", "service" or "resource".
	Record string
	// Name identifies the record: its name, else its id, else "#<index>".
	Name string
	// Path is the field path inside the record.
	Path string
	// Problem says what is wrong, e.g. "is empty".
	Problem string
}

// Error renders the problem as
//
//	service 'Sick Doctors Trust': phones[0].number is empty
func (e FieldError) Error() string {
	if e.Record == "dataset" {
		return fmt.Sprintf("dataset: %s %s", e.Path, e.Problem)
	}
	return fmt.Sprintf("%s '%s': %s %s", e.Record, e.Name, e.Path, e.Problem)
}

// ValidationErrors is every rule a Dataset breaks, in file order.
type ValidationErrors []FieldError

func (v ValidationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Validate checks the directory's rules and returns nil or a
// ValidationErrors listing every problem:
//
//   - hsds_version is "3.0";
//   - every id (of every record, phone, schedule, service area, attribute and
//     metadata entry) is a UUID and no id is used twice anywhere;
//   - required names and descriptions are present; organization, service,
//     resource and taxonomy names are unique, term codes are unique slugs;
//   - every service's organization_id names an existing organization (the
//     one it is listed under); every attribute's taxonomy_term_id names an
//     existing term, every term's taxonomy_id an existing taxonomy, and every
//     parent_organization_id / parent_id / resource organization_id an
//     existing record;
//   - service status is one of the HSDS values;
//   - phone numbers are non-empty and not repeated within a record;
//   - schedule times are HH:MM or HH:MM:SS (optionally with Z or an offset),
//     come in opens_at/closes_at pairs, and freq, wkst, byday and dates are
//     well formed;
//   - the same taxonomy term is not attached twice to one record and the same
//     service area is not listed twice.
func (d *Dataset) Validate() error {
	v := &validator{
		ids:         map[string]string{},
		taxonomies:  map[string]*Taxonomy{},
		terms:       map[string]*TaxonomyTerm{},
		termsByCode: map[string]*TaxonomyTerm{},
		orgs:        map[string]*Organization{},
	}
	v.run(d)
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	slugRE  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	timeRE  = regexp.MustCompile(`^([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|[+-]([0-9]{2}):([0-9]{2}))?$`)
	bydayRE = regexp.MustCompile(`^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$`)
)

var weekdays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// IsUUID reports whether s is a UUID in the canonical 8-4-4-4-12 form.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

type validator struct {
	errs ValidationErrors
	// ids maps a lower-cased id to a description of its first owner.
	ids         map[string]string
	taxonomies  map[string]*Taxonomy
	terms       map[string]*TaxonomyTerm
	termsByCode map[string]*TaxonomyTerm
	orgs        map[string]*Organization
}

// rec is the record currently being checked.
type rec struct {
	kind, name string
}

func label(name, id string, i int) string {
	switch {
	case strings.TrimSpace(name) != "":
		return name
	case id != "":
		return id
	default:
		return "#" + strconv.Itoa(i)
	}
}

func (v *validator) add(r rec, path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Record: r.kind, Name: r.name, Path: path, Problem: fmt.Sprintf(format, args...)})
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// checkID checks that id is a UUID and claims it; owner describes the
// claimant for duplicate messages.
func (v *validator) checkID(r rec, path, id string) {
	if blank(id) {
		v.add(r, path, "is empty")
		return
	}
	if !IsUUID(id) {
		v.add(r, path, "'%s' is not a UUID", id)
		return
	}
	key := strings.ToLower(id)
	owner := fmt.Sprintf("%s '%s'", r.kind, r.name)
	if path != "id" {
		owner += " " + path
	}
	if prev, ok := v.ids[key]; ok {
		v.add(r, path, "'%s' is a duplicate: already used by %s", id, prev)
		return
	}
	v.ids[key] = owner
}

func (v *validator) run(d *Dataset) {
	if d.HSDSVersion != Version {
		v.add(rec{kind: "dataset"}, "hsds_version", "is '%s', want '%s'", d.HSDSVersion, Version)
	}

	// Index first, so that references may point forwards in the file.
	for i := range d.Taxonomies {
		t := &d.Taxonomies[i]
		if IsUUID(t.ID) {
			if _, dup := v.taxonomies[strings.ToLower(t.ID)]; !dup {
				v.taxonomies[strings.ToLower(t.ID)] = t
			}
		}
	}
	for i := range d.TaxonomyTerms {
		t := &d.TaxonomyTerms[i]
		if IsUUID(t.ID) {
			if _, dup := v.terms[strings.ToLower(t.ID)]; !dup {
				v.terms[strings.ToLower(t.ID)] = t
			}
		}
		if _, dup := v.termsByCode[t.Code]; !dup && t.Code != "" {
			v.termsByCode[t.Code] = t
		}
	}
	for i := range d.Organizations {
		o := &d.Organizations[i]
		if IsUUID(o.ID) {
			if _, dup := v.orgs[strings.ToLower(o.ID)]; !dup {
				v.orgs[strings.ToLower(o.ID)] = o
			}
		}
	}

	v.checkTaxonomies(d.Taxonomies)
	v.checkTerms(d.TaxonomyTerms)
	serviceNames := map[string]string{}
	orgNames := map[string]bool{}
	for i := range d.Organizations {
		v.checkOrganization(i, &d.Organizations[i], orgNames, serviceNames)
	}
	v.checkResources(d.Resources)
}

func (v *validator) checkTaxonomies(ts []Taxonomy) {
	names := map[string]bool{}
	for i, t := range ts {
		r := rec{"taxonomy", label(t.Name, t.ID, i)}
		v.checkID(r, "id", t.ID)
		if blank(t.Name) {
			v.add(r, "name", "is empty")
		} else if k := strings.ToLower(strings.TrimSpace(t.Name)); names[k] {
			v.add(r, "name", "is a duplicate: another taxonomy has the same name")
		} else {
			names[k] = true
		}
		if blank(t.Description) {
			v.add(r, "description", "is empty")
		}
		v.checkMetadata(r, "", t.Metadata)
	}
}

func (v *validator) checkTerms(ts []TaxonomyTerm) {
	codes := map[string]bool{}
	names := map[string]bool{} // taxonomy id + "\x00" + name
	for i, t := range ts {
		r := rec{"taxonomy term", label(t.Name, t.ID, i)}
		v.checkID(r, "id", t.ID)
		if blank(t.Name) {
			v.add(r, "name", "is empty")
		}
		if blank(t.Description) {
			v.add(r, "description", "is empty")
		}
		switch {
		case blank(t.Code):
			v.add(r, "code", "is empty")
		case !slugRE.MatchString(t.Code):
			v.add(r, "code", "'%s' is not a lower-case slug such as 'alcohol-and-drugs'", t.Code)
		case codes[t.Code]:
			v.add(r, "code", "'%s' is a duplicate: another term has the same code", t.Code)
		default:
			codes[t.Code] = true
		}
		var tax *Taxonomy
		if blank(t.TaxonomyID) {
			v.add(r, "taxonomy_id", "is empty")
		} else if tax = v.taxonomies[strings.ToLower(t.TaxonomyID)]; tax == nil {
			v.add(r, "taxonomy_id", "'%s' does not match any taxonomy", t.TaxonomyID)
		}
		if tax != nil {
			if t.Taxonomy != "" && t.Taxonomy != tax.Name {
				v.add(r, "taxonomy", "is '%s' but taxonomy_id names taxonomy '%s'", t.Taxonomy, tax.Name)
			}
			if !blank(t.Name) {
				k := strings.ToLower(tax.ID) + "\x00" + strings.ToLower(strings.TrimSpace(t.Name))
				if names[k] {
					v.add(r, "name", "is a duplicate: taxonomy '%s' already has a term with this name", tax.Name)
				}
				names[k] = true
			}
		}
		if t.TaxonomyDetail != nil && !strings.EqualFold(t.TaxonomyDetail.ID, t.TaxonomyID) {
			v.add(r, "taxonomy_detail.id", "'%s' differs from taxonomy_id '%s'", t.TaxonomyDetail.ID, t.TaxonomyID)
		}
		if t.ParentID != "" {
			switch {
			case strings.EqualFold(t.ParentID, t.ID):
				v.add(r, "parent_id", "is the term itself")
			case v.terms[strings.ToLower(t.ParentID)] == nil:
				v.add(r, "parent_id", "'%s' does not match any taxonomy term", t.ParentID)
			}
		}
		v.checkMetadata(r, "", t.Metadata)
	}
}

func (v *validator) checkOrganization(i int, o *Organization, orgNames map[string]bool, serviceNames map[string]string) {
	r := rec{"organization", label(o.Name, o.ID, i)}
	v.checkID(r, "id", o.ID)
	if blank(o.Name) {
		v.add(r, "name", "is empty")
	} else if k := strings.ToLower(strings.TrimSpace(o.Name)); orgNames[k] {
		v.add(r, "name", "is a duplicate: another organization has the same name")
	} else {
		orgNames[k] = true
	}
	if blank(o.Description) {
		v.add(r, "description", "is empty")
	}
	if o.ParentOrganizationID != "" {
		switch {
		case strings.EqualFold(o.ParentOrganizationID, o.ID):
			v.add(r, "parent_organization_id", "is the organization itself")
		case v.orgs[strings.ToLower(o.ParentOrganizationID)] == nil:
			v.add(r, "parent_organization_id", "'%s' does not match any organization", o.ParentOrganizationID)
		}
	}
	v.checkPhones(r, "", o.ID, "organization_id", o.Phones)
	v.checkAttributes(r, "", o.ID, LinkEntityOrganization, o.Attributes)
	v.checkMetadata(r, "", o.Metadata)
	for j := range o.Services {
		v.checkService(j, &o.Services[j], o, serviceNames)
	}
}

func (v *validator) checkService(i int, s *Service, parent *Organization, names map[string]string) {
	r := rec{"service", label(s.Name, s.ID, i)}
	v.checkID(r, "id", s.ID)
	if blank(s.Name) {
		v.add(r, "name", "is empty")
	} else if k := strings.ToLower(strings.TrimSpace(s.Name)); names[k] != "" {
		v.add(r, "name", "is a duplicate: organization '%s' already has a service with this name", names[k])
	} else {
		names[k] = label(parent.Name, parent.ID, 0)
	}
	switch {
	case blank(s.OrganizationID):
		v.add(r, "organization_id", "is empty")
	case v.orgs[strings.ToLower(s.OrganizationID)] == nil:
		v.add(r, "organization_id", "'%s' does not match any organization", s.OrganizationID)
	case !strings.EqualFold(s.OrganizationID, parent.ID):
		v.add(r, "organization_id", "'%s' is not the organization it is listed under ('%s')", s.OrganizationID, parent.ID)
	}
	switch {
	case s.Status == "":
		v.add(r, "status", "is empty")
	case !slices.Contains(Statuses, s.Status):
		v.add(r, "status", "'%s' is not one of %s", s.Status, quoteList(Statuses))
	}
	if s.AssuredDate != "" && !isDate(s.AssuredDate) {
		v.add(r, "assured_date", "'%s' is not a date (YYYY-MM-DD)", s.AssuredDate)
	}
	if s.LastModified != "" {
		if _, err := time.Parse(time.RFC3339, s.LastModified); err != nil {
			v.add(r, "last_modified", "'%s' is not an RFC 3339 date-time", s.LastModified)
		}
	}
	if s.MinimumAge != nil && s.MaximumAge != nil && *s.MinimumAge > *s.MaximumAge {
		v.add(r, "minimum_age", "is greater than maximum_age")
	}
	v.checkPhones(r, "", s.ID, "service_id", s.Phones)
	v.checkSchedules(r, s.ID, s.Schedules)
	v.checkServiceAreas(r, s.ID, s.ServiceAreas)
	v.checkAttributes(r, "", s.ID, LinkEntityService, s.Attributes)
	v.checkMetadata(r, "", s.Metadata)
}

// checkPhones checks phones of the record with id owner; ownerField is the
// phone member that, when set, must equal owner ("service_id" or
// "organization_id").
func (v *validator) checkPhones(r rec, prefix, owner, ownerField string, phones []Phone) {
	seen := map[string]int{}
	for i, p := range phones {
		path := join(prefix, fmt.Sprintf("phones[%d]", i))
		v.checkID(r, path+".id", p.ID)
		if blank(p.Number) {
			v.add(r, path+".number", "is empty")
		} else if first, dup := seen[p.Number]; dup {
			v.add(r, path+".number", "'%s' is a duplicate of phones[%d]", p.Number, first)
		} else {
			seen[p.Number] = i
		}
		ref := p.ServiceID
		if ownerField == "organization_id" {
			ref = p.OrganizationID
		}
		if ref != "" && !strings.EqualFold(ref, owner) {
			v.add(r, path+"."+ownerField, "'%s' is not the record the phone is listed under", ref)
		}
		if p.Extension != nil && *p.Extension < 0 {
			v.add(r, path+".extension", "is negative")
		}
		v.checkAttributes(r, path, p.ID, "phone", p.Attributes)
		v.checkMetadata(r, path, p.Metadata)
	}
}

func (v *validator) checkSchedules(r rec, owner string, ss []Schedule) {
	for i, s := range ss {
		path := fmt.Sprintf("schedules[%d]", i)
		v.checkID(r, path+".id", s.ID)
		if s.ServiceID != "" && !strings.EqualFold(s.ServiceID, owner) {
			v.add(r, path+".service_id", "'%s' is not the service the schedule is listed under", s.ServiceID)
		}
		opens, okOpen := checkTime(s.OpensAt)
		closes, okClose := checkTime(s.ClosesAt)
		if s.OpensAt != "" && !okOpen {
			v.add(r, path+".opens_at", "'%s' is not a valid time (HH:MM or HH:MM:SS)", s.OpensAt)
		}
		if s.ClosesAt != "" && !okClose {
			v.add(r, path+".closes_at", "'%s' is not a valid time (HH:MM or HH:MM:SS)", s.ClosesAt)
		}
		switch {
		case s.OpensAt != "" && s.ClosesAt == "":
			v.add(r, path+".closes_at", "is empty but opens_at is set")
		case s.OpensAt == "" && s.ClosesAt != "":
			v.add(r, path+".opens_at", "is empty but closes_at is set")
		case okOpen && okClose && opens == closes:
			v.add(r, path+".closes_at", "'%s' is the same as opens_at", s.ClosesAt)
		}
		if s.Freq != "" && s.Freq != "WEEKLY" && s.Freq != "MONTHLY" {
			v.add(r, path+".freq", "'%s' is not one of 'WEEKLY', 'MONTHLY'", s.Freq)
		}
		if s.WKST != "" && !slices.Contains(weekdays, s.WKST) {
			v.add(r, path+".wkst", "'%s' is not one of %s", s.WKST, quoteList(weekdays))
		}
		if s.ByDay != "" {
			seen := map[string]bool{}
			for _, day := range strings.Split(s.ByDay, ",") {
				m := bydayRE.FindStringSubmatch(day)
				switch {
				case m == nil:
					v.add(r, path+".byday", "'%s' has an invalid day '%s'", s.ByDay, day)
				case m[1] != "" && s.Freq != "MONTHLY":
					v.add(r, path+".byday", "'%s' numbers a day ('%s') but freq is not MONTHLY", s.ByDay, day)
				case seen[day]:
					v.add(r, path+".byday", "'%s' repeats '%s'", s.ByDay, day)
				}
				seen[day] = true
			}
		}
		for _, f := range []struct{ name, val string }{
			{"valid_from", s.ValidFrom}, {"valid_to", s.ValidTo}, {"dtstart", s.DTStart}, {"until", s.Until},
		} {
			if f.val != "" && !isDate(f.val) {
				v.add(r, path+"."+f.name, "'%s' is not a date (YYYY-MM-DD)", f.val)
			}
		}
		if isDate(s.ValidFrom) && isDate(s.ValidTo) && s.ValidTo < s.ValidFrom {
			v.add(r, path+".valid_to", "'%s' is before valid_from '%s'", s.ValidTo, s.ValidFrom)
		}
		for _, f := range []struct {
			name string
			val  *float64
		}{{"interval", s.Interval}, {"count", s.Count}} {
			if f.val != nil && (*f.val < 1 || *f.val != float64(int64(*f.val))) {
				v.add(r, path+"."+f.name, "is %v, want a whole number of at least 1", *f.val)
			}
		}
		v.checkAttributes(r, path, s.ID, "schedule", s.Attributes)
		v.checkMetadata(r, path, s.Metadata)
	}
}

func (v *validator) checkServiceAreas(r rec, owner string, as []ServiceArea) {
	seen := map[string]int{}
	for i, a := range as {
		path := fmt.Sprintf("service_areas[%d]", i)
		v.checkID(r, path+".id", a.ID)
		if a.ServiceID != "" && !strings.EqualFold(a.ServiceID, owner) {
			v.add(r, path+".service_id", "'%s' is not the service the area is listed under", a.ServiceID)
		}
		k := strings.ToLower(strings.TrimSpace(a.Name))
		if first, dup := seen[k]; k == "" {
			v.add(r, path+".name", "is empty")
		} else if dup {
			v.add(r, path+".name", "'%s' is a duplicate of service_areas[%d]", a.Name, first)
		} else {
			seen[k] = i
		}
		v.checkAttributes(r, path, a.ID, "service_area", a.Attributes)
		v.checkMetadata(r, path, a.Metadata)
	}
}

// checkAttributes checks the attributes of the record (or sub-record at
// prefix) whose id is owner and whose HSDS table is entity.
func (v *validator) checkAttributes(r rec, prefix, owner, entity string, as []Attribute) {
	seen := map[string]int{}
	for i, a := range as {
		path := join(prefix, fmt.Sprintf("attributes[%d]", i))
		v.checkID(r, path+".id", a.ID)
		var term *TaxonomyTerm
		switch {
		case blank(a.TaxonomyTermID):
			v.add(r, path+".taxonomy_term_id", "is empty")
		case v.terms[strings.ToLower(a.TaxonomyTermID)] == nil:
			v.add(r, path+".taxonomy_term_id", "'%s' does not match any taxonomy term", a.TaxonomyTermID)
		default:
			term = v.terms[strings.ToLower(a.TaxonomyTermID)]
			k := strings.ToLower(a.TaxonomyTermID) + "\x00" + a.Value
			if first, dup := seen[k]; dup {
				v.add(r, path+".taxonomy_term_id", "'%s' (%s) is a duplicate of attributes[%d]", a.TaxonomyTermID, term.Code, first)
			} else {
				seen[k] = i
			}
		}
		if a.LinkID != "" && !strings.EqualFold(a.LinkID, owner) {
			v.add(r, path+".link_id", "'%s' is not the record the attribute is listed under", a.LinkID)
		}
		if a.LinkEntity != "" && a.LinkEntity != entity {
			v.add(r, path+".link_entity", "is '%s', want '%s'", a.LinkEntity, entity)
		}
		if term != nil && a.LinkType != "" {
			if tax := v.taxonomies[strings.ToLower(term.TaxonomyID)]; tax != nil && a.LinkType != tax.Name {
				v.add(r, path+".link_type", "is '%s' but term '%s' belongs to taxonomy '%s'", a.LinkType, term.Code, tax.Name)
			}
		}
		if a.TaxonomyTerm != nil && !strings.EqualFold(a.TaxonomyTerm.ID, a.TaxonomyTermID) {
			v.add(r, path+".taxonomy_term.id", "'%s' differs from taxonomy_term_id '%s'", a.TaxonomyTerm.ID, a.TaxonomyTermID)
		}
		v.checkMetadata(r, path, a.Metadata)
	}
}

func (v *validator) checkMetadata(r rec, prefix string, ms []Metadata) {
	for i, m := range ms {
		path := join(prefix, fmt.Sprintf("metadata[%d]", i))
		v.checkID(r, path+".id", m.ID)
		if m.ResourceID != "" && !IsUUID(m.ResourceID) {
			v.add(r, path+".resource_id", "'%s' is not a UUID", m.ResourceID)
		}
		for _, f := range []struct{ name, val string }{
			{"last_action_date", m.LastActionDate}, {"last_action_type", m.LastActionType},
			{"field_name", m.FieldName}, {"updated_by", m.UpdatedBy},
		} {
			if blank(f.val) {
				v.add(r, path+"."+f.name, "is empty")
			}
		}
	}
}

func (v *validator) checkResources(rs []Resource) {
	names := map[string]bool{}
	for i, res := range rs {
		r := rec{"resource", label(res.Name, res.ID, i)}
		v.checkID(r, "id", res.ID)
		if blank(res.Name) {
			v.add(r, "name", "is empty")
		} else if k := strings.ToLower(strings.TrimSpace(res.Name)); names[k] {
			v.add(r, "name", "is a duplicate: another resource has the same name")
		} else {
			names[k] = true
		}
		if blank(res.Description) {
			v.add(r, "description", "is empty")
		}
		switch {
		case res.Kind == "":
			v.add(r, "kind", "is empty")
		case !slices.Contains(ResourceKinds, res.Kind):
			v.add(r, "kind", "'%s' is not one of %s", res.Kind, quoteList(ResourceKinds))
		}
		if res.OrganizationID != "" && v.orgs[strings.ToLower(res.OrganizationID)] == nil {
			v.add(r, "organization_id", "'%s' does not match any organization", res.OrganizationID)
		}
		if res.URL != "" && !IsHTTPS(res.URL) {
			v.add(r, "url", "'%s' is not an https address", res.URL)
		}
		seen := map[string]bool{}
		for j, code := range res.Topics {
			path := fmt.Sprintf("topics[%d]", j)
			switch t := v.termsByCode[code]; {
			case t == nil:
				v.add(r, path, "'%s' does not match the code of any taxonomy term", code)
			case v.taxonomies[strings.ToLower(t.TaxonomyID)] == nil || v.taxonomies[strings.ToLower(t.TaxonomyID)].Name != TopicTaxonomy:
				v.add(r, path, "'%s' is not a term of the '%s' taxonomy", code, TopicTaxonomy)
			case seen[code]:
				v.add(r, path, "'%s' is a duplicate", code)
			}
			seen[code] = true
		}
	}
}

// TopicTaxonomy is the taxonomy whose terms a resource's topics name.
const TopicTaxonomy = "needs"

// IsHTTPS reports whether s is an absolute https address with a host, and
// nothing a person could be fooled by: no user name or password in it, no
// spaces.
func IsHTTPS(s string) bool {
	if strings.ContainsAny(s, " \t\n\r") || !utf8.ValidString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.User == nil && u.Host != "" && u.Hostname() != "" && !strings.HasPrefix(u.Host, ".")
}

// checkTime parses an HSDS time and returns it as seconds since midnight
// (ignoring any zone) and whether it is valid.
func checkTime(s string) (int, bool) {
	m := timeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec := 0
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	if m[5] != "" {
		oh, _ := strconv.Atoi(m[5])
		om, _ := strconv.Atoi(m[6])
		if oh > 14 || om > 59 {
			return 0, false
		}
	}
	return h*3600 + mi*60 + sec, true
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return strings.Join(q, ", ")
}
