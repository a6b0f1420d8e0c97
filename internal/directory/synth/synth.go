// Package synth generates synthetic support directories of any size for
// benchmarks: organisations and services with plausible names, text and
// tags drawn from the real directory's taxonomies. Nothing it makes is real:
// phone numbers come from Ofcom's range kept for drama (01632 960xxx).
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/google/uuid"

	"github.com/psu-project/psu/internal/directory/hsds"
)

// Vocabulary is what generated services are tagged with: the taxonomies
// and terms of a real directory (the embedded seed's, usually).
type Vocabulary struct {
	Taxonomies []hsds.Taxonomy
	Terms      []hsds.TaxonomyTerm
}

// Generator makes services deterministically from a seed.
type Generator struct {
	rng          *rand.Rand
	byTax        map[string][]hsds.TaxonomyTerm
	weight       map[string][]float64
	orgs, served int
}

// New returns a generator over v, seeded so the same seed gives the same
// directory.
func New(v Vocabulary, seed uint64) *Generator {
	g := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), byTax: map[string][]hsds.TaxonomyTerm{}, weight: map[string][]float64{}}
	name := map[string]string{}
	for _, t := range v.Taxonomies {
		name[t.ID] = t.Name
	}
	for _, t := range v.Terms {
		tax := name[t.TaxonomyID]
		g.byTax[tax] = append(g.byTax[tax], t)
	}
	// Real directories are lopsided: some needs (mental health,
	// wellbeing) are common, others rare. Weights fall with the term's
	// place in its taxonomy.
	for tax, ts := range g.byTax {
		w := make([]float64, len(ts))
		for i := range ts {
			w[i] = 1 / math.Sqrt(float64(i+1))
		}
		g.weight[tax] = w
	}
	return g
}

func (g *Generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// terms picks k distinct terms of a taxonomy, weighted.
func (g *Generator) terms(tax string, k int) []hsds.TaxonomyTerm {
	ts, w := g.byTax[tax], g.weight[tax]
	if len(ts) == 0 {
		return nil
	}
	var total float64
	for _, x := range w {
		total += x
	}
	chosen := map[int]bool{}
	var out []hsds.TaxonomyTerm
	for len(out) < min(k, len(ts)) {
		r := g.rng.Float64() * total
		i := 0
		for ; i < len(w)-1 && r > w[i]; i++ {
			r -= w[i]
		}
		if !chosen[i] {
			chosen[i] = true
			out = append(out, ts[i])
		}
	}
	return out
}

func (g *Generator) id() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	u, _ := uuid.FromBytes(b[:])
	u[6] = (u[6] & 0x0f) | 0x40 // version 4
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u.String()
}

var (
	places = []string{"Camden", "Croydon", "Hackney", "Lambeth", "Southwark", "Brighton", "Canterbury", "Guildford", "Maidstone",
		"Crawley", "Kent", "Surrey", "Sussex", "North London", "South London", "East London", "West London", "Thames Valley",
		"Medway", "Hastings", "Chichester", "Redhill", "Tunbridge Wells", "Islington", "Greenwich", "Ealing", "Barnet", "Bromley",
		"Lewisham", "Wandsworth", "Haringey", "Enfield", "Hounslow", "Hillingdon", "Harrow", "Brent", "Newham", "Redbridge",
		"Havering", "Bexley", "Sutton", "Merton", "Kingston", "Richmond", "Westminster", "Chelsea", "Tower Hamlets", "Waltham Forest",
		"Ashford", "Dartford", "Folkestone", "Dover", "Margate", "Ramsgate", "Sevenoaks", "Tonbridge", "Eastbourne", "Worthing",
		"Horsham", "Epsom", "Woking", "Farnham", "Reigate", "Dorking", "Bognor", "Lewes", "Haywards Heath", "East Grinstead",
		"Cardiff", "Swansea", "Glasgow", "Edinburgh", "Aberdeen", "Belfast", "Derry", "Manchester", "Leeds", "Bristol",
		"Birmingham", "Sheffield", "Newcastle", "Liverpool", "Nottingham", "Leicester", "Oxford", "Cambridge", "Norwich", "Exeter"}
	kinds = []string{"Helpline", "Support Network", "Peer Group", "Wellbeing Service", "Advice Line", "Trust", "Foundation",
		"Forum", "Hub", "Clinic", "Mentoring Scheme", "Coaching Programme", "Listening Service", "Drop-in", "Fund", "Collective",
		"Circle", "Partnership", "Project", "Alliance", "Centre", "Society", "Association", "Initiative", "Café"}
	adjectives = []string{"confidential", "free", "independent", "peer-led", "friendly", "specialist", "local", "national",
		"volunteer-run", "doctor-led", "online", "small", "trusted", "NHS-funded", "charitable", "informal", "long-running",
		"award-winning", "bilingual", "weekend", "evening", "nurse-led", "regional", "user-led"}
	verbs  = []string{"offers", "gives", "provides", "runs", "arranges", "hosts", "shares", "organises", "delivers", "puts on"}
	offers = []string{"one-to-one conversations", "a telephone listening line", "group sessions", "practical advice",
		"short courses", "counselling sessions", "mentoring", "coaching", "grants and loans", "signposting to other services",
		"evening meetings", "workplace advocacy", "online self-help resources", "confidential assessments", "a buddy scheme",
		"walking groups", "mindfulness classes", "legal clinics", "budgeting workshops", "creative writing groups",
		"case reviews", "reflective practice", "video consultations", "text messaging support", "retreats"}
	topics = map[string][]string{
		"general-support":                    {"whatever is worrying them", "problems they cannot name yet", "a difficult patch", "uncertainty"},
		"mental-health":                      {"stress", "anxiety", "low mood", "burnout", "depression", "panic attacks", "exhaustion", "trauma", "insomnia"},
		"crisis":                             {"thoughts of suicide", "feeling unable to cope", "self-harm", "a personal crisis", "despair"},
		"alcohol-and-drugs":                  {"drinking", "drug use", "addiction", "recovery", "alcohol dependence", "cannabis", "opioids"},
		"gambling":                           {"gambling", "betting", "problem gambling", "online casinos", "scratch cards"},
		"money-and-financial-hardship":       {"debt", "money worries", "rent arrears", "financial hardship", "unpaid bills", "bankruptcy"},
		"bullying-and-undermining":           {"bullying", "undermining", "harassment", "a toxic team", "intimidation"},
		"fitness-to-practise-and-regulators": {"GMC investigations", "fitness to practise", "tribunal hearings", "suspension", "revalidation"},
		"complaints-and-legal":               {"patient complaints", "coroner's inquests", "disciplinary hearings", "legal questions", "indemnity"},
		"disability":                         {"disability", "long-term conditions", "reasonable adjustments", "sight loss", "hearing loss"},
		"neurodiversity-and-dyslexia":        {"dyslexia", "ADHD", "autism", "dyspraxia", "neurodivergence"},
		"lgbtq-plus":                         {"coming out", "homophobia", "gender identity", "transition at work", "LGBTQ+ life at work"},
		"careers":                            {"career choices", "changing specialty", "leaving medicine", "job applications", "interviews"},
		"exams":                              {"failed exams", "exam preparation", "resits", "postgraduate exams", "clinical assessments"},
		"return-to-training":                 {"returning to training", "time out of training", "coming back after sick leave", "career breaks"},
		"wellbeing":                          {"wellbeing", "resilience", "work-life balance", "loneliness", "tiredness", "morale"},
		"peer-support":                       {"meeting others who understand", "peer support", "shared experience", "isolation"},
		"physical-health":                    {"illness", "injury", "cancer", "long covid", "chronic pain", "surgery"},
		"mentoring-and-coaching":             {"finding a mentor", "leadership coaching", "personal development", "goal setting"},
		"progression-in-training":            {"ARCP outcomes", "training extensions", "remediation", "supervisor concerns", "eportfolio gaps"},
		"work-and-contracts":                 {"rotas", "contracts", "pay queries", "exception reporting", "less than full time training"},
		"relationships-at-work":              {"conflict with colleagues", "difficult consultants", "team tension", "working relationships"},
		"personal-and-family-difficulties":   {"bereavement", "divorce", "caring responsibilities", "family illness", "childcare"},
		"communication-skills":               {"breaking bad news", "consultation skills", "feedback on communication", "language skills"},
		"raising-concerns":                   {"whistleblowing", "patient safety concerns", "speaking up", "unsafe staffing"},
		"discrimination":                     {"racism", "sexism", "unfair treatment", "sexual harassment", "equality"},
		"pregnancy-and-parenthood":           {"pregnancy", "maternity leave", "shared parental leave", "fertility treatment", "miscarriage"},
		"ethics-and-professional-dilemmas":   {"ethical dilemmas", "moral injury", "conflicts of interest", "professional boundaries"},
	}
	generic = []string{"difficulties at work", "personal problems", "training worries", "a hard time", "pressure at work"}
	pnouns  = map[string]string{"doctor": "doctors", "dentist": "dentists", "nurse": "nurses", "pharmacist": "pharmacists",
		"allied-health-professional": "allied health professionals", "pharmacy-technician": "pharmacy technicians",
		"healthcare-scientist": "healthcare scientists", "medical-student": "medical students",
		"any-healthcare-professional": "healthcare professionals", "family-and-friends": "families and friends of doctors"}
	// describe is how a service says what it does: %[1]s adjective, %[2]s
	// verb, %[3]s offer, %[4]s who, %[5]s topics, %[6]s place.
	describe = []string{
		"A %[1]s service that %[2]s %[3]s for %[4]s dealing with %[5]s.",
		"%[6]s's %[1]s team %[2]s %[3]s to %[4]s facing %[5]s.",
		"For %[4]s struggling with %[5]s: %[3]s, %[1]s and without judgement.",
		"Set up by %[4]s in %[6]s, it %[2]s %[3]s around %[5]s.",
		"%[3]s for %[4]s, with a focus on %[5]s. The group is %[1]s.",
		"When %[5]s gets in the way, this %[1]s project %[2]s %[3]s.",
	}
	follow = []string{"", "", " Sessions are held in %[1]s and online.", " Most people hear back within a week.",
		" Partners and family can come too.", " There is no waiting list at present.", " Everything you say stays private.",
		" You do not need a referral.", " Interpreters can be arranged.", " The team includes retired consultants."}
)

func (g *Generator) topic(code string) string {
	if ts, ok := topics[code]; ok {
		return g.pick(ts)
	}
	return g.pick(generic)
}

// Organization makes one organisation with between one and five services;
// left is the most services it may have.
func (g *Generator) Organization(left int) hsds.Organization {
	place, kind := g.pick(places), g.pick(kinds)
	g.orgs++
	o := hsds.Organization{ID: g.id(), Name: fmt.Sprintf("%s %s %d", place, kind, g.orgs)}
	o.Description = fmt.Sprintf("A %s organisation in %s that supports people working in healthcare.", g.pick(adjectives), place)
	for range min(left, 1+g.rng.IntN(5)) {
		o.Services = append(o.Services, g.service(o, place))
	}
	return o
}

func (g *Generator) service(o hsds.Organization, place string) hsds.Service {
	needs := g.terms("needs", 1+g.rng.IntN(2))
	profs := g.terms("professions", 1+g.rng.IntN(2))
	region := g.terms("regions", 1)
	access := g.terms("access", 1+g.rng.IntN(2))
	s := hsds.Service{ID: g.id(), OrganizationID: o.ID, Status: hsds.StatusActive, AssuredDate: "2026-11-01"}
	g.served++ // names are unique in a directory
	s.Name = fmt.Sprintf("%s %s for %s %d", place, strings.ToLower(g.pick(kinds)), g.topic(needs[0].Code), g.served)
	who := pnouns[profs[0].Code]
	if who == "" {
		who = "healthcare professionals"
	}
	var about []string
	for _, n := range needs {
		about = append(about, g.topic(n.Code))
	}
	s.Description = fmt.Sprintf(g.pick(describe), g.pick(adjectives), g.pick(verbs), g.pick(offers), who, strings.Join(about, " and "), place) +
		strings.ReplaceAll(g.pick(follow), "%[1]s", place)
	s.Description = strings.ToUpper(s.Description[:1]) + s.Description[1:]
	s.EligibilityDescription = fmt.Sprintf("%s in %s.", strings.ToUpper(who[:1])+who[1:], region[0].Name)
	s.ApplicationProcess = g.pick([]string{"Phone the team.", "Fill in the form on the website.", "Come to a drop-in session.",
		"Ask your supervisor to introduce you.", "E-mail to book a first conversation.", "Turn up to any meeting."})
	if g.rng.IntN(10) == 0 {
		s.Phones = []hsds.Phone{{ID: g.id(), ServiceID: s.ID, Number: fmt.Sprintf("01632 960 %03d", g.rng.IntN(1000)), Description: "Enquiries"}}
	}
	if g.rng.IntN(50) == 0 {
		s.Schedules = []hsds.Schedule{{ID: g.id(), ServiceID: s.ID, Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "23:59",
			Description: "Open 24 hours, every day."}}
	} else if g.rng.IntN(4) == 0 {
		s.Schedules = []hsds.Schedule{{ID: g.id(), ServiceID: s.ID, Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:00",
			Description: "Monday to Friday, 9am to 5pm."}}
	}
	s.ServiceAreas = []hsds.ServiceArea{{ID: g.id(), ServiceID: s.ID, Name: region[0].Name}}
	add := func(ts []hsds.TaxonomyTerm, tax string) {
		for _, t := range ts {
			s.Attributes = append(s.Attributes, hsds.Attribute{ID: g.id(), LinkID: s.ID, LinkEntity: "service", LinkType: tax, TaxonomyTermID: t.ID})
		}
	}
	add(needs, "needs")
	add(profs, "professions")
	add(region, "regions")
	add(access, "access")
	if g.rng.IntN(3) == 0 {
		add(g.terms("membership", 1), "membership")
	}
	return s
}

// Dataset makes a whole directory of n services over v.
func Dataset(v Vocabulary, n int, seed uint64) *hsds.Dataset {
	g := New(v, seed)
	d := &hsds.Dataset{HSDSVersion: hsds.Version, Taxonomies: v.Taxonomies, TaxonomyTerms: v.Terms}
	for made := 0; made < n; {
		o := g.Organization(n - made)
		made += len(o.Services)
		d.Organizations = append(d.Organizations, o)
	}
	return d
}
