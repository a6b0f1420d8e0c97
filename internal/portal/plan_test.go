package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// booked takes c through assignment (by a lead), first contact and
// booking; it returns the adviser's viewer and account.
func booked(t *testing.T, in *apptest.Instance, c *cases.Case) (cases.Viewer, apptest.Staff) {
	t.Helper()
	ctx := context.Background()
	lead := in.CreateStaff(t, web.RoleTriageLead)
	adviser := in.CreateStaff(t, web.RoleAdviser)
	v := cases.Viewer{UserID: adviser.ID, Roles: "adviser"}
	must(t, in.App.Cases.Assign(ctx, cases.Viewer{UserID: lead.ID, Lead: true, Roles: "triage_lead"}, c.ID, adviser.ID))
	must(t, in.App.Cases.MarkContacted(ctx, v, c.ID, "phone"))
	must(t, in.App.Cases.Move(ctx, v, c.ID, cases.Booked, "", ""))
	return v, adviser
}

// seenWithPlan takes c through assignment, contact, booking and the
// one-to-one, and gives it a plan of one goal with two actions; it
// returns the adviser's viewer and the actions' ids.
func seenWithPlan(t *testing.T, in *apptest.Instance, c *cases.Case) (cases.Viewer, []string, apptest.Staff) {
	t.Helper()
	ctx := context.Background()
	v, adviser := booked(t, in, c)
	must := func(err error) { t.Helper(); must(t, err) }
	must(in.App.Cases.Move(ctx, v, c.ID, cases.Seen, "", ""))
	ps := &plans.Store{DB: in.App.DB, Cases: in.App.Cases}
	must(ps.AddGoal(ctx, v, c.ID, "Pass the written exam"))
	var goal string
	must(store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM plan_goals WHERE case_id = ?`, c.ID), &goal))
	must(ps.AddAction(ctx, v, c.ID, goal, plans.ActionInput{What: "Book the study-skills session", Who: "Trainee", Due: plans.DayOf(time.Now()).AddDays(14), Status: plans.NotStarted}))
	must(ps.AddAction(ctx, v, c.ID, goal, plans.ActionInput{What: "Agree study leave", Who: "Educational supervisor", Due: plans.DayOf(time.Now()).AddDays(28), Status: plans.InProgress}))
	var ids []string
	rows, err := in.App.DB.QueryContext(ctx, `SELECT id FROM plan_actions WHERE case_id = ? ORDER BY created_at, id`, c.ID)
	must(err)
	for rows.Next() {
		var id string
		must(rows.Scan(&id))
		ids = append(ids, id)
	}
	rows.Close()
	return v, ids, adviser
}

func issue(t *testing.T, in *apptest.Instance, v cases.Viewer, c *cases.Case) {
	t.Helper()
	ctx := context.Background()
	ps := &plans.Store{DB: in.App.DB, Cases: in.App.Cases, Outbox: in.App.Outbox, BaseURL: in.URL}
	if err := ps.SaveDraft(ctx, v, c.ID, "We talked about the exam.", "We agreed the plan below.", true); err != nil {
		t.Fatal(err)
	}
	fresh, err := in.App.Cases.Get(ctx, in.App.DB, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ps.Draft(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.Issue(ctx, v, c.ID, d.Token); err != nil {
		t.Fatal(err)
	}
}

// The trainee's plan reaches them with the written summary: before it,
// the page says so and refuses marks; after it, they mark an action done
// and back, and send a note, each on the case's timeline for the adviser
// (the action's words and the note sealed) and audited; another trainee's
// action, an empty or an over-long note get a message and keep what was
// typed; a closed case takes no more.
func TestTraineePlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		ctx := context.Background()
		c := applied(t, in, "plan.trainee@example.com", true, false)
		v, ids, _ := seenWithPlan(t, in, c)
		trainee := in.Client(t)
		signInByLink(t, in, trainee, "plan.trainee@example.com", 0)

		res := trainee.Get("/portal/plan")
		expect(t, "plan before the summary", res, http.StatusOK, "")
		if !strings.Contains(res.Body, `<a href="/portal/plan" aria-current="page">`) {
			t.Error("the menu does not mark the page the trainee is on")
		}
		if !strings.Contains(res.Body, "once your adviser has sent your written summary") || strings.Contains(res.Body, "Book the study-skills session") {
			t.Errorf("the plan shows before the summary:\n%s", res.Body)
		}
		expect(t, "mark before the summary", trainee.Post("/portal/plan/actions/"+ids[0], url.Values{"done": {"yes"}}), http.StatusUnprocessableEntity, "")

		issue(t, in, v, c)
		res = trainee.Get("/portal/plan")
		for _, want := range []string{"plan of action you agreed", "Goal 1: Pass the written exam", "Book the study-skills session", "Educational supervisor", "Not started", "In progress"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		expect(t, "mark done", trainee.Post("/portal/plan/actions/"+ids[0], url.Values{"done": {"yes"}}), http.StatusSeeOther, "/portal/plan")
		if res := trainee.Get("/portal/plan"); !strings.Contains(res.Body, "your adviser can see it") || !strings.Contains(res.Body, "Mark as not done yet") {
			t.Errorf("after marking done:\n%s", res.Body)
		}
		status := func(id string) string {
			var s string
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT status FROM plan_actions WHERE id = ?`, id), &s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if s := status(ids[0]); s != "done" {
			t.Errorf("action is %s after the trainee marked it done", s)
		}
		expect(t, "mark not done", trainee.Post("/portal/plan/actions/"+ids[0], url.Values{"done": {"no"}}), http.StatusSeeOther, "/portal/plan")
		if s := status(ids[0]); s != "in_progress" {
			t.Errorf("action is %s after the trainee marked it not done", s)
		}

		// Another trainee's action is not theirs to mark.
		other := applied(t, in, "other.trainee@example.com", true, false)
		ov, oids, _ := seenWithPlan(t, in, other)
		issue(t, in, ov, other)
		res = trainee.Post("/portal/plan/actions/"+oids[0], url.Values{"done": {"yes"}})
		expect(t, "someone else's action", res, http.StatusUnprocessableEntity, "")
		if s := status(oids[0]); s != "not_started" {
			t.Errorf("another trainee's action is %s", s)
		}

		expect(t, "empty note", trainee.Post("/portal/plan/note", url.Values{"note": {"  "}}), http.StatusUnprocessableEntity, "")
		long := strings.Repeat("é", plans.MaxTraineeNote+3)
		res = trainee.Post("/portal/plan/note", url.Values{"note": {long}})
		expect(t, "long note", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "shorten it by 3") || !strings.Contains(res.Body, long) {
			t.Error("a long note is not kept with a message saying how much to cut")
		}
		expect(t, "note", trainee.Post("/portal/plan/note", url.Values{"note": {"The study-skills session is booked for Friday."}}), http.StatusSeeOther, "/portal/plan")

		// The adviser sees both on the case; the words are sealed at rest.
		// (The case page draws the timeline Timeline returns.)
		events, err := in.App.Cases.Timeline(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, e := range events {
			seen = append(seen, e.Detail+" / "+e.SealedLabel()+": "+e.Sealed)
		}
		all := strings.Join(seen, "\n")
		for _, want := range []string{"The trainee marked an action done / Action: Book the study-skills session",
			"The trainee added a note about their plan / In their words: The study-skills session is booked for Friday."} {
			if !strings.Contains(all, want) {
				t.Errorf("the timeline lacks %q:\n%s", want, all)
			}
		}
		var n int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind IN (?, ?)`, c.ID, plans.EventTraineeMarked, plans.EventTraineeNote), &n)
		if n != 3 {
			t.Errorf("%d timeline entries from the trainee, want 3", n)
		}
		var plain int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND detail LIKE '%Friday%'`, c.ID), &plain)
		if plain != 0 {
			t.Error("the trainee's note is stored in clear")
		}
		var audited int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND action IN ('portal.plan_action_marked', 'portal.plan_note')`, c.ID), &audited)
		if audited != 3 {
			t.Errorf("%d audit entries, want 3", audited)
		}

		// Ended (withdrawn): the page says so, and nothing more is taken.
		if err := in.App.Cases.Move(ctx, v, c.ID, cases.Withdrawn, "", ""); err != nil {
			t.Fatal(err)
		}
		if res := trainee.Get("/portal/plan"); !strings.Contains(res.Body, "can no longer change here") || strings.Contains(res.Body, "Mark as done") {
			t.Error("a closed case's plan still offers changes")
		}
		expect(t, "mark after closing", trainee.Post("/portal/plan/actions/"+ids[1], url.Values{"done": {"yes"}}), http.StatusUnprocessableEntity, "")
	})
}
