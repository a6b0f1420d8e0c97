package cases

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

func testStore(t *testing.T, db *store.DB) *Store {
	t.Helper()
	sealer, err := seal.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &Store{DB: db, Sealer: sealer}
}

// staff adds a member of staff with a role and returns them as a viewer.
func staff(t *testing.T, db *store.DB, name string, role web.Role) Viewer {
	t.Helper()
	u, err := auth.CreateUser(context.Background(), db, auth.Argon2{Time: 1, MemKiB: 1024, Threads: 1},
		store.NewID()+"@example.nhs.uk", name, []web.Role{role}, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	return Viewer{UserID: u.ID, Name: name, Roles: string(role), Lead: role == web.RoleTriageLead}
}

func arrive(t *testing.T, s *Store, a Arrival) *Case {
	t.Helper()
	var c *Case
	err := s.DB.Tx(context.Background(), func(tx *store.Tx) error {
		var err error
		// The applications row the intake links to.
		if _, err = tx.ExecContext(context.Background(), `INSERT INTO applications (id, reference, draft_id, status, region, profession, programme,
			rule_id, rule_version, policy_version, consent_case_email, consent_follow_up, email_blind, answers, submitted_at, first_response_due)
			VALUES (?, ?, ?, 'new', ?, ?, ?, 'r', 1, 'p', ?, ?, ?, ?, ?, ?)`, a.ApplicationID, a.Reference, store.NewID(), a.Region, a.Profession, a.Programme,
			a.ConsentCaseEmail, a.ConsentFollowUp, s.emailBlind(a.Email), []byte{1}, a.SubmittedAt, a.SubmittedAt); err != nil {
			return err
		}
		c, err = s.Arrive(context.Background(), tx, a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func arrival(email, name string, at time.Time) Arrival {
	return Arrival{ApplicationID: store.NewID(), Reference: application.NewReference(), SubmittedAt: at, Email: email, Name: name,
		Profession: "doctor", Region: "london", Programme: "core", Topics: []string{"exams", "dyslexia"}, ConsentCaseEmail: true}
}

func TestNoticeThenApplicationMakeOneCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		at := time.Date(2027, 3, 22, 10, 0, 0, 0, workdays.London).UTC()
		var notified *Case
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			notified, err = s.Notice(ctx, tx, store.NewID(), at, "Trainee.One@Example.com", "Amélie Ørsted")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if notified.Status != Notified || !notified.SubmittedAt.IsZero() {
			t.Fatalf("notice: %+v", notified)
		}
		c := arrive(t, s, arrival("trainee.one@example.com", "Amélie Ørsted", at.Add(48*time.Hour)))
		if c.ID != notified.ID || c.Status != New {
			t.Fatalf("the application opened case %s (%s), not the notified %s", c.ID, c.Status, notified.ID)
		}
		if d := c.ResponseDue.In(workdays.London).Format(time.DateOnly); d != "2027-04-07" {
			t.Errorf("calendar target %s, want 14 days after 24 March", d)
		}
		got, err := s.ByReference(ctx, db, c.Reference)
		if err != nil || got.ID != c.ID {
			t.Fatalf("by reference: %v", err)
		}
		if name, err := s.Name(got); err != nil || name != "Amélie Ørsted" {
			t.Errorf("name %q, %v", name, err)
		}
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		for _, q := range []string{"amelie", "AMÉLIE orsted", "orsted amelie ORSTED", "Trainee.One@example.com", c.Reference} {
			rows, err := s.Find(ctx, lead, q, at)
			if err != nil || len(rows) != 1 || rows[0].Case.ID != c.ID {
				t.Errorf("find %q: %d rows, %v", q, len(rows), err)
			}
		}
		if rows, _ := s.Find(ctx, lead, "amelie smith", at); len(rows) != 0 {
			t.Error("a name search matched with a word that is not in the name")
		}
		adviser := staff(t, db, "Adviser", web.RoleAdviser)
		if rows, _ := s.Find(ctx, adviser, "amelie", at); len(rows) != 0 {
			t.Error("an adviser found a case not assigned to them")
		}
	})
}

func TestWorkingDayClockPausesAndResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return settings.Set(ctx, tx, settings.KeyDayMode, string(workdays.Working), "")
		}); err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2026, 11, 2, 9, 0, 0, 0, workdays.London).UTC()
		c := arrive(t, s, arrival("a@example.com", "A Person", monday))
		if d := c.ResponseDue.In(workdays.London).Format(time.DateOnly); d != "2026-11-20" {
			t.Fatalf("working target %s", d)
		}
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		if err := s.PauseClock(ctx, lead, c.ID, ""); err == nil {
			t.Error("paused without a reason")
		}
		if err := s.PauseClock(ctx, lead, c.ID, "Waiting for the trainee's ARCP form"); err != nil {
			t.Fatal(err)
		}
		// Paused for three working days.
		if _, err := db.ExecContext(ctx, `UPDATE cases SET clock_paused_at = ? WHERE id = ?`, time.Now().Add(-5*24*time.Hour), c.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ResumeClock(ctx, lead, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, db, c.ID)
		if got.ClockPausedDays < 3 || !got.ResponseDue.After(c.ResponseDue) {
			t.Errorf("after the pause: %d days paused, target %s", got.ClockPausedDays, got.ResponseDue)
		}
		tl, err := s.Timeline(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		var reason string
		for _, e := range tl {
			if e.Kind == EventClockPaused {
				reason = e.Sealed
			}
		}
		if reason != "Waiting for the trainee's ARCP form" {
			t.Errorf("the pause reason on the timeline: %q", reason)
		}
	})
}

func TestStatusesFollowTheStateMachine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		c := arrive(t, s, arrival("b@example.com", "B Person", store.Now()))
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		adviser := staff(t, db, "Adviser", web.RoleAdviser)
		var te *TransitionError
		if err := s.Move(ctx, lead, c.ID, Seen, "", ""); !errors.As(err, &te) {
			t.Fatalf("new → seen: %v", err)
		}
		if err := s.MarkContacted(ctx, adviser, c.ID, "phone"); !errors.Is(err, ErrNotYours) {
			t.Fatalf("an unassigned adviser acted: %v", err)
		}
		if err := s.Assign(ctx, adviser, c.ID, adviser.UserID); !errors.Is(err, ErrNotYours) {
			t.Fatalf("an adviser assigned: %v", err)
		}
		if err := s.Assign(ctx, lead, c.ID, adviser.UserID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkContacted(ctx, adviser, c.ID, "phone"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkContacted(ctx, adviser, c.ID, "phone"); !errors.As(err, &te) {
			t.Errorf("contacted twice: %v", err)
		}
		for _, to := range []Status{Booked, Seen, SummarySent} {
			if err := s.Move(ctx, adviser, c.ID, to, "", ""); err != nil {
				t.Fatalf("to %s: %v", to, err)
			}
		}
		var pe *ProblemError
		if err := s.Move(ctx, adviser, c.ID, Closed, "", ""); !errors.As(err, &pe) || pe.Field != "outcome" {
			t.Fatalf("closed without an outcome: %v", err)
		}
		if err := s.Move(ctx, adviser, c.ID, Closed, Outcomes[0], "All actions agreed"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, db, c.ID)
		if got.Status != Closed || got.Outcome != Outcomes[0] || got.ClosedAt.IsZero() || got.RespondedAt.IsZero() {
			t.Errorf("closed case: %+v", got)
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE target_id = ? AND action = 'case.refused'`, c.ID), &n); err != nil || n != 2 {
			t.Errorf("%d refusals audited, want 2 (%v)", n, err)
		}
	})
}

// TestTraineeActReadsTheCaseAfresh: a trainee's page was shown while the
// case was open; the adviser closes it; the trainee's change is refused on
// the fresh row and nothing is written, while a change to an open case is
// audited with the trainee's role.
func TestTraineeActReadsTheCaseAfresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		c := arrive(t, s, arrival("t@example.com", "T Person", store.Now()))
		ran := 0
		change := func(tx *store.Tx, fresh *Case) (string, string, error) {
			ran++
			return "", "", nil
		}
		if err := s.TraineeAct(ctx, c.ID, "portal.test_change", change); err != nil {
			t.Fatal(err)
		}
		var role, target string
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT actor_role, target_id FROM audit_log WHERE action = 'portal.test_change'`), &role, &target); err != nil || role != "trainee" || target != c.ID {
			t.Errorf("audit: role %q target %q (%v)", role, target, err)
		}
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		if err := s.Move(ctx, lead, c.ID, Withdrawn, "", "The trainee withdrew"); err != nil {
			t.Fatal(err)
		}
		if !c.Status.Open() {
			t.Fatal("the stale copy should still say open")
		}
		if err := s.TraineeAct(ctx, c.ID, "portal.test_change", change); !errors.Is(err, ErrCaseEnded) {
			t.Errorf("change to an ended case: %v", err)
		}
		if ran != 1 {
			t.Errorf("the change ran %d times, want 1", ran)
		}
	})
}

func TestConflictsAndRestrictionsShutPeopleOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		c := arrive(t, s, arrival("c@example.com", "C Person", store.Now()))
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		other := staff(t, db, "Other lead", web.RoleTriageLead)
		adviser := staff(t, db, "Adviser", web.RoleAdviser)
		if err := s.Assign(ctx, lead, c.ID, adviser.UserID); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, db, c.ID)
		if err := s.Authorize(ctx, adviser, c, "case.view", ""); err != nil {
			t.Fatalf("assigned adviser: %v", err)
		}
		if err := s.DeclareConflict(ctx, other, c.ID); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, db, c.ID)
		if err := s.Authorize(ctx, other, c, "case.view", ""); !errors.Is(err, ErrConflicted) {
			t.Errorf("conflicted lead: %v", err)
		}
		q, err := s.Queue(ctx, other, Filter{Page: 1}, store.Now())
		if err != nil || len(q.Rows) != 1 || !q.Rows[0].Hidden || q.Rows[0].Name != "" {
			t.Errorf("the conflicted lead's queue shows more than that the case exists: %+v %v", q.Rows, err)
		}
		if err := s.Restrict(ctx, lead, c.ID, true); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, db, c.ID)
		if err := s.Authorize(ctx, lead, c, "case.view", ""); !errors.Is(err, ErrNeedsReason) {
			t.Errorf("restricted case opened without a reason: %v", err)
		}
		if err := s.Authorize(ctx, adviser, c, "case.view", ""); err != nil {
			t.Errorf("the assigned adviser needs a reason for their own restricted case: %v", err)
		}
		if err := s.BreakGlass(ctx, lead, c, "Covering while the adviser is away"); err != nil {
			t.Fatal(err)
		}
		if err := s.Authorize(ctx, lead, c, "case.view", ""); err != nil {
			t.Errorf("after giving a reason: %v", err)
		}
		ops, err := s.Openings(ctx, c)
		if err != nil || len(ops) != 1 || ops[0].Reason != "Covering while the adviser is away" || ops[0].Name != "Lead" {
			t.Errorf("openings: %+v %v", ops, err)
		}
		if err := s.DeclareConflict(ctx, adviser, c.ID); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, db, c.ID)
		if c.AssignedTo != "" {
			t.Error("a conflicted adviser still holds the case")
		}
	})
}

func TestMergeMovesEverythingAcross(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		keep := arrive(t, s, arrival("d@example.com", "D Person", store.Now().Add(-time.Hour)))
		dup := arrive(t, s, arrival("d.other@example.com", "D Person", store.Now()))
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		if err := s.AddNote(ctx, lead, dup.ID, "Same person as the earlier application"); err != nil {
			t.Fatal(err)
		}
		if err := s.Merge(ctx, lead, dup.ID, dup.Reference); err == nil {
			t.Error("merged a case into itself")
		}
		if err := s.Merge(ctx, lead, dup.ID, keep.Reference); err != nil {
			t.Fatal(err)
		}
		dup, _ = s.Get(ctx, db, dup.ID)
		if dup.Status != Merged || dup.MergedInto != keep.ID {
			t.Fatalf("duplicate: %+v", dup)
		}
		notes, err := s.Notes(ctx, keep)
		if err != nil || len(notes) != 1 || notes[0].Body != "Same person as the earlier application" {
			t.Errorf("notes after the merge: %+v %v", notes, err)
		}
		rows, err := s.Find(ctx, lead, "d.other@example.com", store.Now())
		if err != nil || len(rows) != 2 {
			t.Errorf("both cases should answer to the duplicate's address: %d %v", len(rows), err)
		}
		var apps int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE case_id = ?`, keep.ID), &apps)
		if apps != 2 {
			t.Errorf("%d applications on the kept case", apps)
		}
	})
}

func TestLeadsAreAlertedAtMostHourly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		s.Outbox = mail.NewOutbox(db, s.Sealer)
		lead := staff(t, db, "Lead", web.RoleTriageLead)
		staff(t, db, "Adviser", web.RoleAdviser)
		quiet := staff(t, db, "Quiet lead", web.RoleTriageLead)
		if err := s.SetAlerts(ctx, quiet, false); err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		queued := func() int {
			var n int
			if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE kind = 'cases.lead_alert'`), &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if sent, err := s.AlertLeads(ctx, "https://psu.example", now); err != nil || sent != 0 {
			t.Fatalf("first sight of the leads: %d sent, %v", sent, err)
		}
		arrive(t, s, arrival("e@example.com", "E Person", now.Add(time.Minute)))
		if sent, _ := s.AlertLeads(ctx, "https://psu.example", now.Add(30*time.Minute)); sent != 0 {
			t.Error("alerted within the hour")
		}
		// Two instances at once: one alert.
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := s.AlertLeads(ctx, "https://psu.example", now.Add(61*time.Minute))
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := queued(); n != 1 {
			t.Fatalf("%d alerts queued, want 1 (to %s only)", n, lead.Name)
		}
		if sent, _ := s.AlertLeads(ctx, "https://psu.example", now.Add(200*time.Minute)); sent != 0 {
			t.Error("alerted again with nothing new")
		}
	})
}
