package fill

import (
	"bytes"
	"context"
	"strings"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
)

// demoGoals are the goals, with their actions, that the made-up plans
// draw on: what a trainee and an adviser agree after a first one-to-one.
var demoGoals = []plans.SeedGoal{
	{Title: "Prepare for the next sitting of the exam", Actions: []plans.SeedAction{
		{What: "Book a study-skills session with the unit's coach", Who: "Trainee"},
		{What: "Agree protected study time with the rota coordinator", Who: "Educational supervisor"},
	}},
	{Title: "Get a screening for dyslexia", Actions: []plans.SeedAction{
		{What: "Send the screening referral", Who: "Adviser"},
		{What: "Complete the screening questionnaire", Who: "Trainee"},
	}},
	{Title: "Look after my own health", Actions: []plans.SeedAction{
		{What: "Register with a GP near the new placement", Who: "Trainee"},
		{What: "Contact the practitioner health service", Who: "Trainee"},
	}},
	{Title: "Resolve the difficulties with my team", Actions: []plans.SeedAction{
		{What: "Arrange a facilitated conversation", Who: "Adviser"},
	}},
	{Title: "Plan my return to training", Actions: []plans.SeedAction{
		{What: "Meet the training programme director about a phased return", Who: "Trainee"},
		{What: "Check the occupational health advice is on file", Who: "Adviser"},
	}},
}

// writePlans gives the cases that have had their one-to-one a plan: one or
// two goals, actions at every stage, and, for cases in follow-up, a review
// date, some of them come (so the queue's "Review due" shows cases).
func (w *writer) writePlans(ctx context.Context, tx *store.Tx, cs []*cases.Case) error {
	today := plans.DayOf(w.now)
	var seeds []plans.SeedPlan
	for i, c := range cs {
		switch c.Status {
		case cases.Seen, cases.SummarySent, cases.FollowUp, cases.Closed:
		default:
			continue
		}
		if c.AssignedTo == "" || (c.Status == cases.Closed && i%3 != 0) {
			continue
		}
		at := c.StatusAt
		sp := plans.SeedPlan{Case: c, By: c.AssignedTo, At: at}
		if len(w.services) > 0 {
			sp.Services = []string{w.services[i%len(w.services)]}
		}
		for g := 0; g < 1+i%2; g++ {
			goal := demoGoals[(i+g)%len(demoGoals)]
			out := plans.SeedGoal{Title: goal.Title}
			for k, a := range goal.Actions {
				a.Due = plans.DayOf(at).AddDays(14 * (k + 1))
				a.Status = plans.Statuses[(i+k)%len(plans.Statuses)]
				if c.Status == cases.Closed {
					a.Status = plans.Done
				}
				out.Actions = append(out.Actions, a)
			}
			sp.Goals = append(sp.Goals, out)
		}
		if c.Status == cases.FollowUp {
			// Half the reviews have come (up to a fortnight ago); the rest
			// are in the weeks ahead.
			if i%2 == 0 {
				sp.Review = today.AddDays(-(i % 15))
			} else {
				sp.Review = today.AddDays(1 + i%40)
			}
		}
		seeds = append(seeds, sp)
	}
	if err := w.plans.SeedAll(ctx, tx, seeds); err != nil {
		return err
	}
	return w.writeSummaries(ctx, tx, seeds)
}

// signposts are the services of the directory psu ships that made-up
// plans suggest: the ones whose names hold these words.
var signposts = []string{"Individual Support", "Practitioner Health", "dyslexia", "Careers", "Coaching", "Mentoring"}

// demoServices picks the shipped directory's services a made-up plan may
// signpost (their ids; psu serve loads that directory on first start).
func demoServices() ([]string, error) {
	d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range d.Organizations {
		for _, svc := range o.Services {
			for _, word := range signposts {
				if strings.Contains(strings.ToLower(svc.Name), strings.ToLower(word)) {
					out = append(out, svc.ID)
					break
				}
			}
		}
	}
	return out, nil
}
