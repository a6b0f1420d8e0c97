package eligibility

import (
	"slices"
	"testing"
)

// The checker stops as soon as the answers so far decide, and only then.
func TestSettled(t *testing.T) {
	rs := Default()
	for _, tc := range []struct {
		name    string
		a       Answers
		settled bool
		rule    string
	}{
		{"nothing answered", Answers{}, false, ""},
		{"scotland, at once", Answers{Region: RegionScotland}, true, "outside-area-scotland"},
		{"wales, at once", Answers{Region: RegionWales}, true, "outside-area-wales"},
		{"northern ireland, at once", Answers{Region: RegionNorthernIreland}, true, "outside-area-northern-ireland"},
		{"elsewhere in england, at once", Answers{Region: RegionEnglandOther}, true, "outside-area-england"},
		{"london needs more", Answers{Region: RegionLondon}, false, ""},
		{"london doctor needs more", Answers{Region: RegionLondon, Profession: ProfessionDoctor}, false, ""},
		{"london other profession", Answers{Region: RegionLondon, Profession: ProfessionOther}, true, "not-on-covered-programme"},
		{"kss foundation doctor, no number asked", Answers{Region: RegionKSS, Profession: ProfessionDoctor, Programme: "foundation"}, true, "kss-foundation"},
		{"kss foundation dentist, no number asked", Answers{Region: RegionKSS, Profession: ProfessionDentist, Programme: "foundation"}, true, "kss-foundation"},
		{"london core doctor needs the number", Answers{Region: RegionLondon, Profession: ProfessionDoctor, Programme: "core"}, false, ""},
		{"london retainer doctor, no number asked", Answers{Region: RegionLondon, Profession: ProfessionDoctor, Programme: "retainer"}, true, "doctor-workforce-scheme"},
		{"london sas dentist", Answers{Region: RegionLondon, Profession: ProfessionDentist, Programme: "sas"}, true, "sas-or-completed-training-dentist"},
		{"london nurse on no scheme, no band asked", Answers{Region: RegionLondon, Profession: ProfessionNurse, Programme: "none"}, true, "not-on-covered-programme"},
		{"london nurse on preceptorship needs the band", Answers{Region: RegionLondon, Profession: ProfessionNurse, Programme: "preceptorship"}, false, ""},
		{"complete", med(RegionLondon, ProfessionDoctor, "core", true), true, "training-number-holder"},
		{"not sure counts as yes", Answers{Region: RegionLondon, Profession: ProfessionDoctor, Programme: "core", TrainingNumberNotSure: true}, true, "training-number-holder"},
		{"a skipped question", Answers{Region: RegionLondon, Programme: "core"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := rs.Settled(tc.a)
			if ok != tc.settled || d.RuleID != tc.rule {
				t.Fatalf("Settled = %q, %v; want %q, %v", d.RuleID, ok, tc.rule, tc.settled)
			}
			if ok {
				// Decide agrees on the answers the checker stopped at.
				if got := rs.Decide(tc.a); got.RuleID != tc.rule || got.RuleVersion != rs.Version {
					t.Errorf("Decide = %q version %d", got.RuleID, got.RuleVersion)
				}
			}
		})
	}
}

// Whenever Settled says the answers so far decide, every complete set of
// answers that goes on from them gets that decision.
func TestSettledAgreesWithEveryCompletion(t *testing.T) {
	rs := Default()
	for _, c := range allAnswers() {
		for _, q := range QuestionsFor(c) {
			soFar := c.upTo(q)
			d, ok := rs.Settled(soFar)
			if ok && rs.Decide(c).RuleID != d.RuleID {
				t.Errorf("%+v settled by %q after %s, but decided by %q", soFar, d.RuleID, q, rs.Decide(c).RuleID)
			}
		}
	}
}

func TestTrainingNumberNotSure(t *testing.T) {
	a := Answers{Region: RegionLondon, Profession: ProfessionDentist, Programme: "specialty"}
	opts := values(a.Options(QuestionTrainingNumber))
	if !slices.Equal(opts, []string{"true", "false", TrainingNumberNotSure}) {
		t.Fatalf("training number options %v", opts)
	}
	// The API's list stays yes or no.
	if got := values(TrainingNumberOptions()); !slices.Equal(got, []string{"true", "false"}) {
		t.Errorf("TrainingNumberOptions %v", got)
	}
	b, err := a.Set(QuestionTrainingNumber, TrainingNumberNotSure)
	if err != nil {
		t.Fatal(err)
	}
	if b.TrainingNumber != nil || !b.TrainingNumberNotSure || NextQuestion(b) != "" || b.Validate() != nil {
		t.Fatalf("after not sure: %+v next %q valid %v", b, NextQuestion(b), b.Validate())
	}
	if d := Default().Decide(b); !d.Eligible || d.RuleID != "training-number-holder" {
		t.Errorf("not sure decided %+v", d)
	}
	// A later yes or no replaces it.
	c, _ := b.Set(QuestionTrainingNumber, "false")
	if c.TrainingNumberNotSure || c.TrainingNumber == nil || *c.TrainingNumber {
		t.Errorf("after no: %+v", c)
	}
	// Changing the profession drops it.
	n, _ := b.Set(QuestionProfession, ProfessionNurse)
	if n.TrainingNumberNotSure {
		t.Errorf("not sure kept for a nurse: %+v", n)
	}
	// Only doctors and dentists can be unsure of a training number.
	bad := Answers{Region: RegionLondon, Profession: ProfessionNurse, Programme: "none", Band: band(5), TrainingNumberNotSure: true}
	if bad.Validate() == nil {
		t.Error("a nurse unsure of a training number passed Validate")
	}
}

// A dentist is offered the dental programmes only, and the web form takes
// no other; the API still takes the doctors' programmes for a dentist.
func TestDentistsSeeDentalProgrammes(t *testing.T) {
	a := Answers{Region: RegionLondon, Profession: ProfessionDentist}
	got := values(a.Options(QuestionProgramme))
	if want := []string{"foundation", "core", "specialty", "sas", "completed-training", "none"}; !slices.Equal(got, want) {
		t.Fatalf("dentist programmes %v, want %v", got, want)
	}
	for _, o := range a.Options(QuestionProgramme) {
		if !ValidProgramme(ProfessionDentist, o.Value) {
			t.Errorf("%q is not a dentist's programme for the API", o.Value)
		}
	}
	for _, p := range []string{"retainer", "gp-specialty", "medical-support-worker"} {
		if _, err := a.Set(QuestionProgramme, p); err == nil {
			t.Errorf("the web form took %q for a dentist", p)
		}
		if !ValidProgramme(ProfessionDentist, p) {
			t.Errorf("the API no longer takes %q for a dentist", p)
		}
	}
	if _, err := (Answers{Region: RegionLondon, Profession: ProfessionDoctor}).Set(QuestionProgramme, "retainer"); err != nil {
		t.Errorf("a doctor cannot choose the Retainer scheme: %v", err)
	}
}

// No page offers a single choice: the only such question (the programme of
// "something else") is answered for the person.
func TestNoSingleChoicePage(t *testing.T) {
	a := Answers{Region: RegionLondon, Profession: ProfessionOther}
	if slices.Contains(Asked(a), QuestionProgramme) {
		t.Error("the programme question is shown for \"something else\"")
	}
	if f := FillSingleChoices(a); f.Programme != "none" {
		t.Errorf("programme not answered: %+v", f)
	}
	for _, c := range allAnswers() {
		for _, q := range Asked(c) {
			if n := len(c.Options(q)); n < 2 {
				t.Errorf("%+v: question %s shown with %d choices", c, q, n)
			}
		}
	}
}
