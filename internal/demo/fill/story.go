package fill

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/workdays"
)

// gen makes up cases. Its random source has a fixed seed, so two runs of
// the same size make the same mix of stories (references, keys and ids
// still differ), which keeps benchmarks on demo data comparable.
type gen struct {
	r        *rand.Rand
	now      time.Time
	clock    *workdays.Clock // the unit's first-response clock
	days     int
	office   *workdays.Clock // the days staff work
	lead     string
	advisers []string
	profiles map[string][]profile
	refs     map[string]bool
	people   int
	rare     int // cases closed with RareOutcome so far
}

// FormulaOutcome and RareOutcome are outcomes the demo unit added to its
// list, typed as a spreadsheet would run them: the first closes about one
// case in thirty, so reports show it (and exports neutralise it); the
// second at most MaxRare cases, too few to show, so reports pool it.
const (
	FormulaOutcome = "=Referred to occupational health"
	RareOutcome    = "+1 session more, then a review"
	MaxRare        = 3
)

func (g *gen) chance(percent int) bool { return g.r.IntN(100) < percent }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// weighted picks a key of w with probability in proportion to its weight,
// in a fixed order so the seed decides.
func weighted(g *gen, w map[string]int) string {
	keys := make([]string, 0, len(w))
	total := 0
	for k, n := range w {
		keys = append(keys, k)
		total += n
	}
	slices.Sort(keys)
	x := g.r.IntN(total)
	for _, k := range keys {
		if x < w[k] {
			return k
		}
		x -= w[k]
	}
	return keys[len(keys)-1]
}

// reference draws an unused reference: at a hundred thousand cases, two
// drawn alike are likely, and the unique index would refuse the second.
func (g *gen) reference() string {
	for {
		ref := application.NewReference()
		if !g.refs[ref] {
			g.refs[ref] = true
			return ref
		}
	}
}

func (g *gen) person() trainee {
	g.people++
	first, last := pick(g, firstNames), pick(g, lastNames)
	domain := []string{"example.com", "example.org", "example.net"}[g.people%3]
	return trainee{first: first, last: last, name: "Demo Trainee " + first + " " + last,
		email: fmt.Sprintf("%s.%s.%d@%s", lettersOnly(first), lettersOnly(last), g.people, domain)}
}

// officeTime is a moment in office hours (9:00 to 17:30, London) from
// minDays to maxDays working days after t, and after t.
func (g *gen) officeTime(t time.Time, minDays, maxDays int) time.Time {
	n := minDays + g.r.IntN(maxDays-minDays+1)
	d := t.In(workdays.London)
	d = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, workdays.London)
	for n > 0 || !g.office.Counts(d) {
		d = d.AddDate(0, 0, 1)
		if g.office.Counts(d) {
			n--
		}
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, workdays.London).Add(time.Duration(g.r.IntN(510)) * time.Minute)
	if !at.After(t) {
		at = t.Add(time.Duration(10+g.r.IntN(80)) * time.Minute)
	}
	return at.UTC()
}

// arrival is when someone sent something, days ago: any hour from 7:00 to
// 23:00, since trainees write after their shifts.
func (g *gen) arrival(daysAgo int) time.Time {
	d := g.now.In(workdays.London).AddDate(0, 0, -daysAgo)
	at := time.Date(d.Year(), d.Month(), d.Day(), 7, 0, 0, 0, workdays.London).Add(time.Duration(g.r.IntN(16*60)) * time.Minute)
	if !at.Before(g.now) {
		at = g.now.Add(-time.Duration(30+g.r.IntN(120)) * time.Minute)
	}
	return at.UTC()
}

// plan is the shape of one made-up story.
type plan struct {
	daysAgo     int
	noticeOnly  bool
	notice      bool         // a referrer's notice came before the application
	target      cases.Status // as far as the story goes, if time allows
	clock       cases.ClockState
	assign      bool
	late        bool // the first reply came after the target
	pauseResume bool
	reopen      bool
	restricted  bool
	conflict    bool
	duplicate   bool // a notice with another address, merged into this case
	documents   bool
}

// story is what one plan makes: a case (two with a duplicate), with the
// notices and the application that go with it.
type story struct {
	cases   []cases.SeedCase
	notices []notice
	apps    []pendingApp
}

// notice is a referrer's notice to store before seeding: the case and the
// place among its notices that gets its id.
type notice struct {
	r        referral.Referral
	at       time.Time
	caseAt   int
	noticeAt int
}

// pendingApp is an application to write once its case is seeded.
type pendingApp struct {
	a      application.Application
	files  []application.SeedFile
	caseAt int
}

func (g *gen) referral(t trainee, at time.Time) referral.Referral {
	rf := g.person()
	return referral.Referral{ReferrerName: "Demo Referrer " + rf.first + " " + rf.last, ReferrerRole: pick(g, referrerRoles),
		ReferrerOrganisation: pick(g, trusts), ReferrerEmail: fmt.Sprintf("referrer.%d@example.org", g.people),
		TraineeName: t.name, TraineeEmail: t.email, Reason: pick(g, referrerReasons), TraineeTold: true, CreatedAt: at}
}

// tell makes the story of p.
func (g *gen) tell(p plan) (story, error) {
	var s story
	t := g.person()
	at := g.arrival(p.daysAgo)
	limit := g.now.Add(-5 * time.Minute)
	var steps []cases.Step
	last, stopped := at, false
	// add appends a step if it happened before now, and says whether it
	// did; once one has not happened yet, none after it has either.
	add := func(st cases.Step) bool {
		if stopped || !st.At.Before(limit) || st.At.Before(last) {
			stopped = true
			return false
		}
		steps = append(steps, st)
		last = st.At
		return true
	}

	if p.noticeOnly {
		sc := cases.SeedCase{Reference: g.reference()}
		s.notices = append(s.notices, notice{r: g.referral(t, at), at: at})
		if p.target == cases.Closed {
			add(cases.Step{At: g.officeTime(at, 15, 40), By: g.lead, Do: cases.ActMove, Status: cases.Closed, Outcome: "Other",
				Text: "The trainee did not apply, and the referrer has been told."})
		}
		sc.Steps = steps
		s.cases = append(s.cases, sc)
		return s, nil
	}

	prof := weighted(g, professionWeightsIn(g.profiles))
	a, err := g.application(t, pick(g, g.profiles[prof]), at, g.topics())
	if err != nil {
		return s, err
	}
	arrival := cases.ArrivalOf(&a)
	sc := cases.SeedCase{Arrival: &arrival}
	if p.notice {
		nat := at.Add(-time.Duration(24+g.r.IntN(12*24)) * time.Hour)
		s.notices = append(s.notices, notice{r: g.referral(t, nat), at: nat})
	}
	var files []application.SeedFile
	if p.documents {
		files = g.documents(t, a, at)
	}
	s.apps = append(s.apps, pendingApp{a: a, files: files})
	// done ends the story: the case with its steps first, then any other.
	done := func(more ...cases.SeedCase) (story, error) {
		sc.Steps = steps
		s.cases = append([]cases.SeedCase{sc}, more...)
		return s, nil
	}
	if !p.assign {
		return done()
	}
	adviser := pick(g, g.advisers)
	if !p.restricted && !p.conflict && g.chance(12) {
		adviser = g.lead
	}
	note := func(by string, percent int, text string) {
		if g.chance(percent) {
			add(cases.Step{At: g.officeTime(last, 0, 2), By: by, Do: cases.ActNote, Text: text})
		}
	}
	add(cases.Step{At: g.officeTime(at, 0, 2), By: g.lead, Do: cases.ActAssign, Adviser: adviser})
	if p.conflict {
		add(cases.Step{At: g.officeTime(last, 0, 1), By: adviser, Do: cases.ActConflict})
		other := pick(g, without(g.advisers, adviser))
		add(cases.Step{At: g.officeTime(last, 0, 1), By: g.lead, Do: cases.ActAssign, Adviser: other})
		adviser = other
	}
	if p.restricted {
		add(cases.Step{At: g.officeTime(last, 0, 1), By: g.lead, Do: cases.ActRestrict, On: true})
	}
	note(adviser, 35, caseNotes[0])

	due := g.clock.Due(at, g.days)
	if p.target == cases.New {
		switch p.clock {
		case cases.ClockPaused:
			add(cases.Step{At: g.officeTime(last, 0, 1), By: adviser, Do: cases.ActPause, Text: pick(g, pauseReasons)})
		case cases.ClockOverdue:
			note(adviser, 60, caseNotes[1])
		}
		return done()
	}
	if p.pauseResume {
		if add(cases.Step{At: g.officeTime(last, 0, 1), By: adviser, Do: cases.ActPause, Text: pick(g, pauseReasons)}) {
			paused := last
			if add(cases.Step{At: g.officeTime(last, 2, 5), By: adviser, Do: cases.ActResume}) {
				due = g.clock.Due(at, g.days+max(0, g.clock.Between(paused, last)))
			}
		}
	}
	var contact time.Time
	if p.late {
		contact = g.officeTime(maxTime(due, last), 1, 6)
	} else {
		for range 6 {
			if contact = g.officeTime(last, 0, 5); !contact.After(due) {
				break
			}
		}
		if contact.After(due) {
			contact = last.Add(time.Duration(30+g.r.IntN(60)) * time.Minute)
		}
	}
	if !add(cases.Step{At: contact, By: adviser, Do: cases.ActContact, How: pick(g, []string{"email", "phone", "phone", "video"})}) {
		return done()
	}
	note(adviser, 50, caseNotes[2])
	move := func(to cases.Status, minDays, maxDays int, why string) bool {
		st := cases.Step{At: g.officeTime(last, minDays, maxDays), By: adviser, Do: cases.ActMove, Status: to, Text: why}
		if to == cases.Closed {
			switch {
			case g.rare < MaxRare && g.chance(2):
				st.Outcome = RareOutcome
				g.rare++
			case g.chance(3):
				st.Outcome = FormulaOutcome
			default:
				st.Outcome = pick(g, cases.Outcomes[:4])
			}
		}
		return add(st)
	}
	glass := func() {
		if p.restricted && add(cases.Step{At: g.officeTime(last, 1, 5), By: g.lead, Do: cases.ActBreakGlass, Text: pick(g, glassReasons)}) {
			add(cases.Step{At: last.Add(time.Duration(2+g.r.IntN(20)) * time.Minute), By: g.lead, Do: cases.ActNote,
				Text: "Read the case to cover; nothing needs doing before the adviser is back."})
		}
	}
	// The way on from first contact, as far as the plan and the time since go.
	switch p.target {
	case cases.Contacted:
	case cases.NotEligible:
		add(cases.Step{At: g.officeTime(last, 1, 5), By: adviser, Do: cases.ActNotEligible})
	case cases.Withdrawn:
		if g.chance(50) {
			move(cases.Booked, 1, 7, "")
		}
		move(cases.Withdrawn, 2, 15, pick(g, withdrawReasons))
	default:
		if !move(cases.Booked, 1, 7, "") || p.target == cases.Booked {
			break
		}
		glass()
		if !move(cases.Seen, 5, 15, "") {
			break
		}
		note(adviser, 60, caseNotes[4])
		if p.target == cases.Seen || !move(cases.SummarySent, 2, 8, "") {
			break
		}
		note(adviser, 30, caseNotes[6])
		if p.target == cases.SummarySent {
			break
		}
		if (p.target == cases.FollowUp || g.chance(50)) && (!move(cases.FollowUp, 1, 5, "") || p.target == cases.FollowUp) {
			break
		}
		why := ""
		if g.chance(50) {
			why = pick(g, closeReasons)
		}
		if move(cases.Closed, 10, 40, why) && p.reopen {
			move(cases.Contacted, 5, 30, "The trainee got back in touch and would like more support.")
		}
	}
	if p.duplicate {
		// The referrer wrote with the trainee's work address; the lead
		// merges the notice's case into this one.
		work := t
		work.email = fmt.Sprintf("%s.%s.work.%d@example.org", lettersOnly(t.first), lettersOnly(t.last), g.people)
		nat := at.Add(time.Duration(2+g.r.IntN(48)) * time.Hour)
		mergeAt := g.officeTime(nat, 1, 4)
		dup := cases.SeedCase{Reference: g.reference()}
		if mergeAt.Before(limit) && !mergeAt.Before(nat) {
			dup.Steps = []cases.Step{{At: mergeAt, By: g.lead, Do: cases.ActMerge, Into: a.Reference}}
		}
		s.notices = append(s.notices, notice{r: g.referral(work, nat), at: nat, caseAt: 1})
		return done(dup)
	}
	return done()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// documents are what a trainee sent with the application: small PDFs.
func (g *gen) documents(t trainee, a application.Application, at time.Time) []application.SeedFile {
	up := at.Add(-time.Duration(20+g.r.IntN(120)) * time.Minute)
	files := []application.SeedFile{{Kind: "supervisor", Name: "Demo letter from my supervisor.pdf", At: up,
		Content: onePagePDF("Demo letter from an educational supervisor", []string{
			"This is made-up demonstration data for psu. It is not about a real person.",
			"To whom it may concern,",
			"I have supervised " + t.name + " since the start of this post.",
			"They work hard and are well liked by the team, and I support their application.",
			"Demo Referrer, Educational supervisor, " + a.Employer,
		})}}
	if a.ARCP != nil && a.ARCP.Had {
		files = append(files, application.SeedFile{Kind: "arcp", Name: "Demo ARCP outcome.pdf", At: up.Add(3 * time.Minute),
			Content: onePagePDF("Demo ARCP outcome form", []string{
				"This is made-up demonstration data for psu. It is not about a real person.",
				"Trainee: " + t.name,
				"Date of review: " + a.ARCP.Date.Format("2 January 2006"),
				"Outcome: " + a.ARCP.Outcome,
			})})
	}
	return files
}

// professionWeightsIn keeps the weights of professions the rules admit.
func professionWeightsIn(profiles map[string][]profile) map[string]int {
	out := map[string]int{}
	for p, w := range professionWeights {
		if len(profiles[p]) > 0 {
			out[p] = w
		}
	}
	if len(out) == 0 {
		for p := range profiles {
			out[p] = 1
		}
	}
	return out
}

func without(xs []string, v string) []string {
	var out []string
	for _, x := range xs {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// describe says what kind of story p is, for error messages.
func (p plan) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d days ago, %s", p.daysAgo, p.target)
	if p.clock != "" {
		fmt.Fprintf(&b, " (%s)", p.clock)
	}
	return b.String()
}
