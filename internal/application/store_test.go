package application

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func testStore(t testing.TB, db *store.DB) *Store {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	sl, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return &Store{DB: db, Sealer: sl, Outbox: mail.NewOutbox(db, sl)}
}

func ptr[T any](v T) *T { return &v }

// eligibleDoctor is a London doctor in core training with a number.
func eligibleDoctor() (eligibility.Answers, *Decision) {
	return eligibility.Answers{Region: "london", Profession: "doctor", Programme: "core", TrainingNumber: ptr(true)},
		&Decision{RuleID: "training-number-holder", RuleVersion: 1, Eligible: true, Route: "ist"}
}

func TestDraftSavesAndReadsBackEverythingTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		el, dec := eligibleDoctor()
		d := &Draft{Eligibility: el, Decision: dec}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		typed := url.Values{"name": {"Ada Lovelace-Ng"}, "phone": {"not a number ☎"}, "pronouns": {""}}
		_, err := s.UpdateDraft(ctx, d.ID, func(tx *store.Tx, d *Draft) error {
			d.setPage("about-you", typed, false)
			d.Email = "ada@example.com"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Draft(ctx, db, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Page("about-you"), typed) || got.Done["about-you"] || got.Email != "ada@example.com" ||
			!reflect.DeepEqual(got.Eligibility, el) || !reflect.DeepEqual(got.Decision, dec) || got.EmailVerified {
			t.Fatalf("draft read back as %+v", got)
		}
		if !got.ExpiresAt.After(time.Now().Add(DraftLifetime - time.Minute)) {
			t.Errorf("expiry %v not slid forward on save", got.ExpiresAt)
		}
	})
}

func TestLinksConfirmTheAddressOnceAndDieWithIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		d := &Draft{Email: "first@example.com"}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		newLink := func() string {
			var tok string
			err := db.Tx(ctx, func(tx *store.Tx) (err error) { tok, err = s.NewLink(ctx, tx, d); return err })
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		stale := newLink()
		// Changing the address retires links sent to the old one.
		if _, err := s.UpdateDraft(ctx, d.ID, func(_ *store.Tx, x *Draft) error { x.Email = "second@example.com"; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckLink(ctx, stale); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("link to the old address: %v, want not found", err)
		}
		d.Email = "second@example.com"
		tok := newLink()
		if err := s.CheckLink(ctx, tok); err != nil {
			t.Fatalf("fresh link: %v", err)
		}
		id, err := s.UseLink(ctx, tok, "verifier")
		if err != nil || id != d.ID {
			t.Fatalf("use link: %q, %v", id, err)
		}
		got, _ := s.Draft(ctx, db, d.ID)
		if !got.EmailVerified {
			t.Error("using the link did not confirm the address")
		}
		if _, err := s.UseLink(ctx, tok, "verifier"); !errors.Is(err, ErrLinkUsed) {
			t.Errorf("second use: %v, want ErrLinkUsed", err)
		}
		old := newLink()
		if _, err := db.ExecContext(ctx, `UPDATE application_links SET expires_at = ? WHERE token_hash = ?`, store.Now().Add(-time.Second), hashToken(old)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseLink(ctx, old, "verifier"); !errors.Is(err, ErrLinkExpired) {
			t.Errorf("expired link: %v, want ErrLinkExpired", err)
		}
		// Saving without changing the address keeps it confirmed.
		if got, err = s.UpdateDraft(ctx, d.ID, func(_ *store.Tx, x *Draft) error { x.setPage("about-you", url.Values{"name": {"X"}}, true); return nil }); err != nil || !got.EmailVerified {
			t.Errorf("after a save: verified=%v err=%v", got != nil && got.EmailVerified, err)
		}
	})
}

func TestExpiredDraftsAreGone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		d := &Draft{}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddFile(ctx, d.ID, Document{Name: "a.pdf", Kind: "other", ContentType: typePDF}, []byte("%PDF-1.7 x")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE application_drafts SET expires_at = ? WHERE id = ?`, store.Now().Add(-time.Minute), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Draft(ctx, db, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired draft read: %v", err)
		}
		if live, _ := s.DraftLive(ctx, d.ID); live {
			t.Error("expired draft is live")
		}
		if n, err := s.DeleteExpiredDrafts(ctx); err != nil || n != 1 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		var files int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_file_contents`), &files)
		if files != 0 {
			t.Errorf("%d file contents left after the draft was deleted", files)
		}
	})
}

func TestTenFilesAtMost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		d := &Draft{}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, MaxFiles+5)
		for i := 0; i < MaxFiles+5; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.AddFile(ctx, d.ID, Document{Name: "x.png", Kind: "other", ContentType: typePNG}, []byte("x"))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		refused := 0
		for err := range errs {
			switch {
			case errors.Is(err, ErrTooManyFiles):
				refused++
			case err != nil:
				t.Fatal(err)
			}
		}
		files, _ := s.DraftFiles(ctx, d.ID)
		if len(files) != MaxFiles || refused != 5 {
			t.Errorf("%d files kept, %d refused; want %d and 5", len(files), refused, MaxFiles)
		}
	})
}

// fullApplication is what a completed draft builds into.
func fullApplication(email string) Application {
	el, _ := eligibleDoctor()
	next := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2027, 8, 4, 0, 0, 0, 0, time.UTC)
	return Application{
		RuleID: "training-number-holder", RuleVersion: 1, PolicyVersion: policyVersion,
		ConsentCaseEmail: true, ConsentFollowUp: false,
		Eligibility: el, Email: email,
		Name: "Dr Zoë Ångström-O'Neill", PreferredName: "Zo", Pronouns: "she/her", Phone: "07700 900982",
		Regulator: "GMC", RegistrationNumber: "7123456",
		Grade: "CT2", Specialty: "Psychiatry", Employer: "A London trust", TrainingNumber: "LDN/123/456/C",
		PostStart: time.Date(2026, 8, 5, 0, 0, 0, 0, time.UTC), PostEnd: &end,
		Concerns: []string{"exams", "mental-health", "other"}, ConcernOther: "Rota",
		Situation: "Line one\nLine two — with “quotes” and <tags>", Hopes: "A plan",
		Exam:        &Exam{Name: "MRCPsych", Part: "Paper A", Attempts: 2, NextSitting: &next},
		ARCP:        &ARCP{Had: true, Date: time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), Outcome: "3"},
		Proceedings: "current", ProceedingsDetail: "An investigation",
		Health: "yes", HealthDetail: "Anxiety", Adjustments: "Mornings",
		MeetingWays: []string{"phone", "zoom"}, MeetingTimes: "Tuesdays",
	}
}

func submitDraft(t testing.TB, s *Store, d *Draft, want Application) Application {
	t.Helper()
	a, err := s.Submit(context.Background(), d.ID, func(*Draft) (Application, error) { return want, nil })
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestApplicationsStoreAndReadBackIdentically(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		el, dec := eligibleDoctor()
		d := &Draft{Eligibility: el, Decision: dec, Email: "zoe@example.com"}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		content := []byte("%PDF-1.7\nbinary \x00\x01\xff and text")
		doc, err := s.AddFile(ctx, d.ID, Document{Name: "ARCP 2026.pdf", Kind: "arcp", ContentType: typePDF}, content)
		if err != nil {
			t.Fatal(err)
		}
		// A referral for the same address (any case) links to the application.
		refID := store.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO referrals (id, created_at, referrer_name, referrer_role, referrer_organisation,
			referrer_email, trainee_name, trainee_email, trainee_email_blind, reason, trainee_told)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, refID, store.Now(), []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1},
			s.EmailBlind(" ZOE@example.com "), []byte{1}, true); err != nil {
			t.Fatal(err)
		}
		want := fullApplication("zoe@example.com")
		before := store.Now()
		got := submitDraft(t, s, d, want)

		if !ValidReference(got.Reference) || got.Status != "new" || got.DraftID != d.ID {
			t.Errorf("reference %q, status %q, draft %q", got.Reference, got.Status, got.DraftID)
		}
		if got.SubmittedAt.Before(before) || !got.FirstResponseDue.Equal(got.SubmittedAt.Add(14*24*time.Hour)) {
			t.Errorf("submitted %v, first response due %v", got.SubmittedAt, got.FirstResponseDue)
		}
		read, err := s.Get(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(read, got) {
			t.Errorf("read back differs from what was stored:\n got %+v\nwant %+v", read, got)
		}
		// Everything the build produced is there, unchanged.
		want.ID, want.Reference, want.DraftID, want.Status = got.ID, got.Reference, got.DraftID, got.Status
		want.SubmittedAt, want.FirstResponseDue = got.SubmittedAt, got.FirstResponseDue
		want.Documents = []Document{{ID: doc.ID, Name: "ARCP 2026.pdf", Kind: "arcp", ContentType: typePDF, Size: int64(len(content)), CreatedAt: doc.CreatedAt}}
		if !reflect.DeepEqual(read, want) {
			t.Errorf("stored application differs:\n got %+v\nwant %+v", read, want)
		}
		if b, err := s.FileContent(ctx, doc.ID); err != nil || string(b) != string(content) {
			t.Errorf("document content read back as %q, %v", b, err)
		}
		var linked string
		store.Scan(db.QueryRowContext(ctx, `SELECT COALESCE(application_id, '') FROM referrals WHERE id = ?`, refID), &linked)
		if linked != got.ID {
			t.Errorf("referral linked to %q, want %q", linked, got.ID)
		}
		if _, err := s.Draft(ctx, db, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft still there after submit: %v", err)
		}
		if byRef, err := s.ByReference(ctx, got.Reference); err != nil || byRef.ID != got.ID {
			t.Errorf("by reference: %v", err)
		}
	})
}

func TestDoubleSubmitCreatesOneApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		el, dec := eligibleDoctor()
		d := &Draft{Eligibility: el, Decision: dec, Email: "twice@example.com"}
		if err := s.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		const tabs = 8
		ids := make(chan string, tabs)
		var wg sync.WaitGroup
		for i := 0; i < tabs; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := s.Submit(ctx, d.ID, func(*Draft) (Application, error) { return fullApplication("twice@example.com"), nil })
				if err != nil {
					t.Error(err)
					return
				}
				ids <- a.ID
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		var apps, mails, audits int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications`), &apps)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE kind = 'application.received'`), &mails)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'application.submitted'`), &audits)
		if len(seen) != 1 || apps != 1 || mails != 1 || audits != 1 {
			t.Errorf("%d distinct ids returned, %d applications, %d confirmation mails, %d audit entries; want 1 of each", len(seen), apps, mails, audits)
		}
	})
}

// The unique index, not the code path, is what refuses a second row.
func TestUniqueDraftIsTheRealGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(id, ref string) error {
			_, err := db.ExecContext(ctx, `INSERT INTO applications (id, reference, draft_id, region, profession, programme, rule_id, rule_version,
				policy_version, consent_case_email, consent_follow_up, email_blind, answers, submitted_at, first_response_due)
				VALUES (?, ?, 'same-draft', 'london', 'doctor', 'core', 'r', 1, 'p', TRUE, FALSE, 'b', ?, ?, ?)`, id, ref, []byte{1}, store.Now(), store.Now())
			return err
		}
		if err := insert(store.NewID(), "PSU-AAAAAA"); err != nil {
			t.Fatal(err)
		}
		if err := insert(store.NewID(), "PSU-BBBBBB"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second application for one draft: %v, want ErrConflict", err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE applications SET draft_id = 'other' WHERE reference = 'PSU-AAAAAA'`); err != nil {
			t.Fatal(err)
		}
		if err := insert(store.NewID(), "PSU-AAAAAA"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("repeated reference: %v, want ErrConflict", err)
		}
	})
}

func TestReferences(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		r := NewReference()
		if !ValidReference(r) {
			t.Fatalf("%q is not a valid reference", r)
		}
		if strings.ContainsAny(r[4:], "01ILOU") {
			t.Fatalf("%q uses an ambiguous character", r)
		}
		seen[r] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct references in 2000", len(seen))
	}
	for _, bad := range []string{"PSU-7K3F9", "PSU-7K3F9O", "psu-7K3F9Q", "XYZ-7K3F9Q"} {
		if ValidReference(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
