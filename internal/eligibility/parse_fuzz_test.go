package eligibility

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseRequest feeds POST /api/v1/eligibility's parser any body. It must
// never panic; a refusal is a FieldError with a message, naming a field of
// the contract or none, short enough to send back (a long value is quoted
// cut short); accepted answers are valid, read back the same when sent
// again, and decide under the rules shipped.
//
//	go test ./internal/eligibility -run '^$' -fuzz '^FuzzParseRequest$' -fuzztime 10m
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"region": "london", "profession": "doctor", "programme": "core", "training_number": true}`,
		`{"region": "kss", "profession": "nurse", "programme": "preceptorship", "band": 5}`,
		`{"region": "scotland", "profession": "pharmacist", "programme": "foundation"}`,
		`{"region": "london", "profession": "doctor", "programme": "core", "training_number": "yes"}`,
		`{"region": "london", "Region": "kss"}`,
		`{"region": "london", "region": "kss"}`,
		`{"band": 5.5}`, `{"band": 1e400}`, `[1, 2]`, `"london"`, `null`, `{}`, ``, `{"region": null}`,
		`{"region": "london"} {"region": "kss"}`, `{"region": "\ud800"}`, "{\"region\": \"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, ferr := ParseRequest(body)
		if ferr != nil {
			if ferr.Message == "" || (ferr.Field != "" && !isRequestField(ferr.Field) && !strings.Contains(ferr.Message, "not a field") && !strings.Contains(ferr.Message, "lower case")) {
				t.Fatalf("refusal %+v: no message, or names a field outside the contract without saying so", ferr)
			}
			if n := len(ferr.Message); n > 1000 {
				t.Fatalf("refusal of %d bytes echoes too much of the body: %.200q", n, ferr.Message)
			}
			if _, err := json.Marshal(ferr); err != nil {
				t.Fatalf("refusal cannot be written as JSON: %v", err)
			}
			return
		}
		if e := a.Validate(); e != nil {
			t.Fatalf("accepted answers %+v that do not validate: %v", a, e)
		}
		if NextQuestion(a) != "" || !reflect.DeepEqual(a.Prune(), a) {
			t.Fatalf("accepted answers %+v are incomplete or carry answers that do not apply", a)
		}
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, ferr := ParseRequest(again)
		if ferr != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("sent again as %s: %+v, %v; first read %+v", again, b, ferr, a)
		}
		d := Default().Decide(a)
		if d.Route == "" || len(d.Reasons) == 0 {
			t.Fatalf("decision without a route or reasons: %+v", d)
		}
	})
}

// FuzzParseRuleSet feeds the rules parser (POST /admin/eligibility and
// psu eligibility rules import) any document. It must never panic; a
// refusal lists at least one problem, each with a message; an accepted
// document is text PostgreSQL can store as it is (valid UTF-8: Publish
// keeps the document exactly as given), writes out and reads back as the
// same rule set, and decides every possible set of answers the same way
// after the round trip.
//
//	go test ./internal/eligibility -run '^$' -fuzz '^FuzzParseRuleSet$' -fuzztime 10m
func FuzzParseRuleSet(f *testing.F) {
	f.Add(DefaultJSON())
	small := `{"version": 2, "description": "d", "rules": [
		{"id": "nurses", "when": {"profession": ["nurse"], "band": {"min": 4, "max": 8}},
		 "outcome": {"eligible": true, "route": "ist", "reasons": ["r"], "signposts": []}}],
		"default": {"eligible": false, "route": "signpost", "reasons": ["no"],
		 "signposts": [{"id": "01a2011f-88d1-7ec2-b612-6d1a27e4ed46", "name": "Scotland"}]}}`
	f.Add([]byte(small))
	for _, s := range []string{
		strings.Replace(small, `"nurses"`, `"Nurses!"`, 1),
		strings.Replace(small, `"max": 8`, `"max": 80`, 1),
		strings.Replace(small, `"version": 2`, `"version": 0`, 1),
		strings.Replace(small, `"route": "ist"`, `"route": "elsewhere"`, 1),
		strings.Replace(small, `"description": "d"`, `"description": "d", "extra": 1`, 1),
		strings.Replace(small, `"eligible": false`, `"eligible": true`, 1),
		`{"version": 1, "rules": [{"id": "a", "when": {}, "outcome": {"eligible": true, "route": "ist", "reasons": ["r"]}},
		  {"id": "b", "when": {"region": ["london"]}, "outcome": {"eligible": true, "route": "ist", "reasons": ["r"]}}],
		  "default": {"eligible": false, "route": "signpost", "reasons": ["no"]}}`,
		`{"version": 1, "rules": [], "default": null}`, `[]`, `{`, `{"version": 1} x`,
	} {
		f.Add([]byte(s))
	}
	// A byte that is not UTF-8 inside a string: encoding/json reads it as
	// U+FFFD, so this was once accepted, and PostgreSQL then refused to
	// store the document (a 500 on POST /admin/eligibility).
	notUTF8 := DefaultJSON()
	notUTF8[bytes.Index(notUTF8, []byte("The IST only"))+4] = 0xff
	f.Add(notUTF8)
	all := allAnswers()
	f.Fuzz(func(t *testing.T, doc []byte) {
		rs, err := ParseRuleSet(doc)
		if err != nil {
			var rse *RuleSetError
			if rs != nil || !asRuleSetError(err, &rse) || len(rse.Problems) == 0 {
				t.Fatalf("refusal %v is not a RuleSetError with problems", err)
			}
			for _, p := range rse.Problems {
				if strings.TrimSpace(p.Message) == "" {
					t.Fatalf("problem without a message: %+v", p)
				}
			}
			return
		}
		if !utf8.Valid(doc) {
			t.Fatalf("accepted a document that is not UTF-8 text, which PostgreSQL refuses to store: %.200q", doc)
		}
		out, err := json.Marshal(rs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRuleSet(out)
		if err != nil {
			t.Fatalf("written out as %s, refused: %v", out, err)
		}
		if again.Version != rs.Version || again.Description() != rs.Description() ||
			!reflect.DeepEqual(again.Rules(), rs.Rules()) || !reflect.DeepEqual(again.DefaultOutcome(), rs.DefaultOutcome()) {
			t.Fatalf("round trip changed the rule set:\n%s", out)
		}
		for _, a := range all {
			d1, d2 := rs.Decide(a), again.Decide(a)
			if !reflect.DeepEqual(d1, d2) || d1.Route == "" || !slices.Contains(validRoutes, d1.Route) {
				t.Fatalf("answers %+v: decided %+v, after the round trip %+v", a, d1, d2)
			}
		}
	})
}

func asRuleSetError(err error, target **RuleSetError) bool {
	e, ok := err.(*RuleSetError)
	*target = e
	return ok
}

// FuzzAnswersSet plays a web checker session: each line of script is one
// posted answer, "question=value" (POST /eligibility/{question} and
// /apply/check/{question}). Set must never panic; a refusal leaves the
// answers as they were and says what to do; the answers held are only ever
// valid ones for the questions that apply; and once NextQuestion says they
// are complete they validate, decide, and read the same through the API.
//
//	go test ./internal/eligibility -run '^$' -fuzz '^FuzzAnswersSet$' -fuzztime 10m
func FuzzAnswersSet(f *testing.F) {
	for _, s := range []string{
		"region=london\nprofession=doctor\nprogramme=core\ntraining_number=yes",
		"region=kss\nprofession=nurse\nprogramme=preceptorship\nband=5",
		"region=kss\nprofession=nurse\nband=5\nprofession=doctor\nprogramme=core\ntraining_number=false",
		"region=scotland\nprofession=other\nprogramme=none",
		"programme=core\nband=12\ntraining_number=maybe\nregion= London ",
		"region=london\nprofession=allied-health-professional\nprogramme=preceptorship\nband=09",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		var a Answers
		for line := range strings.SplitSeq(script, "\n") {
			q, v, _ := strings.Cut(line, "=")
			b, ferr := a.Set(q, v)
			if ferr != nil {
				if ferr.Message == "" || !reflect.DeepEqual(b, a) {
					t.Fatalf("Set(%q, %q) refused with %+v and changed the answers to %+v", q, v, ferr, b)
				}
				continue
			}
			a = b
			if (a.Region != "" && !ValidRegion(a.Region)) || (a.Profession != "" && !ValidProfession(a.Profession)) ||
				(a.Programme != "" && !ValidProgramme(a.Profession, a.Programme)) ||
				(a.Band != nil && (!UsesBand(a.Profession) || checkBand(a.Profession, a.Band) != nil)) ||
				(a.TrainingNumber != nil && !UsesTrainingNumber(a.Profession)) {
				t.Fatalf("after Set(%q, %q) the answers hold %+v", q, v, a)
			}
		}
		if (NextQuestion(a) == "") != (a.Prune().Validate() == nil) {
			t.Fatalf("NextQuestion %q disagrees with Validate %v on %+v", NextQuestion(a), a.Prune().Validate(), a)
		}
		if NextQuestion(a) != "" {
			return
		}
		body, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, ferr := ParseRequest(body)
		if ferr != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("complete answers %+v sent to the API: %+v, %v", a, b, ferr)
		}
		if d := Default().Decide(a); d.Route == "" {
			t.Fatalf("no route for %+v", a)
		}
	})
}
