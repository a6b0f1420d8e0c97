package hsds

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// Fixed ids for the hand-built fixture.
const (
	taxNeeds   = "10000000-0000-4000-8000-000000000001"
	termAlc    = "20000000-0000-4000-8000-000000000001"
	termCrisis = "20000000-0000-4000-8000-000000000002"
	orgSDT     = "30000000-0000-4000-8000-000000000001"
	orgBMA     = "30000000-0000-4000-8000-000000000002"
	svcSDT     = "40000000-0000-4000-8000-000000000001"
	svcBMA     = "40000000-0000-4000-8000-000000000002"
	phoneSDT   = "50000000-0000-4000-8000-000000000001"
	schedSDT   = "60000000-0000-4000-8000-000000000001"
	areaSDT    = "70000000-0000-4000-8000-000000000001"
	attrSDT    = "80000000-0000-4000-8000-000000000001"
	attrSDT2   = "80000000-0000-4000-8000-000000000002"
	attrBMA    = "80000000-0000-4000-8000-000000000003"
	resReport  = "90000000-0000-4000-8000-000000000001"
)

// fixture returns a small dataset that passes Validate; each test breaks one
// thing in a fresh copy.
func fixture() *Dataset {
	return &Dataset{
		HSDSVersion: "3.0",
		Taxonomies:  []Taxonomy{{ID: taxNeeds, Name: "needs", Description: "What people need help with."}},
		TaxonomyTerms: []TaxonomyTerm{
			{ID: termAlc, Code: "alcohol-and-drugs", Name: "Alcohol and drugs", Description: "Drinking or drug use.", Taxonomy: "needs", TaxonomyID: taxNeeds},
			{ID: termCrisis, Code: "crisis", Name: "Crisis", Description: "Help now.", TaxonomyID: taxNeeds},
		},
		Organizations: []Organization{
			{
				ID: orgSDT, Name: "Sick Doctors Trust", Description: "A helpline.",
				Services: []Service{{
					ID: svcSDT, OrganizationID: orgSDT, Name: "Sick Doctors Trust", Status: "active",
					AssuredDate: "2026-11-22",
					Phones:      []Phone{{ID: phoneSDT, ServiceID: svcSDT, Number: "0370 444 5163"}},
					Schedules: []Schedule{{ID: schedSDT, ServiceID: svcSDT, Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR,SA,SU",
						OpensAt: "00:00", ClosesAt: "23:59"}},
					ServiceAreas: []ServiceArea{{ID: areaSDT, ServiceID: svcSDT, Name: "United Kingdom"}},
					Attributes: []Attribute{
						{ID: attrSDT, LinkID: svcSDT, LinkEntity: "service", LinkType: "needs", TaxonomyTermID: termAlc},
						{ID: attrSDT2, LinkID: svcSDT, LinkEntity: "service", TaxonomyTermID: termCrisis},
					},
				}},
			},
			{
				ID: orgBMA, Name: "British Medical Association", Description: "The BMA.",
				Services: []Service{{
					ID: svcBMA, OrganizationID: orgBMA, Name: "BMA advisers", Status: "active",
					Attributes: []Attribute{{ID: attrBMA, TaxonomyTermID: termCrisis}},
				}},
			},
		},
		Resources: []Resource{{ID: resReport, Name: "A report", Description: "About wellbeing.", OrganizationID: orgBMA, Kind: "report",
			URL: "https://example.org/report", Topics: []string{"alcohol-and-drugs"}}},
	}
}

func TestValidateFixtureIsValid(t *testing.T) {
	if err := fixture().Validate(); err != nil {
		t.Fatalf("fixture should be valid, got:\n%v", err)
	}
}

// TestValidateMessages breaks one rule at a time and asserts the exact
// message(s): record kind and name, field path, problem.
func TestValidateMessages(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(d *Dataset)
		want   []string
	}{
		{
			name:   "empty phone number",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Phones[0].Number = "" },
			want:   []string{"service 'Sick Doctors Trust': phones[0].number is empty"},
		},
		{
			name:   "blank phone number",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Phones[0].Number = "   " },
			want:   []string{"service 'Sick Doctors Trust': phones[0].number is empty"},
		},
		{
			name: "duplicate phone number in one service",
			mutate: func(d *Dataset) {
				s := &d.Organizations[0].Services[0]
				s.Phones = append(s.Phones, Phone{ID: "50000000-0000-4000-8000-000000000002", Number: "0370 444 5163"})
			},
			want: []string{"service 'Sick Doctors Trust': phones[1].number '0370 444 5163' is a duplicate of phones[0]"},
		},
		{
			name: "unknown organization_id",
			mutate: func(d *Dataset) {
				d.Organizations[1].Services[0].OrganizationID = "30000000-0000-4000-8000-0000000000ff"
			},
			want: []string{"service 'BMA advisers': organization_id '30000000-0000-4000-8000-0000000000ff' does not match any organization"},
		},
		{
			name:   "organization_id of another organization",
			mutate: func(d *Dataset) { d.Organizations[1].Services[0].OrganizationID = orgSDT },
			want: []string{"service 'BMA advisers': organization_id '" + orgSDT +
				"' is not the organization it is listed under ('" + orgBMA + "')"},
		},
		{
			name:   "empty organization_id",
			mutate: func(d *Dataset) { d.Organizations[1].Services[0].OrganizationID = "" },
			want:   []string{"service 'BMA advisers': organization_id is empty"},
		},
		{
			name:   "duplicate service id",
			mutate: func(d *Dataset) { d.Organizations[1].Services[0].ID = svcSDT },
			want:   []string{"service 'BMA advisers': id '" + svcSDT + "' is a duplicate: already used by service 'Sick Doctors Trust'"},
		},
		{
			name:   "phone id reuses an organization id",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Phones[0].ID = orgBMA },
			want: []string{
				// The organization comes later in the file, so the phone claims
				// the id first and the organization is reported.
				"organization 'British Medical Association': id '" + orgBMA + "' is a duplicate: already used by service 'Sick Doctors Trust' phones[0].id",
			},
		},
		{
			name:   "id not a UUID",
			mutate: func(d *Dataset) { d.Resources[0].ID = "report-1" },
			want:   []string{"resource 'A report': id 'report-1' is not a UUID"},
		},
		{
			name: "unknown taxonomy term",
			mutate: func(d *Dataset) {
				d.Organizations[0].Services[0].Attributes[0].TaxonomyTermID = "20000000-0000-4000-8000-0000000000ff"
			},
			want: []string{"service 'Sick Doctors Trust': attributes[0].taxonomy_term_id '20000000-0000-4000-8000-0000000000ff' does not match any taxonomy term"},
		},
		{
			name: "same term twice",
			mutate: func(d *Dataset) {
				d.Organizations[0].Services[0].Attributes[1].TaxonomyTermID = termAlc
			},
			want: []string{"service 'Sick Doctors Trust': attributes[1].taxonomy_term_id '" + termAlc + "' (alcohol-and-drugs) is a duplicate of attributes[0]"},
		},
		{
			name:   "link_type disagrees with term's taxonomy",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Attributes[0].LinkType = "regions" },
			want:   []string{"service 'Sick Doctors Trust': attributes[0].link_type is 'regions' but term 'alcohol-and-drugs' belongs to taxonomy 'needs'"},
		},
		{
			name:   "attribute linked to another record",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Attributes[0].LinkID = svcBMA },
			want:   []string{"service 'Sick Doctors Trust': attributes[0].link_id '" + svcBMA + "' is not the record the attribute is listed under"},
		},
		{
			name:   "status not an HSDS value",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Status = "open" },
			want:   []string{"service 'Sick Doctors Trust': status 'open' is not one of 'active', 'inactive', 'defunct', 'temporarily closed'"},
		},
		{
			name:   "status empty",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Status = "" },
			want:   []string{"service 'Sick Doctors Trust': status is empty"},
		},
		{
			name:   "opens_at out of range",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Schedules[0].OpensAt = "24:00" },
			want:   []string{"service 'Sick Doctors Trust': schedules[0].opens_at '24:00' is not a valid time (HH:MM or HH:MM:SS)"},
		},
		{
			name:   "closes_at not a time",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Schedules[0].ClosesAt = "midnight" },
			want:   []string{"service 'Sick Doctors Trust': schedules[0].closes_at 'midnight' is not a valid time (HH:MM or HH:MM:SS)"},
		},
		{
			name:   "opens_at without closes_at",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Schedules[0].ClosesAt = "" },
			want:   []string{"service 'Sick Doctors Trust': schedules[0].closes_at is empty but opens_at is set"},
		},
		{
			name:   "bad byday",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Schedules[0].ByDay = "MO,XX" },
			want:   []string{"service 'Sick Doctors Trust': schedules[0].byday 'MO,XX' has an invalid day 'XX'"},
		},
		{
			name:   "bad freq",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].Schedules[0].Freq = "DAILY" },
			want:   []string{"service 'Sick Doctors Trust': schedules[0].freq 'DAILY' is not one of 'WEEKLY', 'MONTHLY'"},
		},
		{
			name:   "bad assured_date",
			mutate: func(d *Dataset) { d.Organizations[0].Services[0].AssuredDate = "22/11/2026" },
			want:   []string{"service 'Sick Doctors Trust': assured_date '22/11/2026' is not a date (YYYY-MM-DD)"},
		},
		{
			name: "duplicate service area",
			mutate: func(d *Dataset) {
				s := &d.Organizations[0].Services[0]
				s.ServiceAreas = append(s.ServiceAreas, ServiceArea{ID: "70000000-0000-4000-8000-000000000002", Name: "united kingdom"})
			},
			want: []string{"service 'Sick Doctors Trust': service_areas[1].name 'united kingdom' is a duplicate of service_areas[0]"},
		},
		{
			name:   "duplicate service name",
			mutate: func(d *Dataset) { d.Organizations[1].Services[0].Name = "Sick Doctors Trust" },
			want:   []string{"service 'Sick Doctors Trust': name is a duplicate: organization 'Sick Doctors Trust' already has a service with this name"},
		},
		{
			name:   "duplicate organization name",
			mutate: func(d *Dataset) { d.Organizations[1].Name = "sick doctors trust" },
			want:   []string{"organization 'sick doctors trust': name is a duplicate: another organization has the same name"},
		},
		{
			name:   "service without a name is named by id",
			mutate: func(d *Dataset) { d.Organizations[1].Services[0].Name = "" },
			want:   []string{"service '" + svcBMA + "': name is empty"},
		},
		{
			name:   "term with unknown taxonomy",
			mutate: func(d *Dataset) { d.TaxonomyTerms[1].TaxonomyID = "10000000-0000-4000-8000-0000000000ff" },
			want:   []string{"taxonomy term 'Crisis': taxonomy_id '10000000-0000-4000-8000-0000000000ff' does not match any taxonomy"},
		},
		{
			name:   "duplicate term code",
			mutate: func(d *Dataset) { d.TaxonomyTerms[1].Code = "alcohol-and-drugs" },
			want:   []string{"taxonomy term 'Crisis': code 'alcohol-and-drugs' is a duplicate: another term has the same code"},
		},
		{
			name:   "term code not a slug",
			mutate: func(d *Dataset) { d.TaxonomyTerms[1].Code = "Crisis Now" },
			want:   []string{"taxonomy term 'Crisis': code 'Crisis Now' is not a lower-case slug such as 'alcohol-and-drugs'"},
		},
		{
			name:   "resource kind",
			mutate: func(d *Dataset) { d.Resources[0].Kind = "leaflet" },
			want:   []string{"resource 'A report': kind 'leaflet' is not one of 'report', 'framework', 'guidance', 'strategy'"},
		},
		{
			name:   "resource publisher unknown",
			mutate: func(d *Dataset) { d.Resources[0].OrganizationID = "30000000-0000-4000-8000-0000000000ee" },
			want:   []string{"resource 'A report': organization_id '30000000-0000-4000-8000-0000000000ee' does not match any organization"},
		},
		{
			name:   "resource address not https",
			mutate: func(d *Dataset) { d.Resources[0].URL = "http://example.org/report" },
			want:   []string{"resource 'A report': url 'http://example.org/report' is not an https address"},
		},
		{
			name:   "resource address with a password",
			mutate: func(d *Dataset) { d.Resources[0].URL = "https://me:secret@example.org/" },
			want:   []string{"resource 'A report': url 'https://me:secret@example.org/' is not an https address"},
		},
		{
			name:   "resource topics",
			mutate: func(d *Dataset) { d.Resources[0].Topics = []string{"crisis", "gardening", "crisis"} },
			want: []string{"resource 'A report': topics[1] 'gardening' does not match the code of any taxonomy term",
				"resource 'A report': topics[2] 'crisis' is a duplicate"},
		},
		{
			name: "resource topic of another taxonomy",
			mutate: func(d *Dataset) {
				d.Taxonomies = append(d.Taxonomies, Taxonomy{ID: "20000000-0000-4000-8000-0000000000aa", Name: "regions", Description: "Where."})
				d.TaxonomyTerms = append(d.TaxonomyTerms, TaxonomyTerm{ID: "10000000-0000-4000-8000-0000000000aa", Code: "london", Name: "London",
					Description: "London.", TaxonomyID: "20000000-0000-4000-8000-0000000000aa"})
				d.Resources[0].Topics = []string{"london"}
			},
			want: []string{"resource 'A report': topics[0] 'london' is not a term of the 'needs' taxonomy"},
		},
		{
			name:   "wrong hsds_version",
			mutate: func(d *Dataset) { d.HSDSVersion = "2.0" },
			want:   []string{"dataset: hsds_version is '2.0', want '3.0'"},
		},
		{
			name: "several problems are all reported, in file order",
			mutate: func(d *Dataset) {
				d.Organizations[0].Services[0].Phones[0].Number = ""
				d.Organizations[1].Services[0].Attributes[0].TaxonomyTermID = ""
			},
			want: []string{
				"service 'Sick Doctors Trust': phones[0].number is empty",
				"service 'BMA advisers': attributes[0].taxonomy_term_id is empty",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := fixture()
			tc.mutate(d)
			err := d.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			var verrs ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("Validate() error is %T, want ValidationErrors", err)
			}
			var got []string
			for _, e := range verrs {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Validate() messages:\n got: %q\nwant: %q", got, tc.want)
			}
			if err.Error() != strings.Join(tc.want, "\n") {
				t.Errorf("Error() = %q, want the messages joined by newlines", err.Error())
			}
		})
	}
}

func TestFieldErrorParts(t *testing.T) {
	d := fixture()
	d.Organizations[0].Services[0].Phones[0].Number = ""
	var verrs ValidationErrors
	if !errors.As(d.Validate(), &verrs) || len(verrs) != 1 {
		t.Fatalf("want exactly one ValidationErrors entry, got %v", verrs)
	}
	want := FieldError{Record: "service", Name: "Sick Doctors Trust", Path: "phones[0].number", Problem: "is empty"}
	if verrs[0] != want {
		t.Errorf("got %+v, want %+v", verrs[0], want)
	}
}

func TestCheckTime(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"00:00", true}, {"23:59", true}, {"10:00:00", true}, {"09:00Z", true}, {"09:00-05:00", true}, {"09:00:30+01:00", true},
		{"24:00", false}, {"12:60", false}, {"9:00", false}, {"", false}, {"09:00:61", false}, {"09:00+15:00", false}, {"noon", false},
	} {
		if _, ok := checkTime(tc.in); ok != tc.ok {
			t.Errorf("checkTime(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}
