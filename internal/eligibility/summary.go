package eligibility

import (
	"fmt"
	"slices"
	"strings"
)

// SummaryItem is one group of people who can refer themselves, in plain
// English, written from an eligible rule's conditions. Exceptions are the
// first reasons of earlier rules that take some of those people elsewhere
// (for example KSS foundation trainees).
type SummaryItem struct {
	RuleID string
	// Text is the whole group as one sentence.
	Text string
	// Lead and Programmes are the same for a page with a list: Lead ends
	// "if they are:" and each programme phrase is one bullet. Programmes is
	// empty when the rule has no programme condition.
	Lead       string
	Programmes []string
	Exceptions []string
}

// Summary describes who can refer themselves under this rule set, one item
// per eligible rule in order. It is generated, so the "who can apply" page
// changes the moment the unit publishes new rules.
func (rs *RuleSet) Summary() []SummaryItem {
	all := allAnswers()
	var out []SummaryItem
	for j, r := range rs.rules {
		if !r.Outcome.Eligible {
			continue
		}
		item := SummaryItem{RuleID: r.ID}
		item.Text, item.Lead, item.Programmes = describe(r.When)
		// An earlier, not-eligible rule that catches some of the answers
		// this rule would accept is an exception to it.
		var seen []int
		for _, a := range all {
			if !r.When.Matches(a) {
				continue
			}
			first := slices.IndexFunc(rs.rules[:j], func(e Rule) bool { return e.When.Matches(a) })
			if first < 0 || rs.rules[first].Outcome.Eligible || slices.Contains(seen, first) {
				continue
			}
			seen = append(seen, first)
		}
		slices.Sort(seen)
		for _, i := range seen {
			item.Exceptions = append(item.Exceptions, rs.rules[i].Outcome.Reasons[0])
		}
		out = append(out, item)
	}
	return out
}

var regionPhrase = map[string]string{
	RegionLondon:          "London",
	RegionKSS:             "Kent, Surrey and Sussex",
	RegionEnglandOther:    "elsewhere in England",
	RegionScotland:        "Scotland",
	RegionWales:           "Wales",
	RegionNorthernIreland: "Northern Ireland",
}

// programmePhrase words a programme after the profession: "doctors in
// foundation training", "nurses on preceptorship".
var programmePhrase = map[string]string{
	"foundation":                   "in foundation training",
	"core":                         "in core training",
	"specialty":                    "in specialty training",
	"gp-specialty":                 "in GP specialty training",
	"sas":                          "in a specialty and specialist (SAS) grade post",
	"completed-training":           "who have completed their training",
	"induction-returner":           "offered a place on the Induction and Refresher (I&R) scheme",
	"retainer":                     "offered a place on the Retainer scheme",
	"international-gp-recruitment": "offered a place on the International GP Recruitment (IGPR) scheme",
	"clinical-apprenticeship":      "on the Clinical Apprenticeship Scheme (CAPS)",
	"medical-support-worker":       "on the Medical Support Worker (MSW) programme",
	"preceptorship":                "on preceptorship",
	"specialist-development":       "on a recognised scheme to develop into a more specialised clinical role",
	"pre-registration":             "in pre-registration (trainee) training",
	"gp-pathway":                   "on the 18-month general practice pharmacist training pathway",
	"stp":                          "on the Scientist Training Programme (STP)",
	"hsst":                         "in Higher Specialist Scientist Training (HSST)",
	"none":                         "not on a recognised training programme",
}

// describe words a rule's conditions as one sentence, and as a lead-in
// with one phrase per programme.
func describe(c Conditions) (text, lead string, programmes []string) {
	var b strings.Builder
	if len(c.Profession) == 0 {
		b.WriteString("healthcare professionals")
	} else {
		nouns := make([]string, len(c.Profession))
		for i, p := range c.Profession {
			nouns[i] = professionNoun[p]
		}
		b.WriteString(join(nouns, "and"))
	}
	if c.Band != nil {
		if c.Band.Min == c.Band.Max {
			fmt.Fprintf(&b, " at band %d", c.Band.Min)
		} else {
			fmt.Fprintf(&b, " at bands %d to %d", c.Band.Min, c.Band.Max)
		}
		if c.Band.Min <= 8 && c.Band.Max >= 8 {
			b.WriteString(" (band 8 includes 8a to 8d)")
		}
	}
	if len(c.Region) > 0 {
		places := make([]string, len(c.Region))
		for i, r := range c.Region {
			places[i] = regionPhrase[r]
		}
		if c.Region[0] == RegionEnglandOther {
			b.WriteString(" working or training ")
		} else {
			b.WriteString(" working or training in ")
		}
		b.WriteString(join(places, "or"))
	}
	if c.TrainingNumber != nil {
		if *c.TrainingNumber {
			b.WriteString(" who hold a London or Kent, Surrey and Sussex training number")
		} else {
			b.WriteString(" who do not hold a London or Kent, Surrey and Sussex training number")
		}
	}
	who := b.String()
	who = strings.ToUpper(who[:1]) + who[1:]
	for _, p := range c.Programme {
		programmes = append(programmes, programmePhrase[p])
	}
	if len(programmes) == 0 {
		return who + ".", who + ".", nil
	}
	return who + ", " + join(programmes, "or") + ".", who + ", if they are:", programmes
}

// join lists words as "a, b and c" (or "a, b or c").
func join(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}
