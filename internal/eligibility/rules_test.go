package eligibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDefaultRuleSet(t *testing.T) {
	rs := Default()
	if rs.Version != 1 {
		t.Errorf("version = %d, want 1", rs.Version)
	}
	var got []string
	for _, r := range rs.Rules() {
		got = append(got, r.ID)
	}
	want := []string{
		"outside-area-scotland",
		"outside-area-wales",
		"outside-area-northern-ireland",
		"outside-area-england",
		"kss-foundation",
		"training-number-holder",
		"training-without-london-kss-number",
		"doctor-workforce-scheme",
		"sas-or-completed-training-doctor",
		"sas-or-completed-training-dentist",
		"doctor-dentist-not-covered",
		"nurse-ahp-band-5-to-8-on-scheme",
		"nurse-ahp-outside-band-range",
		"pharmacist-in-training",
		"pharmacy-technician-in-training",
		"healthcare-scientist-in-training",
		"not-on-covered-programme",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rule ids =\n%v\nwant\n%v", got, want)
	}
	if d := rs.DefaultOutcome(); d.Eligible || d.Route != RouteSignpost || len(d.Reasons) == 0 {
		t.Errorf("default outcome = %+v", d)
	}
	if rs.Description() == "" {
		t.Error("no description")
	}
	again, err := ParseRuleSet(DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Rules(), rs.Rules()) {
		t.Error("DefaultJSON does not parse to Default")
	}
}

// A rule set written out with MarshalJSON reads back the same.
func TestRuleSetRoundTrip(t *testing.T) {
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ParseRuleSet(b)
	if err != nil {
		t.Fatalf("re-parsing the marshalled default: %v", err)
	}
	if rs.Version != Default().Version || rs.Description() != Default().Description() ||
		!reflect.DeepEqual(rs.Rules(), Default().Rules()) ||
		!reflect.DeepEqual(rs.DefaultOutcome(), Default().DefaultOutcome()) {
		t.Fatal("round trip changed the rule set")
	}
}

// The unit can change the rules without a code change: here version 2
// widens the nursing band range to 4-8.
func TestRulesAreData(t *testing.T) {
	doc := bytes.Replace(DefaultJSON(), []byte(`"version": 1`), []byte(`"version": 2`), 1)
	doc = bytes.Replace(doc, []byte(`"band": {"min": 5, "max": 8}`), []byte(`"band": {"min": 4, "max": 8}`), 1)
	if bytes.Equal(doc, DefaultJSON()) {
		t.Fatal("test did not change the document")
	}
	rs, err := ParseRuleSet(doc)
	if err != nil {
		t.Fatal(err)
	}
	a := nb(RegionLondon, ProfessionNurse, "preceptorship", 4)
	if d := Default().Decide(a); d.Eligible {
		t.Fatal("band 4 is eligible under the default rules")
	}
	d := rs.Decide(a)
	if !d.Eligible || d.RuleVersion != 2 || d.RuleID != "nurse-ahp-band-5-to-8-on-scheme" {
		t.Fatalf("got %+v", d)
	}
}

// When no rule matches, the default outcome decides.
func TestDefaultOutcomeWhenNoRuleMatches(t *testing.T) {
	rs, err := ParseRuleSet(mustJSON(t, baseDoc()))
	if err != nil {
		t.Fatal(err)
	}
	d := rs.Decide(plain(RegionScotland, "other", "none"))
	if d.RuleID != DefaultRuleID || d.Eligible || d.Route != RouteSignpost || d.RuleVersion != 3 {
		t.Fatalf("got %+v", d)
	}
	if len(d.Signposts) != 1 || d.Signposts[0].ID != idPSULondon {
		t.Fatalf("signposts %+v", d.Signposts)
	}
	d = rs.Decide(nb(RegionKSS, "nurse", "preceptorship", 7))
	if d.RuleID != "nurses" || !d.Eligible {
		t.Fatalf("got %+v", d)
	}
}

type obj = map[string]any
type arr = []any

// baseDoc is a small valid rules document that the error cases break.
func baseDoc() obj {
	return obj{
		"version": 3,
		"rules": arr{
			obj{
				"id": "nurses",
				"when": obj{
					"region":     arr{"london", "kss"},
					"profession": arr{"nurse"},
					"programme":  arr{"preceptorship"},
					"band":       obj{"min": 5, "max": 8},
				},
				"outcome": obj{
					"eligible":  true,
					"route":     "ist",
					"reasons":   arr{"You can refer yourself."},
					"signposts": arr{obj{"id": idIST, "name": "Individual Support Team"}},
				},
			},
			obj{
				"id":   "london-doctors",
				"when": obj{"region": arr{"london"}, "profession": arr{"doctor"}, "training_number": true},
				"outcome": obj{
					"eligible":  false,
					"route":     "signpost",
					"reasons":   arr{"Try these services.", "They may help."},
					"signposts": arr{obj{"id": idPH, "name": "NHS Practitioner Health"}, obj{"id": idBMA, "name": "British Medical Association"}},
				},
			},
		},
		"default": obj{
			"eligible":  false,
			"route":     "signpost",
			"reasons":   arr{"We could not match your answers."},
			"signposts": arr{obj{"id": idPSULondon, "name": "Professional Support Unit London"}},
		},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rule(d obj, i int) obj    { return d["rules"].(arr)[i].(obj) }
func when(d obj, i int) obj    { return rule(d, i)["when"].(obj) }
func outcome(d obj, i int) obj { return rule(d, i)["outcome"].(obj) }

func TestParseRuleSetErrors(t *testing.T) {
	tests := []struct {
		name   string
		raw    string    // used instead of baseDoc when set
		change func(obj) // applied to baseDoc
		rule   string    // expected Problem.Rule
		field  string    // expected Problem.Field
	}{
		{name: "not json", raw: `{"version": 1,`, rule: "", field: ""},
		{name: "not an object", raw: `[1, 2]`, rule: "", field: ""},
		{name: "two documents", raw: `{} {}`, rule: "", field: ""},
		{name: "unknown top-level field", change: func(d obj) { d["rulez"] = arr{} }, field: "rulez"},
		{name: "version missing", change: func(d obj) { delete(d, "version") }, field: "version"},
		{name: "version zero", change: func(d obj) { d["version"] = 0 }, field: "version"},
		{name: "version as text", change: func(d obj) { d["version"] = "1" }, field: "version"},
		{name: "no rules", change: func(d obj) { d["rules"] = arr{} }, field: "rules"},
		{name: "rule not an object", change: func(d obj) { d["rules"] = arr{"x"} }, rule: "rules[0]", field: ""},
		{name: "unknown rule field", change: func(d obj) { rule(d, 0)["whn"] = obj{} }, rule: "nurses", field: "whn"},
		{name: "unknown condition", change: func(d obj) { when(d, 0)["regions"] = arr{"london"} }, rule: "nurses", field: "when.regions"},
		{name: "unknown band field", change: func(d obj) { when(d, 0)["band"] = obj{"min": 5, "max": 8, "top": 9} }, rule: "nurses", field: "when.band.top"},
		{name: "unknown signpost field", change: func(d obj) { outcome(d, 1)["signposts"].(arr)[1].(obj)["url"] = "x" }, rule: "london-doctors", field: "outcome.signposts[1].url"},
		{name: "region not a list", change: func(d obj) { when(d, 0)["region"] = "london" }, rule: "nurses", field: "when.region"},
		{name: "band min as text", change: func(d obj) { when(d, 0)["band"] = obj{"min": "5", "max": 8} }, rule: "nurses", field: "when.band.min"},
		{name: "eligible as text", change: func(d obj) { outcome(d, 0)["eligible"] = "yes" }, rule: "nurses", field: "outcome.eligible"},
		{name: "id missing", change: func(d obj) { delete(rule(d, 1), "id") }, rule: "rules[1]", field: "id"},
		{name: "id badly formed", change: func(d obj) { rule(d, 1)["id"] = "London Doctors" }, rule: "London Doctors", field: "id"},
		{name: "id reserved", change: func(d obj) { rule(d, 1)["id"] = "default" }, rule: "default", field: "id"},
		{name: "duplicate id", change: func(d obj) { rule(d, 1)["id"] = "nurses" }, rule: "nurses", field: "id"},
		{name: "unknown region", change: func(d obj) { when(d, 0)["region"] = arr{"london", "manchester"} }, rule: "nurses", field: "when.region[1]"},
		{name: "region twice", change: func(d obj) { when(d, 0)["region"] = arr{"london", "london"} }, rule: "nurses", field: "when.region[1]"},
		{name: "empty region list", change: func(d obj) { when(d, 0)["region"] = arr{} }, rule: "nurses", field: "when.region"},
		{name: "unknown profession", change: func(d obj) { when(d, 1)["profession"] = arr{"surgeon"} }, rule: "london-doctors", field: "when.profession[0]"},
		{name: "unknown programme", change: func(d obj) { when(d, 0)["programme"] = arr{"phd"} }, rule: "nurses", field: "when.programme[0]"},
		{name: "programme of another profession", change: func(d obj) { when(d, 0)["programme"] = arr{"preceptorship", "stp"} }, rule: "nurses", field: "when.programme[1]"},
		{name: "band below 1", change: func(d obj) { when(d, 0)["band"] = obj{"min": 0, "max": 8} }, rule: "nurses", field: "when.band"},
		{name: "band above 9", change: func(d obj) { when(d, 0)["band"] = obj{"min": 5, "max": 10} }, rule: "nurses", field: "when.band"},
		{name: "band min above max", change: func(d obj) { when(d, 0)["band"] = obj{"min": 8, "max": 5} }, rule: "nurses", field: "when.band"},
		{name: "band without max", change: func(d obj) { when(d, 0)["band"] = obj{"min": 5} }, rule: "nurses", field: "when.band"},
		{name: "band null", change: func(d obj) { when(d, 0)["band"] = nil }, rule: "nurses", field: "when.band"},
		{name: "band for doctors", change: func(d obj) { when(d, 1)["band"] = obj{"min": 5, "max": 8} }, rule: "london-doctors", field: "when.band"},
		{name: "band without professions", change: func(d obj) { delete(when(d, 0), "profession") }, rule: "nurses", field: "when.band"},
		{name: "training number for nurses", change: func(d obj) { when(d, 0)["training_number"] = true }, rule: "nurses", field: "when.training_number"},
		{name: "training number null", change: func(d obj) { when(d, 1)["training_number"] = nil }, rule: "london-doctors", field: "when.training_number"},
		{name: "when missing", change: func(d obj) { delete(rule(d, 1), "when") }, rule: "london-doctors", field: "when"},
		{name: "outcome missing", change: func(d obj) { delete(rule(d, 1), "outcome") }, rule: "london-doctors", field: "outcome"},
		{name: "eligible missing", change: func(d obj) { delete(outcome(d, 1), "eligible") }, rule: "london-doctors", field: "outcome.eligible"},
		{name: "route missing", change: func(d obj) { delete(outcome(d, 1), "route") }, rule: "london-doctors", field: "outcome.route"},
		{name: "unknown route", change: func(d obj) { outcome(d, 1)["route"] = "referral" }, rule: "london-doctors", field: "outcome.route"},
		{name: "eligible with route signpost", change: func(d obj) { outcome(d, 0)["route"] = "signpost" }, rule: "nurses", field: "outcome.route"},
		{name: "eligible with kss route", change: func(d obj) {
			outcome(d, 0)["route"] = "kss-professional-support-wellbeing"
		}, rule: "nurses", field: "outcome.route"},
		{name: "not eligible with route ist", change: func(d obj) { outcome(d, 1)["route"] = "ist" }, rule: "london-doctors", field: "outcome.route"},
		{name: "no reasons", change: func(d obj) { outcome(d, 1)["reasons"] = arr{} }, rule: "london-doctors", field: "outcome.reasons"},
		{name: "reasons missing", change: func(d obj) { delete(outcome(d, 1), "reasons") }, rule: "london-doctors", field: "outcome.reasons"},
		{name: "empty reason", change: func(d obj) { outcome(d, 1)["reasons"] = arr{"Fine.", "  "} }, rule: "london-doctors", field: "outcome.reasons[1]"},
		{name: "signpost id not a uuid", change: func(d obj) { outcome(d, 1)["signposts"].(arr)[0].(obj)["id"] = "practitioner-health" }, rule: "london-doctors", field: "outcome.signposts[0].id"},
		{name: "signpost id missing", change: func(d obj) { delete(outcome(d, 1)["signposts"].(arr)[0].(obj), "id") }, rule: "london-doctors", field: "outcome.signposts[0].id"},
		{name: "signpost name empty", change: func(d obj) { outcome(d, 1)["signposts"].(arr)[0].(obj)["name"] = "" }, rule: "london-doctors", field: "outcome.signposts[0].name"},
		{name: "signpost twice", change: func(d obj) {
			outcome(d, 1)["signposts"] = arr{obj{"id": idPH, "name": "NHS Practitioner Health"}, obj{"id": idPH, "name": "NHS Practitioner Health"}}
		}, rule: "london-doctors", field: "outcome.signposts[1].id"},
		{name: "one id with two names", change: func(d obj) {
			outcome(d, 1)["signposts"].(arr)[0].(obj)["id"] = idIST
		}, rule: "london-doctors", field: "outcome.signposts[0].name"},
		{name: "eligible outside london and kss", change: func(d obj) { when(d, 0)["region"] = arr{"london", "scotland"} }, rule: "nurses", field: "when.region"},
		{name: "eligible with no region condition", change: func(d obj) { delete(when(d, 0), "region") }, rule: "nurses", field: "when.region"},
		{name: "kss route outside kss", change: func(d obj) { outcome(d, 1)["route"] = "kss-professional-support-wellbeing" }, rule: "london-doctors", field: "when.region"},
		{name: "default missing", change: func(d obj) { delete(d, "default") }, rule: "default", field: ""},
		{name: "default eligible", change: func(d obj) {
			d["default"] = obj{"eligible": true, "route": "ist", "reasons": arr{"Yes."}, "signposts": arr{}}
		}, rule: "default", field: "eligible"},
		{name: "default without reasons", change: func(d obj) { d["default"].(obj)["reasons"] = arr{} }, rule: "default", field: "reasons"},
		{name: "unknown default field", change: func(d obj) { d["default"].(obj)["note"] = "x" }, rule: "default", field: "note"},
		{name: "rule that can never apply", change: func(d obj) {
			d["rules"] = append(arr{obj{"id": "everyone", "when": obj{}, "outcome": outcome(d, 1)}}, d["rules"].(arr)...)
		}, rule: "nurses", field: "when"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.raw != "" {
				data = []byte(tt.raw)
			} else {
				d := baseDoc()
				tt.change(d)
				data = mustJSON(t, d)
			}
			rs, err := ParseRuleSet(data)
			if err == nil {
				t.Fatalf("no error; parsed %d rules", len(rs.Rules()))
			}
			var rse *RuleSetError
			if !errors.As(err, &rse) {
				t.Fatalf("error %T, want *RuleSetError", err)
			}
			found := false
			for _, p := range rse.Problems {
				if p.Rule == tt.rule && p.Field == tt.field {
					found = true
				}
				if p.Message == "" {
					t.Errorf("problem %+v has no message", p)
				}
			}
			if !found {
				t.Errorf("no problem for rule %q field %q in:\n%v", tt.rule, tt.field, err)
			}
			msg := err.Error()
			if tt.rule != "" && !strings.Contains(msg, `"`+tt.rule+`"`) {
				t.Errorf("message does not name the rule: %s", msg)
			}
			if tt.field != "" && !strings.Contains(msg, tt.field) {
				t.Errorf("message does not name the field: %s", msg)
			}
		})
	}
}

func TestBaseDocIsValid(t *testing.T) {
	if _, err := ParseRuleSet(mustJSON(t, baseDoc())); err != nil {
		t.Fatal(err)
	}
}

// Every problem is reported, not just the first.
func TestParseRuleSetReportsAllProblems(t *testing.T) {
	d := baseDoc()
	d["version"] = 0
	outcome(d, 0)["reasons"] = arr{}
	when(d, 1)["region"] = arr{"mars"}
	_, err := ParseRuleSet(mustJSON(t, d))
	var rse *RuleSetError
	if !errors.As(err, &rse) || len(rse.Problems) != 3 {
		t.Fatalf("got %v, want 3 problems", err)
	}
}

func TestConditionsMatches(t *testing.T) {
	c := Conditions{Profession: []string{"nurse"}, Band: &BandRange{Min: 5, Max: 8}}
	tests := []struct {
		a    Answers
		want bool
	}{
		{nb("london", "nurse", "none", 5), true},
		{nb("london", "nurse", "none", 8), true},
		{nb("london", "nurse", "none", 4), false},
		{nb("london", "nurse", "none", 9), false},
		{plain("london", "nurse", "none"), false}, // no band given
	}
	for _, tt := range tests {
		if got := c.Matches(tt.a); got != tt.want {
			t.Errorf("Matches(band %v) = %v, want %v", deref(tt.a.Band), got, tt.want)
		}
	}
	yes := true
	c = Conditions{Profession: []string{"doctor"}, TrainingNumber: &yes}
	if c.Matches(plain("london", "doctor", "core")) {
		t.Error("training number condition matched answers without a training number")
	}
	if !(Conditions{}).Matches(Answers{}) {
		t.Error("empty conditions must match anything")
	}
}

func TestErrorStrings(t *testing.T) {
	if got := (&FieldError{Field: "band", Message: "Fix it."}).Error(); got != "band: Fix it." {
		t.Errorf("got %q", got)
	}
	if got := (&FieldError{Message: "Not JSON."}).Error(); got != "Not JSON." {
		t.Errorf("got %q", got)
	}
}
