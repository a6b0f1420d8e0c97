package consent_test

import (
	"context"
	"errors"
	"testing"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

type fixture struct {
	db     *store.DB
	cases  *cases.Store
	outbox *mail.Outbox
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	sealer, err := seal.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ob := mail.NewOutbox(db, sealer)
	return &fixture{db: db, cases: &cases.Store{DB: db, Sealer: sealer, Outbox: ob}, outbox: ob}
}

// arrive opens a case from an application with the two answers given.
func (f *fixture) arrive(t *testing.T, email string, caseEmail, followUp bool) *cases.Case {
	t.Helper()
	var c *cases.Case
	err := f.db.Tx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = f.cases.Arrive(context.Background(), tx, cases.Arrival{ApplicationID: store.NewID(), Reference: "PSU-" + store.NewID()[24:],
			SubmittedAt: store.Now(), Email: email, Name: "Test Trainee", ConsentCaseEmail: caseEmail, ConsentFollowUp: followUp})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) outboxCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := store.Scan(f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox`), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The application's two answers become ledger entries with the words the
// trainee answered; a "no" writes none, and Check refuses it.
func TestApplicationConsentsAreLedgerEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		yes := f.arrive(t, "yes@example.com", true, false)
		list, err := consent.List(ctx, db, yes.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Purpose != consent.CaseEmail || list[0].Channel != consent.ChannelApplication ||
			list[0].Wording != consent.WordingApplicationCaseEmail || !list[0].Current() {
			t.Fatalf("ledger = %+v, want one current case-email consent from the application", list)
		}
		if want := "May we e-mail you about your case?"; len(list[0].WordingText) < len(want) || list[0].WordingText[:len(want)] != want {
			t.Errorf("wording text = %q, want the question the form asked", list[0].WordingText)
		}
		if !yes.ConsentCaseEmail || yes.ConsentFollowUp {
			t.Errorf("case flags = %v/%v, want the ledger's true/false", yes.ConsentCaseEmail, yes.ConsentFollowUp)
		}
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: yes.ID, Purpose: consent.FollowUp}); !errors.Is(err, consent.ErrRefused) {
			t.Errorf("follow-up never given: Check = %v, want ErrRefused", err)
		}
		no := f.arrive(t, "no@example.com", false, false)
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: no.ID, Purpose: consent.CaseEmail}); !errors.Is(err, consent.ErrRefused) {
			t.Errorf("case e-mail refused on the form: Check = %v, want ErrRefused", err)
		}
	})
}

// Backfill (the migration's own statement, for cases written in bulk)
// turns flags into entries once.
func TestBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.arrive(t, "bulk@example.com", false, false)
		if _, err := db.ExecContext(ctx, `UPDATE cases SET consent_case_email = TRUE, consent_follow_up = TRUE WHERE id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := db.Tx(ctx, func(tx *store.Tx) error { return consent.Backfill(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
		}
		list, err := consent.List(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("after backfill twice: %d entries, want 2", len(list))
		}
	})
}

// Withdrawing ends a consent at once: Check refuses, the entry stays with
// its time, the case's flags follow, and the ledger's hooks run (the plan
// room's feedback request is cancelled).
func TestWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := &plans.Store{DB: db, Cases: f.cases, Outbox: f.outbox}
		c := f.arrive(t, "later@example.com", true, true)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := ps.ScheduleFeedback(ctx, tx, c, store.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ledger := &consent.Ledger{OnWithdraw: []func(context.Context, *store.Tx, *consent.Consent) error{
			func(ctx context.Context, tx *store.Tx, k *consent.Consent) error {
				if k.Purpose == consent.FollowUp {
					_, err := plans.CancelFeedback(ctx, tx, k.CaseID)
					return err
				}
				return nil
			}}}
		k, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.FollowUp})
		if err != nil {
			t.Fatal(err)
		}
		var done bool
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			done, err = ledger.Withdraw(ctx, tx, c.ID, k.ID)
			return err
		}); err != nil || !done {
			t.Fatalf("Withdraw = %v, %v", done, err)
		}
		if _, err := consent.Check(ctx, db, consent.Need{CaseID: c.ID, Purpose: consent.FollowUp}); !errors.Is(err, consent.ErrRefused) {
			t.Errorf("after withdrawal Check = %v, want ErrRefused", err)
		}
		got, err := consent.Get(ctx, db, c.ID, k.ID)
		if err != nil || got.Current() || got.WithdrawnAt.Before(got.GivenAt) {
			t.Errorf("withdrawn entry = %+v, %v; want kept, with its withdrawal time", got, err)
		}
		fb, err := ps.Feedback(ctx, c)
		if err != nil || fb == nil || fb.Cancelled.IsZero() {
			t.Errorf("feedback request after withdrawal = %+v, %v; want cancelled", fb, err)
		}
		var followUp bool
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT consent_follow_up FROM cases WHERE id = ?`, c.ID), &followUp); err != nil || followUp {
			t.Errorf("case flag after withdrawal = %v, %v; want false", followUp, err)
		}
		// Again: nothing changes. Another case's id: not found.
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			done, err = ledger.Withdraw(ctx, tx, c.ID, k.ID)
			return err
		}); err != nil || done {
			t.Errorf("second Withdraw = %v, %v; want false, nil", done, err)
		}
		other := f.arrive(t, "other@example.com", true, true)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Withdraw(ctx, tx, other.ID, k.ID)
			return err
		}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("withdrawing another case's consent = %v, want ErrNotFound", err)
		}
	})
}

// A share consent covers one document, one version, one recipient.
func TestShareScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.arrive(t, "share@example.com", true, false)
		if _, err := db.ExecContext(ctx, `INSERT INTO consent_wordings (version, purpose, text) VALUES ('test-share', 'share_summary', 'Share it')`); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := consent.Give(ctx, tx, consent.Grant{CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-1", Version: 2,
				RecipientBlind: "blind-a", Wording: "test-share", Channel: consent.ChannelPortal, At: store.Now()})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ok := consent.Need{CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-1", Version: 2, Recipient: "blind-a"}
		if _, err := consent.Check(ctx, db, ok); err != nil {
			t.Fatalf("the consented share: %v", err)
		}
		for name, n := range map[string]consent.Need{
			"another version":   {CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-1", Version: 1, Recipient: "blind-a"},
			"another document":  {CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-2", Version: 2, Recipient: "blind-a"},
			"another recipient": {CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-1", Version: 2, Recipient: "blind-b"},
			"no recipient":      {CaseID: c.ID, Purpose: consent.ShareSummary, Document: "sum-1", Version: 2},
			"another case":      {CaseID: store.NewID(), Purpose: consent.ShareSummary, Document: "sum-1", Version: 2, Recipient: "blind-a"},
		} {
			if _, err := consent.Check(ctx, db, n); !errors.Is(err, consent.ErrRefused) {
				t.Errorf("%s: Check = %v, want ErrRefused", name, err)
			}
		}
	})
}
