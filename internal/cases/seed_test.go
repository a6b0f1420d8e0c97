package cases

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/workdays"
)

// notice stores a referrer's notice about a trainee, as the form does.
func notice(t *testing.T, s *Store, email, name string) string {
	t.Helper()
	r := &referral.Referral{ReferrerName: "Dr Demo Supervisor", ReferrerRole: "Educational supervisor", ReferrerOrganisation: "Demo Trust",
		ReferrerEmail: "supervisor@example.org", TraineeName: name, TraineeEmail: email, Reason: "Struggling since the rota changed", TraineeTold: true}
	if err := referral.Create(context.Background(), s.DB, s.Sealer, r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// seedApplicationRow writes the applications row of a seeded case, as
// application.SeedAll would, with the case it belongs to.
func seedApplicationRow(t *testing.T, s *Store, a Arrival, caseID string) {
	t.Helper()
	if _, err := s.DB.ExecContext(context.Background(), `INSERT INTO applications (id, reference, draft_id, status, region, profession, programme,
		rule_id, rule_version, policy_version, consent_case_email, consent_follow_up, email_blind, answers, submitted_at, first_response_due, case_id)
		VALUES (?, ?, ?, 'new', ?, ?, ?, 'r', 1, 'p', ?, ?, ?, ?, ?, ?, ?)`, a.ApplicationID, a.Reference, store.NewID(), a.Region, a.Profession, a.Programme,
		a.ConsentCaseEmail, a.ConsentFollowUp, s.emailBlind(a.Email), []byte{1}, a.SubmittedAt, a.SubmittedAt, caseID); err != nil {
		t.Fatal(err)
	}
}

func seedOne(t *testing.T, s *Store, sc SeedCase) *Case {
	t.Helper()
	var c *Case
	err := s.DB.Tx(context.Background(), func(tx *store.Tx) (err error) {
		c, err = s.Seed(context.Background(), tx, sc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Arrival != nil {
		seedApplicationRow(t, s, *sc.Arrival, c.ID)
	}
	return c
}

// caseReading is everything staff can read of a case, without ids and
// times, which differ between a case worked on now and one seeded.
type caseReading struct {
	Status                           Status
	Outcome                          string
	Profession, Region, Programme    string
	ConsentCaseEmail, ConsentFollow  bool
	Assigned                         string
	Restricted                       bool
	Responded, Paused, Closed        bool
	Name, Email                      string
	Notes                            []string // author: body
	Timeline                         []string // kind from to detail, by: reason
	Openings                         []string
	Topics                           []string
	Referrals, Applications, Audited int
	Found                            map[string]int // what was searched for: cases found
}

func read(t *testing.T, s *Store, c *Case, lead Viewer, searches ...string) caseReading {
	t.Helper()
	ctx := context.Background()
	c, err := s.Get(ctx, s.DB, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := caseReading{Status: c.Status, Outcome: c.Outcome, Profession: c.Profession, Region: c.Region, Programme: c.Programme,
		ConsentCaseEmail: c.ConsentCaseEmail, ConsentFollow: c.ConsentFollowUp, Restricted: c.Restricted,
		Responded: !c.RespondedAt.IsZero(), Paused: !c.ClockPausedAt.IsZero(), Closed: !c.ClosedAt.IsZero(), Found: map[string]int{}}
	names, err := s.staffNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r.Assigned = names[c.AssignedTo]
	if r.Name, err = s.Name(c); err != nil {
		t.Fatal(err)
	}
	if r.Email, err = s.Email(c); err != nil {
		t.Fatal(err)
	}
	notes, err := s.Notes(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		r.Notes = append(r.Notes, n.AuthorName+": "+n.Body)
	}
	tl, err := s.Timeline(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tl {
		detail := e.Detail
		if e.Kind == EventClockResumed {
			detail = "(a date)"
		}
		r.Timeline = append(r.Timeline, fmt.Sprintf("%s %s %s %s, by %s: %s", e.Kind, e.FromStatus, e.ToStatus, detail, e.ActorName, e.Sealed))
	}
	ops, err := s.Openings(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		r.Openings = append(r.Openings, o.Name+": "+o.Reason)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT topic FROM case_topics WHERE case_id = ? ORDER BY topic`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tp string
		rows.Scan(&tp)
		r.Topics = append(r.Topics, tp)
	}
	rows.Close()
	refs, err := referral.ForCase(ctx, s.DB, s.Sealer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Referrals = len(refs)
	ids, err := s.applicationIDs(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	r.Applications = len(ids)
	entries, err := audit.ForCase(ctx, s.DB, c.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	r.Audited = len(entries)
	for _, q := range append(searches, c.Reference) {
		found, err := s.Find(ctx, lead, q, store.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			if f.Case.ID == c.ID {
				r.Found[q]++
			}
		}
	}
	r.Found[c.Reference] = r.Found[c.Reference] * 100 // keyed by a reference that differs: keep only whether it was found
	delete(r.Found, c.Reference)
	return r
}

// A case seeded with a year-old history reads back, through every way
// staff read a case, as the same history worked through the real actions
// today reads; its times are the ones given, and its first-response target
// is counted as the unit's clock counts it.
func TestSeededCaseReadsBackLikeARealOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		lead := staff(t, db, "Demo Lead", "triage_lead")
		other := staff(t, db, "Demo Other Lead", "triage_lead")
		adviser := staff(t, db, "Demo Adviser", "adviser")
		const (
			pauseWhy = "Waiting for the trainee to send the times they are free"
			note1    = "Spoke briefly; the trainee would like a video call."
			bookWhy  = "First appointment on Teams"
			glassWhy = "Covering while the adviser is on leave"
			note2    = "Covered the adviser's leave: nothing to add."
		)

		// Worked on today, through the real actions.
		realApp := arrival("ffion.realtwin@example.com", "Demo Trainee Ffion Realtwin", store.Now())
		var real *Case
		realNotice := notice(t, s, realApp.Email, realApp.Name)
		if err := db.Tx(ctx, func(tx *store.Tx) (err error) {
			real, err = s.Notice(ctx, tx, realNotice, store.Now(), realApp.Email, realApp.Name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		realApp.SubmittedAt = store.Now()
		real = arrive(t, s, realApp)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.Assign(ctx, lead, real.ID, adviser.UserID))
		must(s.PauseClock(ctx, adviser, real.ID, pauseWhy))
		must(s.ResumeClock(ctx, adviser, real.ID))
		must(s.AddNote(ctx, adviser, real.ID, note1))
		must(s.MarkContacted(ctx, adviser, real.ID, "video"))
		must(s.Move(ctx, adviser, real.ID, Booked, "", bookWhy))
		must(s.Restrict(ctx, lead, real.ID, true))
		real, _ = s.Get(ctx, db, real.ID)
		must(s.BreakGlass(ctx, lead, real, glassWhy))
		must(s.AddNote(ctx, lead, real.ID, note2))
		must(s.Move(ctx, adviser, real.ID, Seen, "", ""))
		must(s.DeclareConflict(ctx, other, real.ID))

		// The same, seeded as it happened a year ago.
		day := func(d, h int) time.Time { return time.Date(2025, 12, d, h, 15, 0, 0, workdays.London) }
		seedApp := arrival("ffion.seedtwin@example.com", "Demo Trainee Ffion Seedtwin", day(3, 21))
		sc := SeedCase{
			Notices: []SeedNotice{{ReferralID: notice(t, s, seedApp.Email, seedApp.Name), At: day(1, 10), Email: seedApp.Email, Name: seedApp.Name}},
			Arrival: &seedApp,
			Steps: []Step{
				{At: day(4, 9), By: lead.UserID, Do: ActAssign, Adviser: adviser.UserID},
				{At: day(5, 11), By: adviser.UserID, Do: ActPause, Text: pauseWhy},
				{At: day(9, 14), By: adviser.UserID, Do: ActResume},
				{At: day(9, 15), By: adviser.UserID, Do: ActNote, Text: note1},
				{At: day(10, 10), By: adviser.UserID, Do: ActContact, How: "video"},
				{At: day(10, 11), By: adviser.UserID, Do: ActMove, Status: Booked, Text: bookWhy},
				{At: day(11, 9), By: lead.UserID, Do: ActRestrict, On: true},
				{At: day(15, 9), By: lead.UserID, Do: ActBreakGlass, Text: glassWhy},
				{At: day(15, 9).Add(10 * time.Minute), By: lead.UserID, Do: ActNote, Text: note2},
				{At: day(22, 16), By: adviser.UserID, Do: ActMove, Status: Seen},
				{At: day(23, 9), By: other.UserID, Do: ActConflict},
			},
		}
		seeded := seedOne(t, s, sc)

		want := read(t, s, real, lead, "ffion", "demo trainee ffion", "ffion.realtwin@example.com")
		got := read(t, s, seeded, lead, "ffion", "demo trainee ffion", "ffion.seedtwin@example.com")
		want.Name, want.Email = "Demo Trainee Ffion Seedtwin", "ffion.seedtwin@example.com"
		want.Found["ffion.seedtwin@example.com"] = want.Found["ffion.realtwin@example.com"]
		delete(want.Found, "ffion.realtwin@example.com")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the seeded case reads as\n%+v\nthe real one as\n%+v", got, want)
		}
		if want.Audited < 12 || want.Status != Seen || len(want.Timeline) < 14 || want.Found["ffion"] != 1 {
			t.Fatalf("the real case did not go as planned: %+v", want)
		}

		c, err := s.Get(ctx, db, seeded.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock, _, err := settings.WorkClock(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		paused := clock.Between(day(5, 11), day(9, 14))
		if c.OpenedAt != storeTime(day(1, 10)) || c.SubmittedAt != storeTime(day(3, 21)) || c.RespondedAt != storeTime(day(10, 10)) ||
			c.StatusAt != storeTime(day(22, 16)) || c.ClockPausedDays != paused || c.ResponseDue != clock.Due(day(3, 21), 14+paused) || c.AssignedTo != adviser.UserID {
			t.Errorf("seeded times: %+v (paused %d days)", c, paused)
		}
		if k := ClockOf(c, clock, store.Now()); k.State != ClockMet || k.Words != "Replied in 7 days" {
			t.Errorf("clock %+v, want replied in time, in 7 days", k)
		}
		if !reflect.DeepEqual(c, seeded) {
			t.Errorf("Seed returned\n%+v\nGet reads\n%+v", seeded, c)
		}
		entries, err := audit.ForCase(ctx, db, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.ActorRole != "system" || e.Detail != "demo" || e.ActorID != "" {
				t.Errorf("seeded history audited as %+v, want psu's own act marked demo", e)
			}
		}
		if rep, err := audit.Verify(ctx, db); err != nil || !rep.OK() {
			t.Errorf("audit chain after seeding: %v %v", rep.Problem, err)
		}
		// The adviser finds their own case; the lead who declared a
		// conflict sees only that it exists.
		if rows, err := s.Find(ctx, adviser, "seedtwin", store.Now()); err != nil || len(rows) != 1 || rows[0].Name != "Demo Trainee Ffion Seedtwin" {
			t.Errorf("the adviser's search: %+v %v", rows, err)
		}
		if rows, err := s.Find(ctx, other, "seedtwin", store.Now()); err != nil || len(rows) != 1 || !rows[0].Hidden || rows[0].Name != "" {
			t.Errorf("the conflicted lead's search: %+v %v", rows, err)
		}
	})
}

// Seeded cases land in the clock state their history puts them in at the
// time of seeding, on the queue's filters, with targets counted in working
// days when the unit counts them so.
func TestSeededClockStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return settings.Set(ctx, tx, settings.KeyDayMode, string(workdays.Working), "")
		}); err != nil {
			t.Fatal(err)
		}
		clock, _, err := settings.WorkClock(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		lead := staff(t, db, "Demo Lead", "triage_lead")
		now := store.Now()
		// ago is n working days before now, at the same time of day.
		ago := func(n int) time.Time {
			d := now
			for n > 0 {
				d = d.AddDate(0, 0, -1)
				if clock.Counts(d) {
					n--
				}
			}
			return d
		}
		want := map[ClockState]*Case{}
		for _, tc := range []struct {
			state ClockState
			age   int
			steps func(at time.Time) []Step
		}{
			{ClockOnTrack, 1, nil},
			{ClockDueSoon, 12, nil},
			{ClockOverdue, 20, nil},
			{ClockPaused, 6, func(at time.Time) []Step {
				return []Step{{At: at.Add(time.Hour), By: lead.UserID, Do: ActPause, Text: "Waiting for the trainee"}}
			}},
			{ClockMet, 30, func(at time.Time) []Step {
				return []Step{{At: at.Add(72 * time.Hour), By: lead.UserID, Do: ActContact, How: "email"}}
			}},
			{ClockLate, 40, func(at time.Time) []Step { return []Step{{At: ago(10), By: lead.UserID, Do: ActContact, How: "phone"}} }},
		} {
			a := arrival(fmt.Sprintf("clock.%s@example.net", tc.state), "Demo Trainee "+string(tc.state), ago(tc.age))
			sc := SeedCase{Arrival: &a}
			if tc.steps != nil {
				sc.Steps = tc.steps(a.SubmittedAt)
			}
			c := seedOne(t, s, sc)
			if c.ResponseDue != clock.Due(a.SubmittedAt, settings.DefaultResponseDays) {
				t.Errorf("%s: target %s, want %d working days after %s", tc.state, c.ResponseDue, settings.DefaultResponseDays, a.SubmittedAt)
			}
			if k := ClockOf(c, clock, now); k.State != tc.state {
				t.Errorf("case %d working days old: %s (%s), want %s", tc.age, k.State, k.Words, tc.state)
			}
			want[tc.state] = c
		}
		for state, c := range want {
			q, err := s.Queue(ctx, lead, Filter{Clock: state, Page: 1}, now)
			if err != nil || len(q.Rows) != 1 || q.Rows[0].Case.ID != c.ID {
				t.Errorf("queue filtered on %s: %d rows, %v", state, len(q.Rows), err)
			}
		}
		today, err := s.TodayFor(ctx, lead, now)
		if err != nil || today.Overdue != 1 || today.DueSoon != 1 || today.Unassigned != 4 {
			t.Errorf("today: %+v %v", today, err)
		}
	})
}

// A notice sent with another address, merged into the application's case,
// takes its notice, search entries and notes across, as Merge does.
func TestSeededMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		lead := staff(t, db, "Demo Lead", "triage_lead")
		at := time.Date(2026, 5, 11, 10, 0, 0, 0, workdays.London)
		work := "rhys.work@example.org"
		refID := notice(t, s, work, "Demo Trainee Rhys Ambler")
		a := arrival("rhys.home@example.com", "Demo Trainee Rhys Ambler", at.Add(48*time.Hour))
		var keep, dup *Case
		err := db.Tx(ctx, func(tx *store.Tx) error {
			cs, err := s.SeedAll(ctx, tx, []SeedCase{
				{Arrival: &a, Steps: []Step{{At: at.Add(72 * time.Hour), By: lead.UserID, Do: ActAssign, Adviser: lead.UserID}}},
				{Notices: []SeedNotice{{ReferralID: refID, At: at, Email: work, Name: "Demo Trainee Rhys Ambler"}}, Steps: []Step{
					{At: at.Add(73 * time.Hour), By: lead.UserID, Do: ActNote, Text: "The same trainee as " + a.Reference},
					{At: at.Add(74 * time.Hour), By: lead.UserID, Do: ActMerge, Into: a.Reference},
				}},
			})
			if err == nil {
				keep, dup = cs[0], cs[1]
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		seedApplicationRow(t, s, a, keep.ID)
		if dup.Status != Merged || dup.MergedInto != keep.ID || !dup.SubmittedAt.IsZero() {
			t.Fatalf("duplicate: %+v", dup)
		}
		refs, err := referral.ForCase(ctx, db, s.Sealer, keep.ID)
		if err != nil || len(refs) != 1 || refs[0].TraineeEmail != work {
			t.Errorf("the notice did not move to the case kept: %+v %v", refs, err)
		}
		notes, err := s.Notes(ctx, keep)
		if err != nil || len(notes) != 1 || notes[0].Body != "The same trainee as "+a.Reference {
			t.Errorf("notes on the case kept: %+v %v", notes, err)
		}
		rows, err := s.Find(ctx, lead, work, store.Now())
		if err != nil || len(rows) != 2 {
			t.Errorf("both cases should answer to the notice's address: %d %v", len(rows), err)
		}
		tl, err := s.Timeline(ctx, keep)
		if err != nil || !slices.ContainsFunc(tl, func(e Event) bool { return e.Kind == EventMerged && e.Detail == dup.Reference }) {
			t.Errorf("the case kept does not say what was merged into it: %+v %v", tl, err)
		}
	})
}

// What the real actions refuse, seeding refuses, naming the case and step.
func TestSeedRefusesWhatTheActionsRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		lead := staff(t, db, "Demo Lead", "triage_lead")
		adviser := staff(t, db, "Demo Adviser", "adviser")
		at := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		app := func() *Arrival { a := arrival(store.NewID()+"@example.com", "Demo Trainee", at); return &a }
		var te *TransitionError
		var pe *ProblemError
		for _, tc := range []struct {
			name string
			sc   SeedCase
			is   func(error) bool
		}{
			{"an unassigned adviser", SeedCase{Arrival: app(), Steps: []Step{{At: at, By: adviser.UserID, Do: ActContact, How: "phone"}}},
				func(err error) bool { return errors.Is(err, ErrNotYours) }},
			{"an adviser assigning", SeedCase{Arrival: app(), Steps: []Step{
				{At: at, By: lead.UserID, Do: ActAssign, Adviser: adviser.UserID},
				{At: at, By: adviser.UserID, Do: ActAssign, Adviser: lead.UserID}}},
				func(err error) bool { return errors.Is(err, ErrLeadsOnly) }},
			{"contact before applying", SeedCase{Notices: []SeedNotice{{ReferralID: notice(t, s, "n@example.com", "N"), At: at, Email: "n@example.com"}},
				Steps: []Step{{At: at, By: lead.UserID, Do: ActContact, How: "phone"}}}, func(err error) bool { return errors.As(err, &te) }},
			{"closing without an outcome", SeedCase{Arrival: app(), Steps: []Step{
				{At: at, By: lead.UserID, Do: ActContact, How: "phone"}, {At: at, By: lead.UserID, Do: ActMove, Status: Closed}}},
				func(err error) bool { return errors.As(err, &pe) && pe.Field == "outcome" }},
			{"a restricted case without a reason", SeedCase{Arrival: app(), Steps: []Step{
				{At: at, By: lead.UserID, Do: ActAssign, Adviser: adviser.UserID}, {At: at, By: lead.UserID, Do: ActRestrict, On: true},
				{At: at, By: lead.UserID, Do: ActNote, Text: "a note"}}},
				func(err error) bool { return errors.Is(err, ErrNeedsReason) }},
			{"steps out of order", SeedCase{Arrival: app(), Steps: []Step{{At: at.Add(-time.Hour), By: lead.UserID, Do: ActNote, Text: "early"}}},
				func(err error) bool { return err != nil }},
			{"a stranger", SeedCase{Arrival: app(), Steps: []Step{{At: at, By: store.NewID(), Do: ActNote, Text: "who?"}}},
				func(err error) bool { return err != nil }},
			{"a notice for another address", SeedCase{Notices: []SeedNotice{{ReferralID: notice(t, s, "x@example.com", "X"), At: at, Email: "x@example.com"}}, Arrival: app()},
				func(err error) bool { return err != nil }},
		} {
			err := db.Tx(ctx, func(tx *store.Tx) error { _, err := s.Seed(ctx, tx, tc.sc); return err })
			if !tc.is(err) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		var n int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`), &n); err != nil || n != 0 {
			t.Errorf("%d cases written by refused seeds (%v)", n, err)
		}
	})
}
