package application

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/web"
)

// fuzzProfiles are the eligibility answers a draft can carry, which change
// what some pages ask (registration number format, training number).
var fuzzProfiles = func() []eligibility.Answers {
	yes, no, band := true, false, 5
	return []eligibility.Answers{
		{Region: "london", Profession: eligibility.ProfessionDoctor, Programme: "core", TrainingNumber: &yes},
		{Region: "kss", Profession: eligibility.ProfessionDentist, Programme: "foundation", TrainingNumber: &no},
		{Region: "london", Profession: eligibility.ProfessionNurse, Programme: "preceptorship", Band: &band},
		{Region: "kss", Profession: eligibility.ProfessionAHP, Programme: "preceptorship", Band: &band},
		{Region: "london", Profession: eligibility.ProfessionPharmacist, Programme: "foundation"},
		{Region: "london", Profession: eligibility.ProfessionHealthcareScientist, Programme: "stp"},
	}
}()

// FuzzSectionRead posts any form to any page of the application, through
// the code that reads it when it is saved and again when the application is
// sent (section.read over web.Form, after ParseForm and keep). Nothing may
// panic; every message sits beside a field the page has; a page that passes
// its checks holds only text both databases can store, passes them again
// after the draft is sealed and opened (its values go through JSON), reads
// to the same application, and gives "check your answers" rows that link to
// its own fields; the application as sealed at submission reads back the
// same.
//
//	go test ./internal/application -run '^$' -fuzz '^FuzzSectionRead$' -fuzztime 10m
func FuzzSectionRead(f *testing.F) {
	seeds := map[string][]string{
		"email":         {"email=ann.trainee%40example.com", "email=+Ann%40Example.COM+", "email=not-an-address", "email=a%40b"},
		"about-you":     {"name=Ann+Smith&preferred_name=Annie&pronouns=she%2Fher&phone=07700+900982", "name=%00&phone=%2B44+%280%297700+900982", "name=" + strings.Repeat("x", 201)},
		"registration":  {"registered=yes&registration_number=7123456", "registered=yes&registration_number=12a+3456e", "registered=no", "registered=maybe"},
		"training":      {"grade=ST4&employer=Barts&training_number=LDN%2F123%2F456%2FC&post_start-day=2&post_start-month=8&post_start-year=2026&post_end-day=5&post_end-month=aug&post_end-year=2027", "grade=F2&employer=x&post_start-day=31&post_start-month=2&post_start-year=2026"},
		"concerns":      {"concern=exams&concern=other&concern_other=Rota", "concern=nothing"},
		"in-your-words": {"situation=line+one%0D%0Aline+two&hopes=A+plan", "situation=%ff&hopes=%e2%80"},
		"exams":         {"exam_name=MRCP&exam_part=Part+1&exam_attempts=2&exam_next-month=6&exam_next-year=2027", "exam_name=x&exam_attempts=-1"},
		"arcp":          {"arcp_date-day=15&arcp_date-month=6&arcp_date-year=2026&arcp_outcome=10.1", "arcp_outcome=none"},
		"complaints":    {"proceedings=current&proceedings_detail_current=Ongoing", "proceedings=past&proceedings_detail=x"},
		"health":        {"health=yes&health_detail=Asthma&adjustments=Quiet+room", "health=", "health=unknown"},
		"meeting":       {"meeting_way=phone&meeting_way=zoom&meeting_times=Tuesdays", "meeting_way=carrier-pigeon"},
		"consent":       {"consent_case_email=yes&consent_follow_up=no&confidentiality=read", "consent_case_email=perhaps"},
	}
	for i, s := range sections {
		for j, body := range seeds[s.Slug] {
			f.Add(uint8(i), uint8(j), body)
		}
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, which, profile uint8, body string) {
		s := sections[int(which)%len(sections)]
		if s.Slug == "documents" {
			return // its form is the upload (POST /apply/documents), read by internal/upload
		}
		posted, err := url.ParseQuery(body)
		if err != nil {
			return // ParseForm answers 400 before any page reads it
		}
		d := &Draft{Eligibility: fuzzProfiles[int(profile)%len(fuzzProfiles)], Decision: &Decision{Eligible: true, RuleID: "r", RuleVersion: 1}}
		form := web.NewForm(keep(posted, s.formNames()))
		var a Application
		s.read(s, reader{f: form, now: now}, d, &a)

		names := s.formNames()
		for _, fd := range s.Fields {
			names = append(names, fd.Name)
		}
		for _, fe := range form.Summary() {
			if !slices.Contains(names, fe.Field) || strings.TrimSpace(fe.Message) == "" {
				t.Fatalf("page %s: message %q on %q, which is not one of its fields %v", s.Slug, fe.Message, fe.Field, names)
			}
		}

		// The draft keeps what was typed exactly, sealed as JSON.
		d.setPage(s.Slug, form.Values, form.Valid())
		sealed, err := json.Marshal(draftBody{V: 1, Eligibility: d.Eligibility, Decision: d.Decision, Pages: d.Pages, Done: d.Done})
		if err != nil {
			t.Fatal(err)
		}
		var body2 draftBody
		if err := json.Unmarshal(sealed, &body2); err != nil {
			t.Fatal(err)
		}
		opened := &Draft{Eligibility: body2.Eligibility, Decision: body2.Decision, Pages: body2.Pages, Done: body2.Done}
		if !form.Valid() {
			return
		}
		if !opened.Done[s.Slug] {
			t.Fatalf("page %s passed but the opened draft says it is not done", s.Slug)
		}
		for k, vs := range form.Values {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					t.Fatalf("page %s passed with %s=%q, which sealing (as JSON) would change or a text column refuse", s.Slug, k, v)
				}
			}
		}
		again := web.NewForm(opened.Page(s.Slug))
		var b Application
		s.read(s, reader{f: again, now: now}, opened, &b)
		if !again.Valid() {
			t.Fatalf("page %s passed when saved, fails when sent: %v", s.Slug, again.Summary())
		}
		ja, jb := mustJSON(t, a), mustJSON(t, b)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("page %s read differently after sealing:\n%s\n%s", s.Slug, ja, jb)
		}
		var c Application
		if err := json.Unmarshal(ja, &c); err != nil {
			t.Fatal(err)
		}
		if jc := mustJSON(t, c); !bytes.Equal(ja, jc) {
			t.Fatalf("page %s: the sealed application reads back differently:\n%s\n%s", s.Slug, ja, jc)
		}
		if s.Slug == "email" && !mail.ValidAddress(a.Email) {
			t.Fatalf("page email passed with %q, which the outbox refuses", a.Email)
		}
		if s.summary != nil {
			for _, row := range s.summary(s, &a) {
				if row.Field != "" && !slices.Contains(names, row.Field) {
					t.Fatalf("page %s: check-your-answers row %q links to %q, not one of its fields", s.Slug, row.Key, row.Field)
				}
			}
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
