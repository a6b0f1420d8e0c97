package seed

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/psu-project/psu/internal/directory/hsds"
)

// sourceDir holds the source documents when the test runs inside the
// project workspace; the tests that need it are skipped elsewhere.
var sourceDir = filepath.Join("..", "..", "..", "..", "shared", "seeds")

func load(t *testing.T) *hsds.Dataset {
	t.Helper()
	d, err := hsds.ParseDataset(bytes.NewReader(Directory))
	if err != nil {
		t.Fatalf("embedded directory.json does not parse: %v", err)
	}
	return d
}

type serviceRef struct {
	org *hsds.Organization
	svc *hsds.Service
}

func services(d *hsds.Dataset) map[string]serviceRef {
	m := map[string]serviceRef{}
	for i := range d.Organizations {
		o := &d.Organizations[i]
		for j := range o.Services {
			m[o.Services[j].Name] = serviceRef{o, &o.Services[j]}
		}
	}
	return m
}

func TestDirectoryParsesAndValidates(t *testing.T) {
	d := load(t)
	if err := d.Validate(); err != nil {
		t.Fatalf("directory.json breaks the directory rules:\n%v", err)
	}
	if err := d.ValidateSchema(); err != nil {
		t.Fatalf("directory.json does not match the HSDS 3.0 compiled schemas:\n%v", err)
	}
}

// TestEveryRecordMatchesHSDSSchemas validates each organization and each
// service from the raw file bytes (not re-marshalled Go values), so that
// nothing our types drop or add can hide a schema problem.
func TestEveryRecordMatchesHSDSSchemas(t *testing.T) {
	var raw struct {
		Organizations []json.RawMessage `json:"organizations"`
	}
	if err := json.Unmarshal(Directory, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Organizations) == 0 {
		t.Fatal("no organizations in directory.json")
	}
	nServices := 0
	for i, o := range raw.Organizations {
		if err := hsds.ValidateOrganizationJSON(o); err != nil {
			t.Errorf("organizations[%d]: %v", i, err)
		}
		var org struct {
			Services []json.RawMessage `json:"services"`
		}
		if err := json.Unmarshal(o, &org); err != nil {
			t.Fatal(err)
		}
		for j, s := range org.Services {
			nServices++
			if err := hsds.ValidateServiceJSON(s); err != nil {
				t.Errorf("organizations[%d].services[%d]: %v", i, j, err)
			}
		}
	}
	if nServices == 0 {
		t.Fatal("no services in directory.json")
	}
}

func TestWriteDatasetRoundTripsTheDirectory(t *testing.T) {
	d := load(t)
	var buf bytes.Buffer
	if err := hsds.WriteDataset(&buf, d); err != nil {
		t.Fatal(err)
	}
	again, err := hsds.ParseDataset(&buf)
	if err != nil {
		t.Fatalf("written directory does not parse: %v", err)
	}
	if !reflect.DeepEqual(d, again) {
		t.Error("writing and re-reading the directory changed it")
	}
}

// sourcePhones is every phone number in the three source documents, spelled
// character for character as the sources spell them.
var sourcePhones = []string{
	"020 3049 4505", // NHS Practitioner Health Programme; Occupational Mental Health Service (PHP HEE London)
	"0207 866 3271", // Professional Support Unit London
	"08459 200 169", // BMA Counselling Service and Doctors Advisory Service
	"01455 254 189", // the same, landline
	"0370 444 5163", // Sick Doctors Trust
	"020 7245 0412", // Psychiatrists' support service
	"020 7772 6369", // RCOG Mentoring Scheme
	"020 7869 6030", // RCS CSAS
}

// sourceServices lists every service named in the three sources with the
// phone numbers the sources give it (exactly, in order; nil = no number).
var sourceServices = []struct {
	source string
	org    string
	name   string
	phones []string
}{
	// 000: the Individual Support Team page and the alternatives it names.
	{"000", "Professional Support Unit London", "Individual Support Team", nil},
	{"000", "KSS Professional Support & Wellbeing Service", "KSS Professional Support & Wellbeing Service", nil},
	{"000", "Londonwide Medical Committee", "Londonwide Medical Committee", nil},
	{"000", "British Medical Association", "British Medical Association", nil},
	{"000", "NHS Practitioner Health", "NHS Practitioner Health", []string{"020 3049 4505"}},
	// 001: Support for Doctors in Training.
	{"001", "NHS Practitioner Health", "Occupational Mental Health Service (PHP HEE London)", []string{"020 3049 4505"}},
	{"001", "Professional Support Unit London", "Professional Support Unit London", []string{"0207 866 3271"}},
	{"001", "Professional Support Unit London", "PSU London careers advice", nil},
	{"001", "Professional Support Unit London", "PSU London coaching and mentoring", nil},
	{"001", "Professional Support Unit London", "PSU London communication skills support", nil},
	{"001", "British Medical Association", "BMA Counselling Service and Doctors Advisory Service", []string{"08459 200 169", "01455 254 189"}},
	{"001", "British Doctors and Dentists Group", "British Doctors and Dentists Group", nil},
	{"001", "Hope 4 Medics", "Hope 4 Medics", nil},
	{"001", "Doctors Support Group", "Doctors Support Group", nil},
	{"001", "Doctors Support Network", "Doctors Support Network (DSN)", nil},
	{"001", "Sick Doctors Trust", "Sick Doctors Trust", []string{"0370 444 5163"}},
	{"001", "The Royal College of Psychiatrists", "Psychiatrists' support service", []string{"020 7245 0412"}},
	{"001", "The Royal College of Obstetricians and Gynaecologists", "Royal College of Obstetricians and Gynaecologists Mentoring Scheme", []string{"020 7772 6369"}},
	{"001", "The Royal College of Surgeons England", "Royal College of Surgeons Confidential Support and Advice Services for Surgeons (CSAS)", []string{"020 7869 6030"}},
	{"001", "Your own department or employer", "Occupational Health Department", nil},
	{"001", "Your own department or employer", "Educational supervisors", nil},
	{"001", "Your own department or employer", "Training programme directors", nil},
	// 002: Support for doctors. Local department first.
	{"002", "Your own department or employer", "Clinical Supervisors", nil},
	{"002", "Your own department or employer", "Freedom to Speak up Guardians (England)", nil},
	{"002", "Your own department or employer", "Medical Director", nil},
	{"002", "Your own department or employer", "Guardian of safe working", nil},
	{"002", "Your own department or employer", "Champions of flexible working", nil},
	{"002", "Your own department or employer", "HR department", nil},
	{"002", "Your own department or employer", "Junior doctor forum", nil},
	{"002", "Health Education England", "Support through your specialty or foundation school", nil},
	{"002", "Scotland Deanery", "Scotland Deanery support for trainees", nil},
	{"002", "Wales Deanery", "Wales Deanery Professional Support Unit", nil},
	{"002", "Northern Ireland Deanery", "Northern Ireland Professional Support and Wellbeing team", nil},
	{"002", "The Royal College of Anaesthetists", "Wellbeing and support", nil},
	{"002", "The Royal College of General Practitioners", "GP Wellbeing", nil},
	{"002", "Faculty of Intensive Care Medicine", "The wellbeing Centre", nil},
	{"002", "The Royal College of Obstetricians and Gynaecologists", "Supporting our Doctors", nil},
	{"002", "The Royal College of Obstetricians and Gynaecologists", "Advice and support for trainees", nil},
	{"002", "The Royal College of Paediatrics and Child Health", "Where to go for help and support for doctors' wellbeing", nil},
	{"002", "The Royal College of Paediatrics and Child Health", "Your wellbeing", nil},
	{"002", "The Royal College of Paediatrics and Child Health", "Lifelong careers in paediatrics", nil},
	{"002", "Faculty of Pharmaceutical Medicine", "GPMP Support Network", nil},
	{"002", "The Royal College of Physicians", "Mental health and wellbeing", nil},
	{"002", "The Royal College of Physicians of Ireland", "Trainee Wellbeing programme", nil},
	{"002", "The Royal College of Psychiatrists", "Supporting your professional development", nil},
	{"002", "The Royal College of Psychiatrists", "Supported and valued", nil},
	{"002", "The Royal College of Surgeons Edinburgh", "LetsRemoveIt", nil},
	{"002", "The Royal College of Surgeons England", "Supporting the wellbeing of surgeons and surgical teams during COVID-19 and beyond", nil},
	{"002", "British Medical Association", "BMA Doctor support service", nil},
	{"002", "British Medical Association", "BMA advisers", nil},
	{"002", "British Medical Association", "BMA Charities", nil},
	{"002", "General Medical Council", "Your health matters", nil},
	{"002", "General Medical Council", "Support for doctors", nil},
	{"002", "Medical Practitioners Tribunal Service", "MPTS Doctor Contact Service", nil},
	{"002", "Medical defence organisations", "Medical defence organisation support", nil},
	{"002", "DocHealth", "DocHealth", nil},
	{"002", "Canopi", "Canopi", nil},
	{"002", "Gamcare", "Gamcare", nil},
	{"002", "Gamcare", "National Gambling Helpline", nil},
	{"002", "Gamblers Anonymous", "Gamblers Anonymous", nil},
	{"002", "National Problem Gambling Clinic", "National Problem Gambling Clinic", nil},
	{"002", "Alcoholics Anonymous", "Alcoholics Anonymous", nil},
	{"002", "Royal Medical Foundation", "Royal Medical Foundation", nil},
	{"002", "Royal Medical Benevolent Fund", "Royal Medical Benevolent Fund", nil},
	{"002", "Cameron Fund", "Cameron Fund", nil},
	{"002", "Association of Anaesthetists", "Association of Anaesthetists", nil},
	{"002", "GLADD", "GLADD (The association of LGBT doctors and dentists)", nil},
}

// sourceOrganizations lists organisations named in the sources that publish
// only resources (no services), so they appear in no row above.
var sourceOrganizations = []string{"The Royal College of Emergency Medicine", "NHS Employers"}

func TestEverySourceServiceIsPresentWithExactPhones(t *testing.T) {
	d := load(t)
	svcs := services(d)
	for _, tc := range sourceServices {
		t.Run(tc.source+"/"+tc.name, func(t *testing.T) {
			ref, ok := svcs[tc.name]
			if !ok {
				t.Fatalf("service %q (source %s) is missing", tc.name, tc.source)
			}
			if ref.org.Name != tc.org {
				t.Errorf("service %q is under organization %q, want %q", tc.name, ref.org.Name, tc.org)
			}
			var got []string
			for _, p := range ref.svc.Phones {
				got = append(got, p.Number)
			}
			if !slices.Equal(got, tc.phones) {
				t.Errorf("service %q phones = %q, want exactly %q", tc.name, got, tc.phones)
			}
		})
	}
	// Nothing in the dataset that the table does not know about.
	known := map[string]bool{}
	for _, tc := range sourceServices {
		known[tc.name] = true
	}
	for name := range svcs {
		if !known[name] {
			t.Errorf("service %q is in the dataset but not in the source table", name)
		}
	}
}

func TestEverySourceOrganizationIsPresent(t *testing.T) {
	d := load(t)
	orgs := map[string]*hsds.Organization{}
	for i := range d.Organizations {
		orgs[d.Organizations[i].Name] = &d.Organizations[i]
	}
	want := map[string]bool{}
	for _, tc := range sourceServices {
		want[tc.org] = true
	}
	for _, o := range sourceOrganizations {
		want[o] = true
	}
	for name := range want {
		if orgs[name] == nil {
			t.Errorf("organization %q is missing", name)
		}
	}
	for name := range orgs {
		if !want[name] {
			t.Errorf("organization %q is in the dataset but in no source row", name)
		}
	}
}

func TestBMACharitiesNamesBothFunds(t *testing.T) {
	ref, ok := services(load(t))["BMA Charities"]
	if !ok {
		t.Fatal("BMA Charities missing")
	}
	for _, fund := range []string{"BMA Charities Trust Fund", "Dain Fund"} {
		if !strings.Contains(ref.svc.Description, fund) {
			t.Errorf("BMA Charities description does not name %q", fund)
		}
	}
}

// phoneLike finds UK phone numbers written with or without spaces.
var phoneLike = regexp.MustCompile(`\b0\d{2,4}(?: ?\d){6,8}\b`)

func TestNoPhoneNumberOutsideTheSources(t *testing.T) {
	d := load(t)
	allowed := map[string]bool{}
	for _, p := range sourcePhones {
		allowed[p] = true
	}
	seen := map[string]bool{}
	for _, o := range d.Organizations {
		if len(o.Phones) > 0 {
			t.Errorf("organization %q has phones; numbers belong to services", o.Name)
		}
		for _, s := range o.Services {
			for _, p := range s.Phones {
				if !allowed[p.Number] {
					t.Errorf("service %q has phone %q, which is not in the sources", s.Name, p.Number)
				}
				seen[p.Number] = true
			}
		}
	}
	for _, p := range sourcePhones {
		if !seen[p] {
			t.Errorf("source phone %q is on no service", p)
		}
	}
	// And no number hides in free text either.
	for _, m := range phoneLike.FindAllString(string(Directory), -1) {
		if !allowed[m] {
			t.Errorf("directory.json contains phone-like text %q that is not a source number", m)
		}
	}
	if got := phoneLike.FindAllString("call 0800 123 4567 or 02078663271", -1); len(got) != 2 {
		t.Errorf("phoneLike pattern is broken: found %q", got)
	}
}

// TestSourcePhonesMatchTheDocuments re-reads the source documents, when they
// are present, and checks that sourcePhones is exactly the set of numbers in
// them, so the table above cannot drift from the sources.
func TestSourcePhonesMatchTheDocuments(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sourceDir, "00*.txt"))
	if len(files) != 3 {
		t.Skipf("source documents not found in %s", sourceDir)
	}
	found := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range phoneLike.FindAllString(string(b), -1) {
			found[m] = true
		}
	}
	var got []string
	for m := range found {
		got = append(got, m)
	}
	want := slices.Clone(sourcePhones)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("numbers in the source documents = %q\nsourcePhones = %q", got, want)
	}
}

func TestTwentyFourHourServices(t *testing.T) {
	d := load(t)
	svcs := services(d)
	want24 := []string{"BMA Counselling Service and Doctors Advisory Service", "Sick Doctors Trust"}
	for _, name := range want24 {
		ref, ok := svcs[name]
		if !ok {
			t.Fatalf("%q missing", name)
		}
		if !is24x7(ref.svc.Schedules) {
			t.Errorf("%q does not have a 24 hours, 7 days schedule: %+v", name, ref.svc.Schedules)
		}
	}
	// The sources give opening hours for no other service.
	for name, ref := range svcs {
		if len(ref.svc.Schedules) > 0 && !slices.Contains(want24, name) {
			t.Errorf("%q has schedules, but the sources give it no opening hours", name)
		}
	}
}

// is24x7 reports whether the schedules cover every day of the week from
// 00:00 to 23:59, either as one weekly schedule listing all days or as one
// schedule per day.
func is24x7(ss []hsds.Schedule) bool {
	days := map[string]bool{}
	for _, s := range ss {
		if s.Freq != "WEEKLY" || s.OpensAt != "00:00" || s.ClosesAt != "23:59" {
			continue
		}
		for _, d := range strings.Split(s.ByDay, ",") {
			days[d] = true
		}
	}
	for _, d := range []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"} {
		if !days[d] {
			return false
		}
	}
	return true
}

func TestValidateNamesTheBrokenRecord(t *testing.T) {
	d := load(t)
	svc := services(d)["Sick Doctors Trust"].svc
	svc.Phones[0].Number = ""
	err := d.Validate()
	var verrs hsds.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) != 1 {
		t.Fatalf("Validate() = %v, want exactly one problem", err)
	}
	if got, want := verrs[0].Error(), "service 'Sick Doctors Trust': phones[0].number is empty"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The ids other parts of the app already reference.
var fixedIDs = []struct {
	kind, id, name string
}{
	{"service", "01a2011f-88d1-7e13-91f2-48654848bbdd", "Londonwide Medical Committee"},
	{"service", "01a2011f-88d1-7ea9-83ab-1850863fa274", "British Medical Association"},
	{"service", "01a2011f-88d1-7eb1-af27-fe9ce86bdae6", "NHS Practitioner Health"},
	{"service", "01a2011f-88d1-7eb6-9e27-9db58eb84fa8", "KSS Professional Support & Wellbeing Service"},
	{"service", "01a2011f-88d1-7eba-8d40-c5cd3e97b5d3", "Professional Support Unit London"},
	{"service", "01a2011f-88d1-7ebd-bd56-5f92402c5f59", "Individual Support Team"},
	{"service", "01a2011f-88d1-7ec2-b612-6d1a27e4ed46", "Scotland Deanery support for trainees"},
	{"service", "01a2011f-88d1-7ec6-9ad7-9f8eba67b215", "Wales Deanery Professional Support Unit"},
	{"service", "01a2011f-88d1-7ecc-8cf1-feb0912ad410", "Northern Ireland Professional Support and Wellbeing team"},
	{"organization", "01a2011f-88d1-7ecf-9aec-7951c928cc04", "Professional Support Unit London"},
}

func TestFixedIDs(t *testing.T) {
	d := load(t)
	byID := map[string]string{}
	for _, o := range d.Organizations {
		byID["organization "+o.ID] = o.Name
		for _, s := range o.Services {
			byID["service "+s.ID] = s.Name
		}
	}
	for _, f := range fixedIDs {
		if got, ok := byID[f.kind+" "+f.id]; !ok {
			t.Errorf("%s %s (%s) is missing", f.kind, f.id, f.name)
		} else if got != f.name {
			t.Errorf("%s %s is %q, want %q", f.kind, f.id, got, f.name)
		}
	}
	if psu := services(d)["Individual Support Team"]; psu.org == nil || psu.org.ID != "01a2011f-88d1-7ecf-9aec-7951c928cc04" {
		t.Error("the Individual Support Team is not a service of the Professional Support Unit London organization")
	}
}

// termCodes maps term id to code, and taxonomy name to its term codes.
func termCodes(d *hsds.Dataset) (byID map[string]hsds.TaxonomyTerm, byTaxonomy map[string][]string) {
	taxName := map[string]string{}
	for _, t := range d.Taxonomies {
		taxName[t.ID] = t.Name
	}
	byID = map[string]hsds.TaxonomyTerm{}
	byTaxonomy = map[string][]string{}
	for _, t := range d.TaxonomyTerms {
		byID[t.ID] = t
		byTaxonomy[taxName[t.TaxonomyID]] = append(byTaxonomy[taxName[t.TaxonomyID]], t.Code)
	}
	return byID, byTaxonomy
}

func serviceCodes(s *hsds.Service, byID map[string]hsds.TaxonomyTerm, taxonomy string) []string {
	var out []string
	for _, a := range s.Attributes {
		if t := byID[a.TaxonomyTermID]; t.Taxonomy == taxonomy {
			out = append(out, t.Code)
		}
	}
	return out
}

func TestTaxonomies(t *testing.T) {
	d := load(t)
	_, byTax := termCodes(d)
	want := map[string][]string{
		"needs": {"mental-health", "crisis", "alcohol-and-drugs", "gambling", "money-and-financial-hardship", "bullying-and-undermining",
			"fitness-to-practise-and-regulators", "complaints-and-legal", "disability", "neurodiversity-and-dyslexia", "lgbtq-plus",
			"careers", "exams", "return-to-training", "wellbeing", "peer-support", "physical-health", "mentoring-and-coaching",
			"progression-in-training", "work-and-contracts"},
		"professions": {"doctor", "dentist", "nurse", "allied-health-professional", "pharmacist", "pharmacy-technician",
			"healthcare-scientist", "medical-student", "any-healthcare-professional", "family-and-friends"},
		"regions":       {"london", "kent-surrey-and-sussex", "england", "wales", "scotland", "northern-ireland", "united-kingdom", "ireland"},
		"membership":    {"none-needed", "royal-college-member", "bma-member", "defence-organisation-member"},
		"access":        {"self-referral", "phone-line", "online-information", "face-to-face", "peer-group"},
		"service-group": {"people-to-talk-to-first"},
	}
	if len(d.Taxonomies) != len(want) {
		t.Errorf("%d taxonomies, want %d", len(d.Taxonomies), len(want))
	}
	for tax, codes := range want {
		for _, c := range codes {
			if !slices.Contains(byTax[tax], c) {
				t.Errorf("taxonomy %q lacks term %q", tax, c)
			}
		}
	}
	for _, term := range d.TaxonomyTerms {
		if term.Taxonomy == "" {
			t.Errorf("term %q does not name its taxonomy", term.Code)
		}
	}
}

// TestServiceFields checks the fields every service must carry, and that the
// service areas and the regions attributes agree.
func TestServiceFields(t *testing.T) {
	d := load(t)
	byID, _ := termCodes(d)
	areaCode := map[string]string{
		"London": "london", "Kent Surrey and Sussex": "kent-surrey-and-sussex", "England": "england", "Wales": "wales",
		"Scotland": "scotland", "Northern Ireland": "northern-ireland", "United Kingdom": "united-kingdom", "Ireland": "ireland",
	}
	sentenceEnd := regexp.MustCompile(`[.!?](\s|$)`)
	for name, ref := range services(d) {
		s := ref.svc
		if s.Status != hsds.StatusActive {
			t.Errorf("%q: status %q, want active", name, s.Status)
		}
		if s.AssuredDate != "2026-11-22" {
			t.Errorf("%q: assured_date %q, want 2026-11-22", name, s.AssuredDate)
		}
		for field, v := range map[string]string{"description": s.Description, "application_process": s.ApplicationProcess, "eligibility_description": s.EligibilityDescription} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%q: %s is empty", name, field)
			}
		}
		if n := len(sentenceEnd.FindAllString(s.Description, -1)); n < 1 || n > 3 {
			t.Errorf("%q: description has %d sentences, want 1 to 3", name, n)
		}
		if s.URL != "" || s.Email != "" {
			t.Errorf("%q: has url or email, but the sources give none", name)
		}
		if len(s.ServiceAreas) == 0 {
			t.Errorf("%q: no service_areas", name)
		}
		var areas []string
		for _, a := range s.ServiceAreas {
			c, ok := areaCode[a.Name]
			if !ok {
				t.Errorf("%q: service area %q is not one of the directory's areas", name, a.Name)
			}
			areas = append(areas, c)
		}
		regions := serviceCodes(s, byID, "regions")
		sort.Strings(areas)
		sort.Strings(regions)
		if !slices.Equal(areas, regions) {
			t.Errorf("%q: service_areas %v disagree with regions attributes %v", name, areas, regions)
		}
		if len(serviceCodes(s, byID, "needs")) == 0 {
			t.Errorf("%q: no needs attribute", name)
		}
		if len(serviceCodes(s, byID, "professions")) == 0 {
			t.Errorf("%q: no professions attribute", name)
		}
		if len(s.Phones) > 0 && !slices.Contains(serviceCodes(s, byID, "access"), "phone-line") {
			t.Errorf("%q: has a phone number but no phone-line access term", name)
		}
	}
	for _, o := range d.Organizations {
		if o.Website != "" || o.Email != "" || o.URI != "" {
			t.Errorf("organization %q: has website, email or uri, but the sources give none", o.Name)
		}
	}
}

func TestPeopleToTalkToFirst(t *testing.T) {
	d := load(t)
	byID, _ := termCodes(d)
	want := []string{"Clinical Supervisors", "Educational supervisors", "Occupational Health Department",
		"Freedom to Speak up Guardians (England)", "Medical Director", "Training programme directors",
		"Guardian of safe working", "Champions of flexible working", "HR department", "Junior doctor forum"}
	var got []string
	for name, ref := range services(d) {
		if slices.Contains(serviceCodes(ref.svc, byID, "service-group"), "people-to-talk-to-first") {
			got = append(got, name)
			if ref.org.Name != "Your own department or employer" {
				t.Errorf("%q is a person to talk to first but belongs to %q", name, ref.org.Name)
			}
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("people to talk to first = %q\nwant %q", got, want)
	}
	if areas := services(d)["Freedom to Speak up Guardians (England)"].svc.ServiceAreas; len(areas) != 1 || areas[0].Name != "England" {
		t.Errorf("Freedom to Speak Up Guardians should cover England only, got %+v", areas)
	}
}

func TestMembershipAndCrisisTags(t *testing.T) {
	d := load(t)
	byID, _ := termCodes(d)
	svcs := services(d)
	for name, want := range map[string]string{
		"Psychiatrists' support service":       "royal-college-member",
		"BMA advisers":                         "bma-member",
		"British Medical Association":          "bma-member",
		"Medical defence organisation support": "defence-organisation-member",
		"NHS Practitioner Health":              "none-needed",
	} {
		if !slices.Contains(serviceCodes(svcs[name].svc, byID, "membership"), want) {
			t.Errorf("%q lacks membership %q", name, want)
		}
	}
	for _, name := range []string{"BMA Counselling Service and Doctors Advisory Service", "Sick Doctors Trust"} {
		if !slices.Contains(serviceCodes(svcs[name].svc, byID, "needs"), "crisis") {
			t.Errorf("24-hour line %q is not tagged crisis", name)
		}
	}
	if !slices.Contains(serviceCodes(svcs["Sick Doctors Trust"].svc, byID, "professions"), "family-and-friends") {
		t.Error("Sick Doctors Trust is open to family and friends but not tagged so")
	}
	if got := svcs["Trainee Wellbeing programme"].svc.ServiceAreas; len(got) != 1 || got[0].Name != "Ireland" {
		t.Errorf("RCPI Trainee Wellbeing programme areas = %+v, want Ireland", got)
	}
}

func TestResources(t *testing.T) {
	d := load(t)
	orgName := map[string]string{}
	for _, o := range d.Organizations {
		orgName[o.ID] = o.Name
	}
	want := map[string][2]string{ // name -> kind, publisher
		"NHS Staff and Learners Mental Wellbeing Report":             {"report", "Health Education England"},
		"Enhancing supervision for postgraduate doctors in training": {"guidance", "Health Education England"},
		"Workforce Stress and the Supportive Organisation":           {"framework", "Health Education England"},
		"Sustainable careers":                                        {"strategy", "The Royal College of Emergency Medicine"},
		"Supported and Valued?":                                      {"report", "The Royal College of Psychiatrists"},
		"Good Pharmaceutical Medical Practice":                       {"guidance", "Faculty of Pharmaceutical Medicine"},
		"Caring for doctors Caring for patients":                     {"report", "General Medical Council"},
		"NHS Employers Health and Wellbeing programme":               {"guidance", "NHS Employers"},
	}
	if len(d.Resources) != len(want) {
		t.Errorf("%d resources, want %d", len(d.Resources), len(want))
	}
	svcs := services(d)
	for _, r := range d.Resources {
		w, ok := want[r.Name]
		if !ok {
			t.Errorf("unexpected resource %q", r.Name)
			continue
		}
		if r.Kind != w[0] || orgName[r.OrganizationID] != w[1] {
			t.Errorf("resource %q = (%s, %s), want (%s, %s)", r.Name, r.Kind, orgName[r.OrganizationID], w[0], w[1])
		}
		if _, isService := svcs[r.Name]; isService {
			t.Errorf("%q is both a resource and a service", r.Name)
		}
	}
}

// synonyms is the shape of synonyms.json.
type synonyms struct {
	Version int `json:"version"`
	Needs   []struct {
		Code        string   `json:"code"`
		Phrases     []string `json:"phrases"`
		Priority24h bool     `json:"priority_24h,omitempty"`
	} `json:"needs"`
}

func TestSynonyms(t *testing.T) {
	var syn synonyms
	if err := jsonv2.Unmarshal(Synonyms, &syn, jsonv2.RejectUnknownMembers(true)); err != nil {
		t.Fatalf("synonyms.json: %v", err)
	}
	if syn.Version != 1 {
		t.Errorf("version = %d, want 1", syn.Version)
	}
	_, byTax := termCodes(load(t))
	needs := byTax["needs"]
	seenCode := map[string]bool{}
	seenPhrase := map[string]string{}
	for _, n := range syn.Needs {
		if !slices.Contains(needs, n.Code) {
			t.Errorf("synonyms code %q is not a needs term", n.Code)
		}
		if seenCode[n.Code] {
			t.Errorf("synonyms code %q listed twice", n.Code)
		}
		seenCode[n.Code] = true
		if len(n.Phrases) == 0 {
			t.Errorf("synonyms code %q has no phrases", n.Code)
		}
		for _, p := range n.Phrases {
			if p != strings.ToLower(strings.TrimSpace(p)) || p == "" {
				t.Errorf("%s: phrase %q is not trimmed lower case", n.Code, p)
			}
			if other, dup := seenPhrase[p]; dup {
				t.Errorf("phrase %q maps to both %s and %s", p, other, n.Code)
			}
			seenPhrase[p] = n.Code
		}
		if n.Priority24h != (n.Code == "crisis") {
			t.Errorf("%s: priority_24h = %v; only crisis puts 24-hour lines first", n.Code, n.Priority24h)
		}
	}
	for _, c := range needs {
		if !seenCode[c] {
			t.Errorf("needs term %q has no synonyms entry", c)
		}
	}
	for phrase, code := range map[string]string{
		"drinking": "alcohol-and-drugs", "booze": "alcohol-and-drugs", "drugs": "alcohol-and-drugs",
		"money": "money-and-financial-hardship", "debt": "money-and-financial-hardship", "can't pay rent": "money-and-financial-hardship", "bills": "money-and-financial-hardship",
		"gmc": "fitness-to-practise-and-regulators", "investigation": "fitness-to-practise-and-regulators", "tribunal": "fitness-to-practise-and-regulators",
		"hearing": "fitness-to-practise-and-regulators", "mpts": "fitness-to-practise-and-regulators", "suspended": "fitness-to-practise-and-regulators",
		"suicidal": "crisis", "can't cope": "crisis", "want to die": "crisis", "self harm": "crisis",
		"bullied": "bullying-and-undermining", "undermined": "bullying-and-undermining",
		"failed exam": "exams", "mrcp": "exams", "arcp": "progression-in-training", "dyslexic": "neurodiversity-and-dyslexia",
		"gay": "lgbtq-plus", "trans": "lgbtq-plus",
		"burnout": "mental-health", "stressed": "mental-health", "anxious": "mental-health", "depressed": "mental-health",
	} {
		if seenPhrase[phrase] != code {
			t.Errorf("phrase %q maps to %q, want %q", phrase, seenPhrase[phrase], code)
		}
	}
}
