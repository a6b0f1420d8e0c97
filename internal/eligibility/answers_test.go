package eligibility

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

func TestOptionValuesMatchContract(t *testing.T) {
	if got, want := values(Regions()), []string{"london", "kss", "england-other", "scotland", "wales", "northern-ireland"}; !slices.Equal(got, want) {
		t.Errorf("regions = %v, want %v", got, want)
	}
	if got, want := values(Professions()), []string{"doctor", "dentist", "nurse", "allied-health-professional", "pharmacist", "pharmacy-technician", "healthcare-scientist", "other"}; !slices.Equal(got, want) {
		t.Errorf("professions = %v, want %v", got, want)
	}
	medical := []string{"foundation", "core", "specialty", "gp-specialty", "sas", "completed-training", "induction-returner", "retainer", "international-gp-recruitment", "clinical-apprenticeship", "medical-support-worker", "none"}
	nursing := []string{"preceptorship", "specialist-development", "none"}
	programmes := map[string][]string{
		"doctor":                     medical,
		"dentist":                    medical,
		"nurse":                      nursing,
		"allied-health-professional": nursing,
		"pharmacist":                 {"pre-registration", "foundation", "gp-pathway", "none"},
		"pharmacy-technician":        {"pre-registration", "none"},
		"healthcare-scientist":       {"stp", "hsst", "none"},
		"other":                      {"none"},
	}
	for prof, want := range programmes {
		if got := values(Programmes(prof)); !slices.Equal(got, want) {
			t.Errorf("programmes(%s) = %v, want %v", prof, got, want)
		}
	}
	if got := Programmes("vet"); got != nil {
		t.Errorf("programmes of an unknown profession = %v, want nil", got)
	}
	var wantBands []string
	for b := 1; b <= 9; b++ {
		wantBands = append(wantBands, strconv.Itoa(b))
	}
	if got := values(Bands()); !slices.Equal(got, wantBands) {
		t.Errorf("bands = %v, want %v", got, wantBands)
	}
	if got := values(TrainingNumberOptions()); !slices.Equal(got, []string{"true", "false"}) {
		t.Errorf("training number options = %v", got)
	}
}

func TestEveryOptionAndQuestionHasWords(t *testing.T) {
	var qs []string
	for _, q := range Questions() {
		qs = append(qs, q.Name)
		if q.Title == "" || q.Error == "" {
			t.Errorf("question %q has no title or error message", q.Name)
		}
		if got, ok := QuestionByName(q.Name); !ok || got != q {
			t.Errorf("QuestionByName(%q) = %+v, %v", q.Name, got, ok)
		}
	}
	if want := []string{"region", "profession", "programme", "band", "training_number"}; !slices.Equal(qs, want) {
		t.Errorf("questions = %v, want %v", qs, want)
	}
	if _, ok := QuestionByName("age"); ok {
		t.Error("QuestionByName found a question that does not exist")
	}
	for _, p := range Professions() {
		a := Answers{Profession: p.Value}
		for _, q := range QuestionsFor(a) {
			opts := a.Options(q)
			if len(opts) == 0 {
				t.Errorf("%s: question %s has no options", p.Value, q)
			}
			for _, o := range opts {
				if o.Label == "" {
					t.Errorf("%s: option %q of %s has no label", p.Value, o.Value, q)
				}
			}
		}
	}
	// Returned lists are copies.
	r := Regions()
	r[0].Value = "changed"
	if Regions()[0].Value != RegionLondon {
		t.Error("Regions returned the package's own slice")
	}
}

func TestQuestionsFor(t *testing.T) {
	tests := map[string][]string{
		"":                     {"region", "profession", "programme"},
		"doctor":               {"region", "profession", "programme", "training_number"},
		"dentist":              {"region", "profession", "programme", "training_number"},
		"nurse":                {"region", "profession", "programme", "band"},
		"healthcare-scientist": {"region", "profession", "programme"},
	}
	for prof, want := range tests {
		if got := QuestionsFor(Answers{Profession: prof}); !slices.Equal(got, want) {
			t.Errorf("QuestionsFor(%q) = %v, want %v", prof, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		a     Answers
		field string
	}{
		{"complete doctor", med("london", "doctor", "core", true), ""},
		{"complete nurse", nb("kss", "nurse", "none", 3), ""},
		{"complete other", plain("wales", "other", "none"), ""},
		{"nothing", Answers{}, "region"},
		{"bad region first", Answers{Region: "mars", Profession: "vet"}, "region"},
		{"no profession", Answers{Region: "london"}, "profession"},
		{"programme of another profession", plain("london", "pharmacy-technician", "foundation"), "programme"},
		{"band 4 is valid", nb("london", "nurse", "preceptorship", 4), ""},
		{"band 9 is valid", nb("london", "nurse", "preceptorship", 9), ""},
		{"band 10", nb("london", "nurse", "preceptorship", 10), "band"},
		{"band for dentist", Answers{Region: "london", Profession: "dentist", Programme: "core", Band: band(5), TrainingNumber: tn(true)}, "band"},
		{"no training number", plain("london", "dentist", "core"), "training_number"},
		{"training number for scientist", Answers{Region: "london", Profession: "healthcare-scientist", Programme: "stp", TrainingNumber: tn(false)}, "training_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.a.Validate()
			got := ""
			if err != nil {
				got = err.Field
				if err.Message == "" {
					t.Error("empty message")
				}
			}
			if got != tt.field || (err == nil) != (tt.field == "") {
				t.Errorf("field = %q (err %v), want %q", got, err, tt.field)
			}
		})
	}
}

// NextQuestion and Validate share one notion of "complete": for every mix
// of missing, valid and invalid answers, NextQuestion is "" exactly when
// the pruned answers validate, and otherwise names the field Validate
// complains about.
func TestNextQuestionAgreesWithValidate(t *testing.T) {
	regions := []string{"", "london", "scotland", "mars"}
	profs := []string{"", "doctor", "dentist", "nurse", "allied-health-professional", "pharmacist", "other", "vet"}
	progs := []string{"", "core", "preceptorship", "pre-registration", "stp", "none", "phd"}
	bands := []*int{nil, band(0), band(5), band(9), band(10)}
	numbers := []*bool{nil, tn(true), tn(false)}
	n := 0
	for _, r := range regions {
		for _, p := range profs {
			for _, g := range progs {
				for _, b := range bands {
					for _, num := range numbers {
						a := Answers{Region: r, Profession: p, Programme: g, Band: b, TrainingNumber: num}
						next := NextQuestion(a)
						err := a.Prune().Validate()
						name := fmt.Sprintf("%+v band=%v tn=%v", a, deref(b), deref(num))
						if (next == "") != (err == nil) {
							t.Fatalf("%s: NextQuestion %q but Validate %v", name, next, err)
						}
						if err != nil && err.Field != next {
							t.Fatalf("%s: NextQuestion %q but Validate complains about %q", name, next, err.Field)
						}
						n++
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases", n)
	}
}

// A page-by-page run through the checker for each kind of profession.
func TestCheckerFlow(t *testing.T) {
	flows := []struct {
		name      string
		steps     [][2]string // question, value
		wantRoute string
	}{
		{"doctor", [][2]string{{"region", "london"}, {"profession", "doctor"}, {"programme", "specialty"}, {"training_number", "yes"}}, RouteIST},
		{"kss foundation", [][2]string{{"region", "kss"}, {"profession", "dentist"}, {"programme", "foundation"}, {"training_number", "false"}}, RouteKSSWellbeing},
		{"nurse", [][2]string{{"region", "kss"}, {"profession", "nurse"}, {"programme", "preceptorship"}, {"band", "5"}}, RouteIST},
		{"ahp band 4", [][2]string{{"region", "london"}, {"profession", "allied-health-professional"}, {"programme", "specialist-development"}, {"band", " 4 "}}, RouteSignpost},
		{"other", [][2]string{{"region", "london"}, {"profession", "other"}, {"programme", "none"}}, RouteSignpost},
	}
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			var a Answers
			for _, st := range f.steps {
				if q := NextQuestion(a); q != st[0] {
					t.Fatalf("next question %q, want %q", q, st[0])
				}
				var err *FieldError
				a, err = a.Set(st[0], st[1])
				if err != nil {
					t.Fatalf("Set(%s, %s): %v", st[0], st[1], err)
				}
			}
			if q := NextQuestion(a); q != "" {
				t.Fatalf("next question %q after the last step", q)
			}
			if err := a.Validate(); err != nil {
				t.Fatalf("complete answers do not validate: %v", err)
			}
			if d := Default().Decide(a); d.Route != f.wantRoute {
				t.Errorf("route %q, want %q", d.Route, f.wantRoute)
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	doctor := Answers{Region: "london", Profession: "doctor"}
	nurse := Answers{Region: "london", Profession: "nurse", Programme: "preceptorship"}
	tests := []struct {
		name     string
		a        Answers
		q, value string
		field    string
	}{
		{"nothing chosen", Answers{}, "region", "", "region"},
		{"unknown region", Answers{}, "region", "mars", "region"},
		{"unknown profession", Answers{}, "profession", "vet", "profession"},
		{"programme before profession", Answers{Region: "london"}, "programme", "core", "profession"},
		{"programme of another profession", doctor, "programme", "stp", "programme"},
		{"band not a number", nurse, "band", "8a", "band"},
		{"band 10", nurse, "band", "10", "band"},
		{"band 0", nurse, "band", "0", "band"},
		{"band for a doctor", doctor, "band", "5", "band"},
		{"training number maybe", doctor, "training_number", "maybe", "training_number"},
		{"training number for a nurse", nurse, "training_number", "yes", "training_number"},
		{"unknown question", doctor, "age", "30", "age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.a.Set(tt.q, tt.value)
			if err == nil {
				t.Fatalf("no error; answers %+v", got)
			}
			if err.Field != tt.field || err.Message == "" {
				t.Errorf("error %+v, want field %q and a message", err, tt.field)
			}
			if !equalAnswers(got, tt.a) {
				t.Errorf("answers changed on error: %+v", got)
			}
		})
	}
}

func equalAnswers(a, b Answers) bool {
	return a.Region == b.Region && a.Profession == b.Profession && a.Programme == b.Programme &&
		fmt.Sprint(deref(a.Band)) == fmt.Sprint(deref(b.Band)) &&
		fmt.Sprint(deref(a.TrainingNumber)) == fmt.Sprint(deref(b.TrainingNumber))
}

// Going back and changing the profession drops answers that no longer apply.
func TestSetProfessionPrunes(t *testing.T) {
	a := med("london", "doctor", "core", true)
	a, err := a.Set("profession", "nurse")
	if err != nil {
		t.Fatal(err)
	}
	if a.Programme != "" || a.TrainingNumber != nil {
		t.Fatalf("stale answers kept: %+v", a)
	}
	if q := NextQuestion(a); q != "programme" {
		t.Fatalf("next question %q, want programme", q)
	}
	// A programme valid for both professions is kept; the band is dropped.
	b := nb("london", "nurse", "none", 6)
	b, _ = b.Set("profession", "pharmacist")
	if b.Programme != "none" || b.Band != nil {
		t.Fatalf("got %+v, want programme none and no band", b)
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("pruned answers do not validate: %v", err)
	}
}
