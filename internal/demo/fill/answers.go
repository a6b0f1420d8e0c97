package fill

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/eligibility"
)

// profile is a set of checker answers the rules in use admit, with the
// decision that admitted it.
type profile struct {
	answers  eligibility.Answers
	decision application.Decision
}

// professionWeights is roughly who asks the unit for help: mostly doctors.
var professionWeights = map[string]int{
	eligibility.ProfessionDoctor:              50,
	eligibility.ProfessionDentist:             10,
	eligibility.ProfessionNurse:               12,
	eligibility.ProfessionAHP:                 9,
	eligibility.ProfessionPharmacist:          8,
	eligibility.ProfessionPharmacyTechnician:  4,
	eligibility.ProfessionHealthcareScientist: 7,
}

// eligibleProfiles tries every answer to the checker against rs and keeps,
// by profession, those it sends to the Individual Support Team.
func eligibleProfiles(rs *eligibility.RuleSet) (map[string][]profile, error) {
	out := map[string][]profile{}
	for _, region := range eligibility.Regions() {
		for _, prof := range eligibility.Professions() {
			for _, prog := range eligibility.Programmes(prof.Value) {
				base := eligibility.Answers{Region: region.Value, Profession: prof.Value, Programme: prog.Value}
				var variants []eligibility.Answers
				switch {
				case eligibility.UsesBand(prof.Value):
					for b := eligibility.MinBand; b <= eligibility.MaxBand; b++ {
						v := base
						v.Band = &b
						variants = append(variants, v)
					}
				case eligibility.UsesTrainingNumber(prof.Value):
					for _, tn := range []bool{true, false} {
						v := base
						v.TrainingNumber = &tn
						variants = append(variants, v)
					}
				default:
					variants = append(variants, base)
				}
				for _, v := range variants {
					if v.Validate() != nil {
						continue
					}
					d := rs.Decide(v)
					if d.Eligible && d.Route == eligibility.RouteIST {
						out[v.Profession] = append(out[v.Profession], profile{v,
							application.Decision{RuleID: d.RuleID, RuleVersion: d.RuleVersion, Eligible: true, Route: d.Route}})
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the eligibility rules in use admit nobody to the Individual Support Team, so there is no one to make up applications for")
	}
	return out, nil
}

// trainee is a made-up trainee.
type trainee struct {
	first, last, name, email string
}

// lettersOnly keeps what can go in the local part of an address.
func lettersOnly(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dateFields fills a day-month-year question.
func dateFields(v url.Values, name string, t time.Time) {
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// application makes up what trainee t typed into each page, applying as p
// on the day at about topics, and builds it as sending would.
func (g *gen) application(t trainee, p profile, at time.Time, topics []string) (application.Application, error) {
	prof := p.answers.Profession
	pages := map[string]url.Values{
		"email":     {"email": {t.email}},
		"about-you": {"name": {t.name}, "phone": {fmt.Sprintf("07700 900%03d", g.r.IntN(1000))}},
	}
	if g.chance(30) {
		pages["about-you"].Set("preferred_name", t.first)
	}
	if g.chance(40) {
		pages["about-you"].Set("pronouns", pick(g, pronouns))
	}

	reg := url.Values{"registered": {"yes"}}
	n := g.r.IntN(100000)
	switch prof {
	case eligibility.ProfessionDoctor, eligibility.ProfessionDentist:
		reg.Set("registration_number", fmt.Sprintf("99%05d", n)) // GMC and GDC numbers have not reached 99…
	case eligibility.ProfessionNurse:
		reg.Set("registration_number", fmt.Sprintf("99Z9%03dZ", n%1000)) // no month is Z, no country Z
	case eligibility.ProfessionPharmacist, eligibility.ProfessionPharmacyTechnician:
		if p.answers.Programme == "pre-registration" {
			reg.Set("registered", "no")
		} else {
			reg.Set("registration_number", fmt.Sprintf("99%05d", n))
		}
	default:
		reg.Set("registration_number", fmt.Sprintf("ZZ99%04d", n%10000)) // the HCPC has no ZZ register
	}
	pages["registration"] = reg

	training := url.Values{"grade": {pick(g, grades[prof])}, "employer": {pick(g, trusts)}}
	if sp := specialties[prof]; len(sp) > 0 && g.chance(80) {
		training.Set("specialty", pick(g, sp))
	}
	if p.answers.TrainingNumber != nil && *p.answers.TrainingNumber {
		training.Set("training_number", fmt.Sprintf("DEMO/99/%04d/C", g.r.IntN(10000)))
	}
	start := time.Date(at.Year(), at.Month(), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC).AddDate(0, -1-g.r.IntN(30), 0)
	dateFields(training, "post_start", start)
	if g.chance(60) {
		dateFields(training, "post_end", start.AddDate(1+g.r.IntN(3), 0, 0))
	}
	pages["training"] = training

	concerns := url.Values{"concern": topics}
	for _, tp := range topics {
		if tp == "other" {
			concerns.Set("concern_other", "Worries about money since moving for this post")
		}
	}
	pages["concerns"] = concerns
	pages["in-your-words"] = url.Values{"situation": {pick(g, situations[pick(g, topics)])}, "hopes": {pick(g, hopes)}}

	for _, tp := range topics {
		if tp != "exams" {
			continue
		}
		ex := pick(g, exams[prof])
		v := url.Values{"exam_name": {ex.name}, "exam_attempts": {strconv.Itoa(g.r.IntN(4) + 1)}}
		if ex.part != "" {
			v.Set("exam_part", ex.part)
		}
		if g.chance(60) {
			next := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1+g.r.IntN(6), 0)
			v.Set("exam_next-month", strconv.Itoa(int(next.Month())))
			v.Set("exam_next-year", strconv.Itoa(next.Year()))
		}
		pages["exams"] = v
	}
	if eligibility.UsesTrainingNumber(prof) {
		if g.chance(80) {
			v := url.Values{"arcp_outcome": {pick(g, []string{"1", "1", "1", "2", "3", "5", "not-sure"})}}
			dateFields(v, "arcp_date", time.Date(at.Year(), at.Month(), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC).AddDate(0, -1-g.r.IntN(11), 0))
			pages["arcp"] = v
		} else {
			pages["arcp"] = url.Values{"arcp_outcome": {"none"}}
		}
	}
	switch x := g.r.IntN(10); {
	case x < 7:
		pages["complaints"] = url.Values{"proceedings": {"none"}}
	case x == 7:
		pages["complaints"] = url.Values{"proceedings": {"past"}, "proceedings_detail": {proceedingsDetails[0]}}
	case x == 8:
		pages["complaints"] = url.Values{"proceedings": {"current"}, "proceedings_detail_current": {proceedingsDetails[1]}}
	default:
		pages["complaints"] = url.Values{"proceedings": {"discuss"}}
	}
	health := url.Values{}
	switch x := g.r.IntN(10); {
	case x < 3:
		health.Set("health", "yes")
		health.Set("health_detail", pick(g, healthDetails))
	case x < 6:
		health.Set("health", "no")
	case x == 6:
		health.Set("health", "prefer-not")
	}
	if g.chance(30) {
		health.Set("adjustments", pick(g, adjustments))
	}
	pages["health"] = health
	ways := []string{"face-to-face", "phone", "teams", "zoom"}
	var chosen []string
	for _, w := range ways {
		if g.chance(45) {
			chosen = append(chosen, w)
		}
	}
	if len(chosen) == 0 {
		chosen = []string{pick(g, ways)}
	}
	pages["meeting"] = url.Values{"meeting_way": chosen, "meeting_times": {pick(g, meetingTimes)}}
	pages["consent"] = url.Values{"consent_case_email": {yesNo(g.chance(85))}, "consent_follow_up": {yesNo(g.chance(60))},
		"confidentiality": {"read"}}

	a, err := application.Build(application.Answers{Eligibility: p.answers, Decision: p.decision, Email: t.email, Pages: pages}, at)
	if err != nil {
		return a, err
	}
	a.Reference = g.reference()
	return a, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// topics picks what a trainee asks for help with: one to three topics, in
// the order the application lists them.
func (g *gen) topics() []string {
	weights := map[string]int{"exams": 30, "mental-health": 25, "relationships": 15, "personal": 12, "career": 10, "dyslexia": 6, "other": 2}
	var picked []string
	for len(picked) == 0 || (len(picked) < 3 && g.chance(35)) {
		if t := weighted(g, weights); !contains(picked, t) {
			picked = append(picked, t)
		}
	}
	var out []string
	for _, t := range cases.Topics {
		if contains(picked, t.Value) {
			out = append(out, t.Value)
		}
	}
	return out
}

func contains(xs []string, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
