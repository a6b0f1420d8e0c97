// Package keystest fills a running psu with data of every sealed kind and
// checks, through psu's own pages and stores, that all of it still reads:
// for tests of key rotation, backup and restore.
package keystest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Case is one trainee's case as Fill made it: a referrer's notice, then
// the application with a document, then a note.
type Case struct {
	Ref, Email, Name, Situation, Reason, Note string
	Doc                                       []byte
}

// Fixture is what Fill wrote.
type Fixture struct {
	// Readers are triage leads whose two-factor secrets were sealed by
	// Fill: CheckReadable signs one in each time (a code is good once).
	Readers []apptest.Staff
	Cases   []Case
	// Waiting are referrers' notices for trainees who have not applied,
	// one for each reader: an application with the same address, made
	// later, must join its notice (the blind index still matches).
	Waiting      []Case
	DraftID      string
	DraftEmail   string
	ReportDetail string
	// Held is a message in the outbox not yet due, sent by each
	// CheckReadable.
	HeldID, HeldText string
}

func appStore(in *apptest.Instance) *application.Store {
	return &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
}

// Fill writes n cases and one of everything else sealed, through psu's
// own stores and pages, on the running in.
func Fill(t testing.TB, in *apptest.Instance, n int) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{}
	for range 3 {
		f.Readers = append(f.Readers, in.CreateStaff(t, web.RoleTriageLead))
	}
	for i := range n {
		c := Case{
			Email:     fmt.Sprintf("keys.trainee%d@example.com", i),
			Name:      fmt.Sprintf("Quillwort Trainee%c", 'A'+i%26),
			Situation: fmt.Sprintf("Bramblefinch situation %d", i),
			Reason:    fmt.Sprintf("Ptarmigan reason %d", i),
			Note:      fmt.Sprintf("Saxifrage note %d", i),
			Doc:       []byte(fmt.Sprintf("%%PDF-1.4 keys document %d", i)),
		}
		notify(t, in, c)
		c.Ref = Apply(t, in, c)
		f.Cases = append(f.Cases, c)
	}
	cl := in.Client(t)
	cl.SignIn(in.CreateStaff(t, web.RoleTriageLead))
	for _, c := range f.Cases {
		if res := cl.Post("/cases/"+c.Ref+"/notes", url.Values{"note": {c.Note}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("note on %s: %d\n%s", c.Ref, res.StatusCode, res.Body)
		}
	}
	for i := range f.Readers {
		w := Case{Email: fmt.Sprintf("keys.waiting%d@example.com", i), Name: "Wintergreen Waiting", Reason: fmt.Sprintf("Ptarmigan reason waiting %d", i),
			Situation: "Bramblefinch waiting situation", Doc: []byte("%PDF-1.4 keys waiting document")}
		notify(t, in, w)
		f.Waiting = append(f.Waiting, w)
	}

	s := appStore(in)
	d := &application.Draft{}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	f.DraftID, f.DraftEmail = d.ID, "keys.draft@example.com"
	if _, err := s.UpdateDraft(ctx, d.ID, func(_ *store.Tx, d *application.Draft) error {
		d.Email = f.DraftEmail
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	f.ReportDetail = "Wagtail report details"
	f.HeldText = "Held message body Kittiwake"
	err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := directory.SubmitReport(ctx, tx, in.App.Sealer(), directory.Report{ServiceID: "keys-service", ServiceName: "A service",
			Problem: "other", Details: f.ReportDetail}); err != nil {
			return err
		}
		id, err := in.App.Outbox.Enqueue(ctx, tx, mail.Message{Kind: "keys.test", To: "held.recipient@example.com", Subject: "Held until released", Text: f.HeldText})
		if err != nil {
			return err
		}
		f.HeldID = id
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ?`, store.Now().Add(240*time.Hour), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The invitation column (appointments) holds sealed calendars where the
	// schema has it.
	if hasColumn(t, in.App.DB, "outbox", "calendar") {
		cal := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
		if _, err := in.App.DB.ExecContext(ctx, `UPDATE outbox SET calendar = ? WHERE id = ?`,
			in.App.Sealer().Seal([]byte(cal), "outbox.calendar:"+f.HeldID), f.HeldID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func hasColumn(t testing.TB, q store.Querier, table, name string) bool {
	cols, err := store.Columns(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if c.Table == table && c.Name == name {
			return true
		}
	}
	return false
}

// notify stores a referrer's notice about c's trainee, as the notice form
// does.
func notify(t testing.TB, in *apptest.Instance, c Case) {
	t.Helper()
	ctx := context.Background()
	err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		r := &referral.Referral{ReferrerName: "Rosalind Referrer", ReferrerRole: "Educational supervisor", ReferrerOrganisation: "A trust",
			ReferrerEmail: "referrer@example.nhs.uk", TraineeName: c.Name, TraineeEmail: c.Email, Reason: c.Reason, TraineeTold: true}
		if err := referral.Create(ctx, tx, in.App.Sealer(), r); err != nil {
			return err
		}
		return in.App.Cases.IntakeReferral(ctx, tx, r)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Apply submits an application for c's trainee with one document, as the
// application pages do, and returns its reference (the case's).
func Apply(t testing.TB, in *apptest.Instance, c Case) string {
	t.Helper()
	ctx := context.Background()
	s := appStore(in)
	d := &application.Draft{}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(ctx, d.ID, application.Document{Name: "ARCP outcome.pdf", Kind: "arcp", ContentType: "application/pdf", Size: int64(len(c.Doc))}, c.Doc); err != nil {
		t.Fatal(err)
	}
	a, err := s.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: c.Email, Name: c.Name, Situation: c.Situation, Concerns: []string{"exams"}, ConsentCaseEmail: true,
			RuleID: "london-doctor", RuleVersion: 1, PolicyVersion: "1"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.Reference
}

// CheckReadable reads everything f wrote through in: the lead signs in
// (two-factor secret), every case page shows the trainee's name, the
// application, the referrer's notice and the note, each document downloads
// whole, search by name finds the case, the draft and the directory report
// open, a new application joins the notice waiting for it, and the held
// message is delivered.
func (f *Fixture) CheckReadable(t testing.TB, in *apptest.Instance) {
	t.Helper()
	ctx := context.Background()
	cl := in.Client(t)
	cl.SignIn(in.CreateStaff(t, web.RoleTriageLead))
	for _, c := range f.Cases {
		page := cl.Get("/cases/" + c.Ref)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("case %s: %d\n%s", c.Ref, page.StatusCode, page.Body)
		}
		for _, want := range []string{c.Name, c.Situation, c.Reason, c.Note} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("case %s does not show %q", c.Ref, want)
			}
		}
		if dl := cl.Get(docLink(t, page.Body)); dl.StatusCode != http.StatusOK || dl.Body != string(c.Doc) {
			t.Errorf("case %s document: %d %q", c.Ref, dl.StatusCode, dl.Body)
		}
	}
	if len(f.Cases) > 0 {
		c := f.Cases[0]
		if res := cl.Get("/cases?q=" + url.QueryEscape(c.Email)); !strings.Contains(res.Body, c.Ref) {
			t.Errorf("finding a case by the trainee's address: %d, %s not listed", res.StatusCode, c.Ref)
		}
	}

	s := appStore(in)
	if d, err := s.Draft(ctx, in.App.DB, f.DraftID); err != nil || d.Email != f.DraftEmail {
		t.Errorf("draft: %v", err)
	}
	reports, err := directory.Reports(ctx, in.App.DB, in.App.Sealer(), "open")
	if err != nil {
		t.Fatalf("directory reports: %v", err)
	}
	found := false
	for _, r := range reports {
		found = found || r.Details == f.ReportDetail
	}
	if !found {
		t.Error("the directory report's details are gone")
	}

	w := f.Waiting[0]
	f.Waiting = f.Waiting[1:]
	ref := Apply(t, in, w)
	page := cl.Get("/cases/" + ref)
	if !strings.Contains(page.Body, w.Reason) {
		t.Errorf("an application after the rotation did not join the notice waiting for it:\n%s", page.Body)
	}

	// Due now (and, from the second check on, due again).
	if _, err := in.App.DB.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, sent_at = NULL, claimed_until = NULL WHERE id = ?`, store.Now(), f.HeldID); err != nil {
		t.Fatal(err)
	}
	in.App.Outbox.Kick()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, m := range in.SMTP.Mails() {
			if m.Subject == "Held until released" && strings.Contains(m.Body, f.HeldText) && m.To[0] == "held.recipient@example.com" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the held message was not delivered")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func docLink(t testing.TB, body string) string {
	t.Helper()
	i := strings.Index(body, "/documents/")
	if i < 0 {
		t.Fatal("no document link on the case page")
	}
	start := strings.LastIndex(body[:i], `"`) + 1
	end := i + strings.Index(body[i:], `"`)
	return body[start:end]
}

// OpensOnlyWith checks every value in every sealed column, and the name of
// every case under its case key, opens with good, and that bad opens none.
func OpensOnlyWith(t testing.TB, db *store.DB, good, bad *seal.Sealer) {
	t.Helper()
	ctx := context.Background()
	cols, err := keys.InSchema(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	values := 0
	for _, c := range cols {
		rows, err := db.QueryContext(ctx, `SELECT `+c.ID+`, `+c.Name+` FROM `+c.Table+` WHERE `+c.Name+` IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			var v []byte
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			values++
			if _, err := good.Open(v, c.Context+id); err != nil {
				t.Errorf("%s row %s does not open with the new key", c, id)
			}
			if _, err := bad.Open(v, c.Context+id); err == nil {
				t.Errorf("%s row %s still opens with the old key", c, id)
			}
		}
		rows.Close()
	}
	if values == 0 {
		t.Fatal("no sealed values to check")
	}
	rows, err := db.QueryContext(ctx, `SELECT id, key_sealed, name_sealed FROM cases WHERE name_sealed IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var k, name []byte
		if err := rows.Scan(&id, &k, &name); err != nil {
			t.Fatal(err)
		}
		sub, err := good.OpenDataKey(k, "cases.key:"+id)
		if err != nil {
			t.Fatalf("case %s key: %v", id, err)
		}
		if _, err := sub.Open(name, "cases.name:"+id); err != nil {
			t.Errorf("case %s name does not open under its re-wrapped key", id)
		}
	}
}
