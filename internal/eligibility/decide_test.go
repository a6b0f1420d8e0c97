package eligibility

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Directory service ids (fixed; see the directory data).
const (
	idLMC          = "01a2011f-88d1-7e13-91f2-48654848bbdd"
	idBMA          = "01a2011f-88d1-7ea9-83ab-1850863fa274"
	idPH           = "01a2011f-88d1-7eb1-af27-fe9ce86bdae6"
	idKSSWellbeing = "01a2011f-88d1-7eb6-9e27-9db58eb84fa8"
	idPSULondon    = "01a2011f-88d1-7eba-8d40-c5cd3e97b5d3"
	idIST          = "01a2011f-88d1-7ebd-bd56-5f92402c5f59"
	idScotland     = "01a2011f-88d1-7ec2-b612-6d1a27e4ed46"
	idWales        = "01a2011f-88d1-7ec6-9ad7-9f8eba67b215"
	idNI           = "01a2011f-88d1-7ecc-8cf1-feb0912ad410"
	idSchools      = "82d51a5e-01bc-5372-964c-6098e58d384c"
)

var directoryNames = map[string]string{
	idLMC:          "Londonwide Medical Committee",
	idBMA:          "British Medical Association",
	idPH:           "NHS Practitioner Health",
	idKSSWellbeing: "KSS Professional Support & Wellbeing Service",
	idPSULondon:    "Professional Support Unit London",
	idIST:          "Individual Support Team",
	idScotland:     "Scotland Deanery support for trainees",
	idWales:        "Wales Deanery Professional Support Unit",
	idNI:           "Northern Ireland Professional Support and Wellbeing team",
	idSchools:      "Support through your specialty or foundation school",
}

func band(n int) *int { return &n }
func tn(b bool) *bool { return &b }
func ids(s ...string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// med builds doctor/dentist answers; nb builds nurse/AHP answers; plain
// builds answers for professions asked neither band nor training number.
func med(region, profession, programme string, number bool) Answers {
	return Answers{Region: region, Profession: profession, Programme: programme, TrainingNumber: tn(number)}
}

func nb(region, profession, programme string, b int) Answers {
	return Answers{Region: region, Profession: profession, Programme: programme, Band: band(b)}
}

func plain(region, profession, programme string) Answers {
	return Answers{Region: region, Profession: profession, Programme: programme}
}

func TestDecideDefaultRules(t *testing.T) {
	const (
		ist    = RouteIST
		kss    = RouteKSSWellbeing
		sign   = RouteSignpost
		yes    = true
		no     = false
		london = RegionLondon
		kssR   = RegionKSS
	)
	tests := []struct {
		name      string
		a         Answers
		eligible  bool
		route     string
		rule      string
		signposts []string
	}{
		// Doctors and dentists with a London or KSS training number, foundation to CCT.
		{"london doctor foundation with number", med(london, "doctor", "foundation", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"london dentist foundation with number", med(london, "dentist", "foundation", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"london doctor core with number", med(london, "doctor", "core", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"kss doctor core with number", med(kssR, "doctor", "core", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"london doctor specialty with number", med(london, "doctor", "specialty", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"kss doctor specialty with number", med(kssR, "doctor", "specialty", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"london doctor gp specialty with number", med(london, "doctor", "gp-specialty", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"kss doctor gp specialty with number", med(kssR, "doctor", "gp-specialty", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"london dentist core with number", med(london, "dentist", "core", yes), yes, ist, "training-number-holder", ids(idIST)},
		{"kss dentist specialty with number", med(kssR, "dentist", "specialty", yes), yes, ist, "training-number-holder", ids(idIST)},

		// KSS foundation trainees go to the KSS service, number or not.
		{"kss doctor foundation with number", med(kssR, "doctor", "foundation", yes), no, kss, "kss-foundation", ids(idKSSWellbeing)},
		{"kss doctor foundation without number", med(kssR, "doctor", "foundation", no), no, kss, "kss-foundation", ids(idKSSWellbeing)},
		{"kss dentist foundation with number", med(kssR, "dentist", "foundation", yes), no, kss, "kss-foundation", ids(idKSSWellbeing)},

		// In training but without a London or KSS training number.
		{"london doctor foundation without number", med(london, "doctor", "foundation", no), no, sign, "training-without-london-kss-number", ids(idPH)},
		{"london doctor core without number", med(london, "doctor", "core", no), no, sign, "training-without-london-kss-number", ids(idPH)},
		{"kss doctor specialty without number", med(kssR, "doctor", "specialty", no), no, sign, "training-without-london-kss-number", ids(idPH)},
		{"london doctor gp specialty without number", med(london, "doctor", "gp-specialty", no), no, sign, "training-without-london-kss-number", ids(idPH)},
		{"kss dentist core without number", med(kssR, "dentist", "core", no), no, sign, "training-without-london-kss-number", ids(idPH)},

		// SAS and completed training: not eligible, with or without a number.
		{"london doctor sas with number", med(london, "doctor", "sas", yes), no, sign, "sas-or-completed-training-doctor", ids(idLMC, idBMA, idPH)},
		{"kss doctor sas without number", med(kssR, "doctor", "sas", no), no, sign, "sas-or-completed-training-doctor", ids(idLMC, idBMA, idPH)},
		{"london doctor completed training", med(london, "doctor", "completed-training", no), no, sign, "sas-or-completed-training-doctor", ids(idLMC, idBMA, idPH)},
		{"kss doctor completed training with number", med(kssR, "doctor", "completed-training", yes), no, sign, "sas-or-completed-training-doctor", ids(idLMC, idBMA, idPH)},
		{"london dentist sas", med(london, "dentist", "sas", no), no, sign, "sas-or-completed-training-dentist", ids(idPH)},
		{"kss dentist completed training", med(kssR, "dentist", "completed-training", yes), no, sign, "sas-or-completed-training-dentist", ids(idPH)},

		// Doctors on workforce schemes: eligible with or without a number.
		{"london doctor induction returner no number", med(london, "doctor", "induction-returner", no), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		{"kss doctor induction returner with number", med(kssR, "doctor", "induction-returner", yes), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		{"kss doctor retainer no number", med(kssR, "doctor", "retainer", no), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		{"london doctor igpr no number", med(london, "doctor", "international-gp-recruitment", no), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		{"kss doctor caps no number", med(kssR, "doctor", "clinical-apprenticeship", no), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		{"london doctor msw with number", med(london, "doctor", "medical-support-worker", yes), yes, ist, "doctor-workforce-scheme", ids(idIST)},
		// ... but the schemes are for doctors, and only in London and KSS.
		{"london dentist retainer", med(london, "dentist", "retainer", yes), no, sign, "doctor-dentist-not-covered", ids(idPH)},
		{"kss dentist msw", med(kssR, "dentist", "medical-support-worker", no), no, sign, "doctor-dentist-not-covered", ids(idPH)},
		{"wales doctor retainer", med(RegionWales, "doctor", "retainer", no), no, sign, "outside-area-wales", ids(idWales)},
		{"england doctor igpr", med(RegionEnglandOther, "doctor", "international-gp-recruitment", no), no, sign, "outside-area-england", ids(idSchools, idPH)},

		// Doctors and dentists in none of the groups.
		{"london doctor none", med(london, "doctor", "none", no), no, sign, "doctor-dentist-not-covered", ids(idPH)},
		{"kss dentist none with number", med(kssR, "dentist", "none", yes), no, sign, "doctor-dentist-not-covered", ids(idPH)},

		// Outside London and KSS: the nation's own support, for everyone.
		{"scotland doctor specialty with number", med(RegionScotland, "doctor", "specialty", yes), no, sign, "outside-area-scotland", ids(idScotland)},
		{"scotland nurse band 6 preceptorship", nb(RegionScotland, "nurse", "preceptorship", 6), no, sign, "outside-area-scotland", ids(idScotland)},
		{"scotland other", plain(RegionScotland, "other", "none"), no, sign, "outside-area-scotland", ids(idScotland)},
		{"wales doctor core with number", med(RegionWales, "doctor", "core", yes), no, sign, "outside-area-wales", ids(idWales)},
		{"wales pharmacist foundation", plain(RegionWales, "pharmacist", "foundation"), no, sign, "outside-area-wales", ids(idWales)},
		{"northern ireland doctor foundation", med(RegionNorthernIreland, "doctor", "foundation", yes), no, sign, "outside-area-northern-ireland", ids(idNI)},
		{"northern ireland scientist stp", plain(RegionNorthernIreland, "healthcare-scientist", "stp"), no, sign, "outside-area-northern-ireland", ids(idNI)},
		{"northern ireland ahp band 5", nb(RegionNorthernIreland, "allied-health-professional", "specialist-development", 5), no, sign, "outside-area-northern-ireland", ids(idNI)},

		// Elsewhere in England.
		{"england doctor specialty with number", med(RegionEnglandOther, "doctor", "specialty", yes), no, sign, "outside-area-england", ids(idSchools, idPH)},
		{"england doctor foundation is not the kss rule", med(RegionEnglandOther, "doctor", "foundation", yes), no, sign, "outside-area-england", ids(idSchools, idPH)},
		{"england dentist core with number", med(RegionEnglandOther, "dentist", "core", yes), no, sign, "outside-area-england", ids(idSchools, idPH)},
		{"england nurse band 6 preceptorship", nb(RegionEnglandOther, "nurse", "preceptorship", 6), no, sign, "outside-area-england", ids(idSchools, idPH)},
		{"england pharmacist pre-registration", plain(RegionEnglandOther, "pharmacist", "pre-registration"), no, sign, "outside-area-england", ids(idSchools, idPH)},
		{"england other", plain(RegionEnglandOther, "other", "none"), no, sign, "outside-area-england", ids(idSchools, idPH)},

		// Nurses and AHPs: bands 5 to 8 on a recognised scheme.
		{"london nurse preceptorship band 4", nb(london, "nurse", "preceptorship", 4), no, sign, "nurse-ahp-outside-band-range", ids(idPSULondon)},
		{"london nurse preceptorship band 5", nb(london, "nurse", "preceptorship", 5), yes, ist, "nurse-ahp-band-5-to-8-on-scheme", ids(idIST)},
		{"london nurse preceptorship band 8", nb(london, "nurse", "preceptorship", 8), yes, ist, "nurse-ahp-band-5-to-8-on-scheme", ids(idIST)},
		{"london nurse preceptorship band 9", nb(london, "nurse", "preceptorship", 9), no, sign, "nurse-ahp-outside-band-range", ids(idPSULondon)},
		{"kss nurse specialist development band 7", nb(kssR, "nurse", "specialist-development", 7), yes, ist, "nurse-ahp-band-5-to-8-on-scheme", ids(idIST)},
		{"kss ahp specialist development band 4", nb(kssR, "allied-health-professional", "specialist-development", 4), no, sign, "nurse-ahp-outside-band-range", ids(idPSULondon)},
		{"kss ahp specialist development band 5", nb(kssR, "allied-health-professional", "specialist-development", 5), yes, ist, "nurse-ahp-band-5-to-8-on-scheme", ids(idIST)},
		{"kss ahp specialist development band 8", nb(kssR, "allied-health-professional", "specialist-development", 8), yes, ist, "nurse-ahp-band-5-to-8-on-scheme", ids(idIST)},
		{"kss ahp specialist development band 9", nb(kssR, "allied-health-professional", "specialist-development", 9), no, sign, "nurse-ahp-outside-band-range", ids(idPSULondon)},
		{"london ahp preceptorship band 1", nb(london, "allied-health-professional", "preceptorship", 1), no, sign, "nurse-ahp-outside-band-range", ids(idPSULondon)},
		{"london nurse band 6 not on a scheme", nb(london, "nurse", "none", 6), no, sign, "not-on-covered-programme", ids(idPSULondon)},
		{"kss ahp band 5 not on a scheme", nb(kssR, "allied-health-professional", "none", 5), no, sign, "not-on-covered-programme", ids(idPSULondon)},

		// Pharmacy.
		{"london pre-registration pharmacist", plain(london, "pharmacist", "pre-registration"), yes, ist, "pharmacist-in-training", ids(idIST)},
		{"kss foundation pharmacist", plain(kssR, "pharmacist", "foundation"), yes, ist, "pharmacist-in-training", ids(idIST)},
		{"london gp pathway pharmacist", plain(london, "pharmacist", "gp-pathway"), yes, ist, "pharmacist-in-training", ids(idIST)},
		{"kss pharmacist not in training", plain(kssR, "pharmacist", "none"), no, sign, "not-on-covered-programme", ids(idPSULondon)},
		{"london trainee pharmacy technician", plain(london, "pharmacy-technician", "pre-registration"), yes, ist, "pharmacy-technician-in-training", ids(idIST)},
		{"kss trainee pharmacy technician", plain(kssR, "pharmacy-technician", "pre-registration"), yes, ist, "pharmacy-technician-in-training", ids(idIST)},
		{"london pharmacy technician not in training", plain(london, "pharmacy-technician", "none"), no, sign, "not-on-covered-programme", ids(idPSULondon)},
		{"scotland trainee pharmacy technician", plain(RegionScotland, "pharmacy-technician", "pre-registration"), no, sign, "outside-area-scotland", ids(idScotland)},

		// Healthcare science.
		{"london stp", plain(london, "healthcare-scientist", "stp"), yes, ist, "healthcare-scientist-in-training", ids(idIST)},
		{"kss hsst", plain(kssR, "healthcare-scientist", "hsst"), yes, ist, "healthcare-scientist-in-training", ids(idIST)},
		{"london scientist not in training", plain(london, "healthcare-scientist", "none"), no, sign, "not-on-covered-programme", ids(idPSULondon)},
		{"england stp", plain(RegionEnglandOther, "healthcare-scientist", "stp"), no, sign, "outside-area-england", ids(idSchools, idPH)},

		// Other professions.
		{"london other", plain(london, "other", "none"), no, sign, "not-on-covered-programme", ids(idPSULondon)},
		{"kss other", plain(kssR, "other", "none"), no, sign, "not-on-covered-programme", ids(idPSULondon)},
	}
	rs := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.a.Validate(); err != nil {
				t.Fatalf("test answers are invalid: %v", err)
			}
			d := rs.Decide(tt.a)
			if d.Eligible != tt.eligible {
				t.Errorf("eligible = %v, want %v", d.Eligible, tt.eligible)
			}
			if d.Route != tt.route {
				t.Errorf("route = %q, want %q", d.Route, tt.route)
			}
			if d.RuleID != tt.rule {
				t.Errorf("rule = %q, want %q", d.RuleID, tt.rule)
			}
			if d.RuleVersion != 1 {
				t.Errorf("rule version = %d, want 1", d.RuleVersion)
			}
			var got []string
			for _, s := range d.Signposts {
				got = append(got, s.ID)
			}
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tt.signposts) {
				t.Errorf("signposts = %v, want %v", got, tt.signposts)
			}
			checkReasons(t, d)
		})
	}
}

func checkReasons(t *testing.T, d Decision) {
	t.Helper()
	if len(d.Reasons) == 0 {
		t.Errorf("no reasons")
	}
	for i, r := range d.Reasons {
		if strings.TrimSpace(r) == "" {
			t.Errorf("reason %d is blank", i)
		}
		if !strings.HasSuffix(r, ".") {
			t.Errorf("reason %d is not a full sentence: %q", i, r)
		}
	}
}

// Every valid set of answers is decided by a rule (never the fallback),
// only London and KSS can be eligible, and every signpost is a directory
// service with its directory name.
func TestDecideEveryValidAnswer(t *testing.T) {
	rs := Default()
	all := allAnswers()
	if len(all) != 672 {
		t.Fatalf("allAnswers gave %d sets, want 672", len(all))
	}
	for _, a := range all {
		name := fmt.Sprintf("%+v band=%v tn=%v", a, deref(a.Band), deref(a.TrainingNumber))
		if err := a.Validate(); err != nil {
			t.Fatalf("%s: invalid: %v", name, err)
		}
		d := rs.Decide(a)
		if d.RuleID == DefaultRuleID {
			t.Errorf("%s: no rule matched", name)
		}
		if d.Eligible != (d.Route == RouteIST) {
			t.Errorf("%s: eligible %v with route %q", name, d.Eligible, d.Route)
		}
		if d.Eligible && a.Region != RegionLondon && a.Region != RegionKSS {
			t.Errorf("%s: eligible outside London and KSS", name)
		}
		if d.Route == RouteKSSWellbeing && (a.Region != RegionKSS || a.Programme != "foundation") {
			t.Errorf("%s: sent to the KSS service", name)
		}
		for _, s := range d.Signposts {
			if want, ok := directoryNames[s.ID]; !ok || want != s.Name {
				t.Errorf("%s: signpost %+v is not in the directory (want name %q)", name, s, want)
			}
		}
		checkReasons(t, d)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestDecisionJSONKeys(t *testing.T) {
	for _, a := range []Answers{
		med(RegionLondon, "doctor", "core", true),
		nb(RegionEnglandOther, "nurse", "preceptorship", 6), // no signposts
	} {
		d := Default().Decide(a)
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"eligible", "reasons", "route", "signposts"}; !slices.Equal(keys, want) {
			t.Errorf("keys = %v, want %v (body %s)", keys, want, b)
		}
		for _, k := range []string{"reasons", "signposts"} {
			if !strings.HasPrefix(string(m[k]), "[") {
				t.Errorf("%s = %s, want a JSON list", k, m[k])
			}
		}
		var sp []map[string]json.RawMessage
		_ = json.Unmarshal(m["signposts"], &sp)
		for _, s := range sp {
			if len(s) != 2 || s["id"] == nil || s["name"] == nil {
				t.Errorf("signpost %v: want exactly id and name", s)
			}
		}
	}
}

// Changing a Decision must not change the rule set.
func TestDecisionIsACopy(t *testing.T) {
	a := med(RegionLondon, "doctor", "sas", false)
	d := Default().Decide(a)
	d.Reasons[0] = "changed"
	d.Signposts[0].ID = "changed"
	again := Default().Decide(a)
	if again.Reasons[0] == "changed" || again.Signposts[0].ID == "changed" {
		t.Fatal("Decide returned slices shared with the rule set")
	}
	r := Default().Rules()
	r[0].Outcome.Reasons[0] = "changed"
	r[0].When.Region[0] = "changed"
	if Default().Rules()[0].Outcome.Reasons[0] == "changed" || Default().Rules()[0].When.Region[0] == "changed" {
		t.Fatal("Rules returned slices shared with the rule set")
	}
}

func TestDecideNilRuleSetUsesDefault(t *testing.T) {
	var rs *RuleSet
	a := plain(RegionLondon, "healthcare-scientist", "stp")
	if got, want := rs.Decide(a), Default().Decide(a); got.RuleID != want.RuleID || got.RuleVersion != want.RuleVersion {
		t.Fatalf("nil rule set decided %q v%d, want %q v%d", got.RuleID, got.RuleVersion, want.RuleID, want.RuleVersion)
	}
}
