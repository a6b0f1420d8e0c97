package application

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// nurseAnswers is a complete application from a nurse, as typed into the
// pages.
func nurseAnswers(email string) Answers {
	return Answers{
		Eligibility: eligibility.Answers{Region: "kss", Profession: "nurse", Programme: "preceptorship", Band: ptr(5)},
		Decision:    Decision{RuleID: "nurse-ahp-band-5-to-8-on-scheme", RuleVersion: 1, Eligible: true, Route: "ist"},
		Email:       email,
		Pages: map[string]url.Values{
			"email":         {"email": {email}},
			"about-you":     {"name": {"Demo Trainee Aderyn Quill"}, "pronouns": {"she/her"}, "phone": {"07700 900123"}},
			"registration":  {"registered": {"yes"}, "registration_number": {"99z9123z"}},
			"training":      {"grade": {"Band 5"}, "employer": {"Demo Hospitals NHS Trust"}, "post_start-day": {"2"}, "post_start-month": {"9"}, "post_start-year": {"2025"}},
			"concerns":      {"concern": {"relationships", "other"}, "concern_other": {"Night shifts"}},
			"in-your-words": {"situation": {"Things at work are hard."}, "hopes": {"Someone to talk it through with."}},
			"complaints":    {"proceedings": {"none"}},
			"health":        {},
			"meeting":       {"meeting_way": {"teams"}, "meeting_times": {"Weekday mornings"}},
			"consent":       {"consent_case_email": {"yes"}, "consent_follow_up": {"yes"}, "confidentiality": {"read"}},
		},
	}
}

// caseRow writes the least of a case for applications to belong to.
func caseRow(t *testing.T, db *store.DB) string {
	t.Helper()
	id, now := store.NewID(), store.Now()
	if _, err := db.ExecContext(context.Background(), `INSERT INTO cases (id, reference, status, status_at, opened_at, email_blind, key_sealed, updated_at)
		VALUES (?, ?, 'new', ?, ?, 'b', ?, ?)`, id, NewReference(), now, now, []byte{1}, now); err != nil {
		t.Fatal(err)
	}
	return id
}

// Build checks the pages as sending does: a complete set makes the
// application it describes, as of the day given; a missing answer is
// refused with the page named.
func TestBuildChecksThePages(t *testing.T) {
	at := time.Date(2026, 2, 10, 19, 30, 0, 0, time.UTC)
	a, err := Build(nurseAnswers("aderyn.quill@example.net"), at)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Demo Trainee Aderyn Quill" || a.RegistrationNumber != "99Z9123Z" || a.Regulator != "NMC" || a.ConcernOther != "Night shifts" ||
		a.PolicyVersion != policyVersion || !a.ConsentFollowUp || a.RuleID != "nurse-ahp-band-5-to-8-on-scheme" || a.ARCP != nil || a.Exam != nil {
		t.Errorf("built %+v", a)
	}
	if !ValidReference(a.Reference) || a.Status != "new" || a.ID == "" || a.DraftID == "" || !a.SubmittedAt.Equal(at) ||
		!a.FirstResponseDue.Equal(at.Add(ReplyWithin)) {
		t.Errorf("built as submitted: %+v", a)
	}
	ans := nurseAnswers("aderyn.quill@example.net")
	delete(ans.Pages, "about-you")
	if _, err := Build(ans, at); err == nil || !strings.Contains(err.Error(), "About you") {
		t.Errorf("without the page about them: %v", err)
	}
	ans = nurseAnswers("aderyn.quill@example.net")
	ans.Pages["training"].Set("post_start-year", "2028")
	if _, err := Build(ans, at); err == nil || !strings.Contains(err.Error(), "Your training") {
		t.Errorf("a post starting two years after sending was accepted: %v", err)
	}
}

// SeedAll writes applications that read back exactly as built, with their
// documents checked and sealed like uploads; a referrer's notice for the
// address joins the older of two applications, as submitting links it;
// and each is audited as psu's own act, marked demo.
func TestSeedAllWritesWhatSubmitWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		caseID := caseRow(t, db)
		refID := store.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO referrals (id, created_at, referrer_name, referrer_role, referrer_organisation,
			referrer_email, trainee_name, trainee_email, trainee_email_blind, reason, trainee_told)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, refID, store.Now(), []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1},
			s.EmailBlind("aderyn.quill@example.net"), []byte{1}, true); err != nil {
			t.Fatal(err)
		}
		older, err := Build(nurseAnswers("aderyn.quill@example.net"), time.Date(2026, 2, 10, 19, 30, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		newer, err := Build(nurseAnswers("Aderyn.Quill@example.net"), time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		pdf := PDF(t, "Demo supervisor's letter")
		err = db.Tx(ctx, func(tx *store.Tx) error {
			return s.SeedAll(ctx, tx, []Seed{
				{Application: newer, CaseID: caseID},
				{Application: older, CaseID: caseID, Files: []SeedFile{{Kind: "supervisor", Name: "letter.pdf", Content: pdf, At: older.SubmittedAt.Add(-time.Hour)}}},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, older.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Documents) != 1 {
			t.Fatalf("documents: %+v", got.Documents)
		}
		doc := got.Documents[0]
		if doc.Name != "letter.pdf" || doc.Kind != "supervisor" || doc.ContentType != "application/pdf" || doc.Size != int64(len(pdf)) ||
			!doc.CreatedAt.Equal(older.SubmittedAt.Add(-time.Hour)) {
			t.Errorf("document %+v", doc)
		}
		want := older
		want.Documents = got.Documents
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read back\n%+v\nbuilt\n%+v", got, want)
		}
		if b, err := s.FileContent(ctx, doc.ID); err != nil || string(b) != string(pdf) {
			t.Errorf("document content: %v", err)
		}
		var linked, onCase string
		store.Scan(db.QueryRowContext(ctx, `SELECT COALESCE(application_id, '') FROM referrals WHERE id = ?`, refID), &linked)
		if linked != older.ID {
			t.Errorf("the notice joined %q, want the older application %q", linked, older.ID)
		}
		store.Scan(db.QueryRowContext(ctx, `SELECT case_id FROM applications WHERE id = ?`, newer.ID), &onCase)
		if onCase != caseID {
			t.Errorf("application on case %q, want %q", onCase, caseID)
		}
		page, err := audit.List(ctx, db, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		entries := page.Entries
		if len(entries) != 2 || entries[0].Action != "application.submitted" || entries[0].ActorRole != "system" || entries[0].Detail != "demo" {
			t.Errorf("audit: %+v", entries)
		}
		var mails int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`), &mails)
		if mails != 0 {
			t.Errorf("seeding queued %d e-mails", mails)
		}

		// A file the upload page would refuse is refused here too, and
		// nothing is written.
		again, _ := Build(nurseAnswers("other@example.net"), time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC))
		err = db.Tx(ctx, func(tx *store.Tx) error {
			return s.SeedAll(ctx, tx, []Seed{{Application: again, CaseID: caseID, Files: []SeedFile{{Kind: "other", Name: "run.pdf", Content: []byte("MZ\x90\x00 not a pdf")}}}})
		})
		if err == nil {
			t.Error("a program named .pdf was stored")
		}
		if _, err := s.Get(ctx, again.ID); err == nil {
			t.Error("the refused application was written")
		}
	})
}
