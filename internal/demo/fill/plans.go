package fill

import (
	"github.com/psu-project/psu/internal/cases"
)

// corePlans are the stories every demo has, whatever its size, so that
// every status, every state of the first-response clock, a notice waiting
// for an application and one joined to it, a merge, a restricted case and
// a conflict of interest are there to look at. They are 21 cases.
func (g *gen) corePlans() []plan {
	return []plan{
		{daysAgo: 6, noticeOnly: true, target: cases.Notified},
		{daysAgo: 3, notice: true, target: cases.New, clock: cases.ClockOnTrack},
		{daysAgo: 1, target: cases.New, clock: cases.ClockOnTrack},
		{daysAgo: g.dueSoonAge(), target: cases.New, clock: cases.ClockDueSoon, assign: true},
		{daysAgo: 25, target: cases.New, clock: cases.ClockOverdue, assign: true},
		{daysAgo: 9, target: cases.New, clock: cases.ClockPaused, assign: true},
		{daysAgo: 20, target: cases.Contacted, assign: true},
		{daysAgo: 60, target: cases.Booked, assign: true, late: true},
		{daysAgo: 90, target: cases.Seen, assign: true, documents: true},
		{daysAgo: 120, target: cases.SummarySent, assign: true, notice: true},
		{daysAgo: 150, target: cases.FollowUp, assign: true},
		{daysAgo: 250, target: cases.Closed, assign: true, documents: true},
		{daysAgo: 70, target: cases.Withdrawn, assign: true},
		{daysAgo: 40, target: cases.NotEligible, assign: true},
		{daysAgo: 30, target: cases.Contacted, assign: true, duplicate: true},
		{daysAgo: 80, target: cases.Seen, assign: true, restricted: true},
		{daysAgo: 50, target: cases.Contacted, assign: true, conflict: true},
		{daysAgo: 45, target: cases.Booked, assign: true, pauseResume: true},
		{daysAgo: 300, target: cases.Closed, assign: true, reopen: true},
		{daysAgo: 200, noticeOnly: true, target: cases.Closed},
	}
}

// dueSoonAge is how many days ago an application came whose first reply
// is due in two days, as the unit counts days.
func (g *gen) dueSoonAge() int {
	for d := 1; d < 60; d++ {
		due := g.clock.Due(g.now.AddDate(0, 0, -d), g.days)
		if k := cases.ClockOf(&cases.Case{SubmittedAt: g.now.AddDate(0, 0, -d), ResponseDue: due}, g.clock, g.now); k.State == cases.ClockDueSoon && k.Left <= 2 {
			return d
		}
	}
	return g.days - 2
}

// randomPlan draws the story of one more case, at most room cases: how far
// it has gone depends on how long ago it arrived, over the last year.
func (g *gen) randomPlan(room int) plan {
	p := plan{daysAgo: g.r.IntN(365)}
	if g.chance(6) {
		p.noticeOnly, p.target = true, cases.Notified
		if p.daysAgo > 45 && g.chance(70) {
			p.target = cases.Closed
		}
		return p
	}
	p.notice = g.chance(15)
	p.documents = g.chance(2)
	p.late = g.chance(8)
	p.pauseResume = g.chance(5)
	p.assign = true
	var w map[string]int
	switch {
	case p.daysAgo < 14:
		w = map[string]int{"new": 65, "contacted": 25, "booked": 10}
	case p.daysAgo < 45:
		w = map[string]int{"new": 6, "contacted": 15, "booked": 20, "seen": 20, "summary_sent": 15, "follow_up": 8, "closed": 8,
			"withdrawn": 4, "not_eligible": 4}
	default:
		w = map[string]int{"new": 1, "contacted": 2, "booked": 3, "seen": 4, "summary_sent": 7, "follow_up": 8, "closed": 58,
			"withdrawn": 9, "not_eligible": 8}
	}
	p.target = cases.Status(weighted(g, w))
	if p.target == cases.New {
		p.assign = p.daysAgo > 3 || g.chance(50)
		switch {
		case p.assign && g.chance(10):
			p.clock = cases.ClockPaused
		case p.daysAgo > 14:
			p.clock = cases.ClockOverdue
		}
		return p
	}
	p.reopen = p.target == cases.Closed && g.chance(4)
	p.conflict = g.chance(2)
	p.restricted = !p.conflict && g.chance(1)
	p.duplicate = room >= 2 && p.target.Open() && !p.restricted && g.chance(1)
	return p
}
