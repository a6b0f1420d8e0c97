package plans_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/web"
)

// trainee is the name on the test cases: accents that must survive into
// the PDF's text.
const trainee = "Siân Ó Dálaigh"

// seen is a case worked up to its one-to-one, assigned to an adviser.
type seen struct {
	Ref     string
	ID      string
	Adviser apptest.Staff
	Lead    apptest.Staff
}

// seenCase makes an application by trainee, has a lead assign it to a new
// adviser, and moves it through contact and booking to Seen.
func seenCase(t *testing.T, in *apptest.Instance, email string, followUp bool) seen {
	t.Helper()
	ctx := context.Background()
	s := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	d := &application.Draft{}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	a, err := s.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: email, Name: trainee, Situation: "Exams and a hard rota", Concerns: []string{"exams"},
			ConsentCaseEmail: true, ConsentFollowUp: followUp, RuleID: "london-doctor", RuleVersion: 1, PolicyVersion: "1"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lead, adviser := in.CreateStaff(t, web.RoleTriageLead), in.CreateStaff(t, web.RoleAdviser)
	c, err := in.App.Cases.ByReference(ctx, in.App.DB, a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	lv := cases.Viewer{UserID: lead.ID, Lead: true, Roles: "triage_lead"}
	av := cases.Viewer{UserID: adviser.ID, Roles: "adviser"}
	if err := in.App.Cases.Assign(ctx, lv, c.ID, adviser.ID); err != nil {
		t.Fatal(err)
	}
	if err := in.App.Cases.MarkContacted(ctx, av, c.ID, "email"); err != nil {
		t.Fatal(err)
	}
	for _, to := range []cases.Status{cases.Booked, cases.Seen} {
		if err := in.App.Cases.Move(ctx, av, c.ID, to, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	return seen{Ref: a.Reference, ID: c.ID, Adviser: adviser, Lead: lead}
}

func expect(t *testing.T, what string, res apptest.Response, status int, has ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: %d, want %d\n%s", what, res.StatusCode, status, res.Body)
	}
	for _, h := range has {
		if !strings.Contains(res.Body, h) {
			t.Errorf("%s: page lacks %q", what, h)
		}
	}
}

func status(t *testing.T, in *apptest.Instance, id string) cases.Status {
	t.Helper()
	c, err := in.App.Cases.Get(context.Background(), in.App.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

var _ = http.StatusOK
