package fill

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/upload"
)

// The documents pass the same checks as an upload.
func TestDocumentsAreValidPDFs(t *testing.T) {
	b := onePagePDF("Demo (letter) \\ test", []string{"This is made-up demonstration data for psu.", "Line (two)"})
	c, err := upload.Check(bytes.NewReader(b), "letter.pdf", 1<<20)
	if err != nil || c.ContentType != "application/pdf" {
		t.Fatalf("%v %+v", err, c)
	}
}

// Every profession the rules admit, on any day of a year, makes
// applications the real pages accept.
func TestApplicationsPassThePages(t *testing.T) {
	profiles, err := eligibleProfiles(eligibility.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"doctor", "dentist", "nurse", "allied-health-professional", "pharmacist", "pharmacy-technician", "healthcare-scientist"} {
		if len(profiles[p]) == 0 {
			t.Errorf("no %s is admitted by the default rules", p)
		}
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 2)), refs: map[string]bool{}}
	start := time.Date(2026, 1, 1, 20, 0, 0, 0, time.UTC)
	for prof, ps := range profiles {
		for i := range 300 {
			at := start.AddDate(0, 0, i)
			if _, err := g.application(g.person(), pick(g, ps), at, g.topics()); err != nil {
				t.Fatalf("a %s on %s: %v", prof, at.Format(time.DateOnly), err)
			}
		}
	}
}

// Thousands of stories drawn at random all pass the checks seeding makes
// (who may act, the state machine, the clock); every status appears; and
// a database with data in it is refused.
func TestRunTellsOnlyPossibleStories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sl, err := seal.New(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Cases: 2500, Issuer: "PSU demo.example", Host: "demo.example", Argon2: auth.Argon2{Time: 1, MemKiB: 8 * 1024, Threads: 1}, Batch: 700}
		var progress []int
		opts.Progress = func(done, total int) { progress = append(progress, done) }
		res, err := Run(ctx, db, sl, opts)
		if err != nil {
			t.Fatal(err)
		}
		var n, statuses int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT status) FROM cases`), &n, &statuses)
		if len(res.Trainees) != len(traineeStages) {
			t.Errorf("%d trainees with portal accounts, want one at each of %d stages", len(res.Trainees), len(traineeStages))
		}
		// Feedback given after closing, some with comments, kept apart
		// from the cases; some requests left unanswered.
		var given, withComments, unanswered int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(comments) FROM feedback`), &given, &withComments)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_requests WHERE sent_at IS NOT NULL AND NOT answered`), &unanswered)
		if given < 10 || withComments == 0 || unanswered == 0 {
			t.Errorf("demo feedback: %d given (%d with comments), %d unanswered", given, withComments, unanswered)
		}
		// The trainee at "summary shared" has shared it, and it was opened.
		var shares, opens int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT COUNT(*) FROM share_opens) FROM share_links l
			JOIN consents k ON k.id = l.consent_id AND k.purpose = 'share_summary' AND k.withdrawn_at IS NULL`), &shares, &opens)
		if shares != 1 || opens != 1 {
			t.Errorf("%d demo shares with %d opens, want 1 and 1", shares, opens)
		}
		if res.Cases != 2500 || n != 2500 || statuses != 11 || len(res.Staff) != 5 {
			t.Errorf("made %d cases (%d stored, %d statuses), %d staff", res.Cases, n, statuses, len(res.Staff))
		}
		// Appointments in every state and every way of meeting; each Booked
		// case has exactly one appointment to come.
		var kinds, hows, missing int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT status || cancelled_by), COUNT(DISTINCT how) FROM appointments`), &kinds, &hows)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c WHERE c.status = 'booked' AND (SELECT COUNT(*) FROM appointments a
			WHERE a.case_id = c.id AND a.status = 'booked' AND a.starts_at > ?) <> 1`, store.Now()), &missing)
		if kinds != 5 || hows != 4 || missing != 0 {
			t.Errorf("appointments: %d states (booked, attended, missed, cancelled by each), %d ways of meeting; %d booked cases without one to come", kinds, hows, missing)
		}
		// The advisers' biographies are published; the administrator also
		// keeps the directory.
		var bios, editors int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM adviser_bios b JOIN user_roles r ON r.user_id = b.user_id AND r.role = 'adviser' WHERE b.state = 'published'`), &bios)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles a JOIN user_roles d ON d.user_id = a.user_id AND d.role = 'directory_editor' WHERE a.role = 'administrator'`), &editors)
		if bios != 3 || editors != 1 {
			t.Errorf("%d published adviser biographies (want 3), %d administrators who edit the directory (want 1)", bios, editors)
		}
		// The outcomes typed as formulas: one common, one closing at most
		// MaxRare cases.
		var formula, rare int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE outcome = ?`, FormulaOutcome), &formula)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE outcome = ?`, RareOutcome), &rare)
		if formula < 5 || rare < 1 || rare > MaxRare {
			t.Errorf("%d cases closed with %q (want 5 or more), %d with %q (want 1 to %d)", formula, FormulaOutcome, rare, RareOutcome, MaxRare)
		}
		// The directory editor has work: open problem reports about shipped
		// services, one from a reporter who asked to hear back, and services
		// not checked for the default six months of review.
		reports, err := directory.Reports(ctx, db, sl, directory.ReportOpen)
		if err != nil {
			t.Fatal(err)
		}
		contacts := 0
		for _, r := range reports {
			if e, err := directory.LoadEntry(ctx, db, r.ServiceID); err != nil || e.State != directory.StateShown || e.Name != r.ServiceName {
				t.Errorf("a demo report about %q, not a shown service of the directory: %+v %v", r.ServiceName, e, err)
			}
			if r.Details == "" || time.Since(r.CreatedAt) < 12*time.Hour {
				t.Errorf("a demo report about %q says nothing or came just now: %+v", r.ServiceName, r)
			}
			if r.HasContact {
				contacts++
			}
		}
		if len(reports) < 3 || contacts != 1 {
			t.Errorf("%d open problem reports, %d with a contact; want at least 3, one with a contact", len(reports), contacts)
		}
		var contact []byte
		store.Scan(db.QueryRowContext(ctx, `SELECT contact FROM dir_reports WHERE contact IS NOT NULL`), &contact)
		if bytes.Contains(contact, []byte("example.org")) {
			t.Error("the demo reporter's address is not sealed")
		}
		due, err := directory.DueForReview(ctx, db, time.Now().AddDate(0, -6, 0).Format(time.DateOnly), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) < 3 {
			t.Errorf("%d services due for review, want at least 3", len(due))
		}
		for _, e := range due {
			if e.Edited {
				t.Errorf("%s counts as edited in the editor, so an import would need --force", e.Name)
			}
		}
		if n, err := directory.CountDueForReview(ctx, db, time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)); err != nil || n != 0 {
			t.Errorf("%d services not checked for two years (%v): the demo made too many due", n, err)
		}
		// Plans signpost services of the shipped directory.
		var signposted int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_services`), &signposted)
		if signposted == 0 {
			t.Error("no plan signposts a service")
		}
		// Written summaries, as many as the cap, each one a PDF that opens.
		cs := &cases.Store{DB: db, Sealer: sl}
		ps := &plans.Store{DB: db, Cases: cs}
		var summaries int
		var caseID string
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(case_id) FROM summaries`), &summaries, &caseID)
		if summaries != demoSummaries {
			t.Errorf("%d written summaries, want %d", summaries, demoSummaries)
		} else {
			c, err := cs.Get(ctx, db, caseID)
			if err != nil {
				t.Fatal(err)
			}
			doc, pdf, err := ps.Summary(ctx, c, 1)
			if err != nil || doc.Reference != c.Reference || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Errorf("a demo summary: %v", err)
			}
		}
		if len(progress) != 4 || progress[3] != 2500 {
			t.Errorf("progress %v", progress)
		}
		if _, err := Run(ctx, db, sl, opts); !errors.Is(err, ErrAlreadyDemo) {
			t.Errorf("a second run: %v", err)
		}
	})
}
