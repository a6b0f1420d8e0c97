package cases_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// applied submits an application as the application pages do, with one
// document, and returns its reference.
func applied(t *testing.T, in *apptest.Instance, email, name, situation string) string {
	t.Helper()
	ctx := context.Background()
	s := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	d := &application.Draft{}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(ctx, d.ID, application.Document{Name: "ARCP outcome.pdf", Kind: "arcp", ContentType: "application/pdf", Size: 9}, []byte("%PDF-1.4 x")); err != nil {
		t.Fatal(err)
	}
	a, err := s.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: email, Name: name, Situation: situation, Concerns: []string{"exams"}, ConsentCaseEmail: true,
			RuleID: "london-doctor", RuleVersion: 1, PolicyVersion: "1"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.Reference
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

func TestLeadAssignsAndAdviserWorksTheCase(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			mine := applied(t, in, "quokka.trainee@example.com", "Quokka Tremaine", "Kestrelwise situation text")
			other := applied(t, in, "other.trainee@example.com", "Otter Other", "Another situation")
			lead, adviser, admin := in.CreateStaff(t, web.RoleTriageLead), in.CreateStaff(t, web.RoleAdviser), in.CreateStaff(t, web.RoleAdministrator)

			l := in.Client(t)
			l.SignIn(lead)
			expect(t, "lead's queue", l.Get("/cases"), http.StatusOK, mine, other, "Quokka Tremaine", "14 days left")
			expect(t, "lead finds by name", l.Get("/cases?q=quokka"), http.StatusOK, mine)
			page := l.Get("/cases/" + mine)
			expect(t, "case page", page, http.StatusOK, "Quokka Tremaine", "Kestrelwise situation text", "ARCP outcome.pdf")
			expect(t, "assign page", l.Get("/cases/"+mine+"/assign"), http.StatusOK, adviser.Name, "0 open cases")
			res := l.Post("/cases/"+mine+"/assign", url.Values{"adviser": {"not-a-person"}})
			expect(t, "assign to nobody", res, http.StatusUnprocessableEntity, "Select an adviser from the list")
			res = l.Post("/cases/"+mine+"/assign", url.Values{"adviser": {adviser.ID}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("assign: %d\n%s", res.StatusCode, res.Body)
			}

			a := in.Client(t)
			a.SignIn(adviser)
			q := a.Get("/cases")
			expect(t, "adviser's queue", q, http.StatusOK, mine)
			if strings.Contains(q.Body, other) {
				t.Error("the adviser's queue shows a case not assigned to them")
			}
			expect(t, "someone else's case", a.Get("/cases/"+other), http.StatusForbidden, "assigned to another adviser")
			expect(t, "empty note", a.Post("/cases/"+mine+"/notes", url.Values{"note": {"  "}}), http.StatusUnprocessableEntity, "Enter the note")
			expect(t, "no way given", a.Post("/cases/"+mine+"/contacted", nil), http.StatusUnprocessableEntity, "Select how you contacted the trainee")
			if res := a.Post("/cases/"+mine+"/contacted", url.Values{"how": {"phone"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("contacted: %d\n%s", res.StatusCode, res.Body)
			}
			const note = "Marmoset-ochre plan agreed on the phone"
			if res := a.Post("/cases/"+mine+"/notes", url.Values{"note": {note}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("note: %d\n%s", res.StatusCode, res.Body)
			}
			expect(t, "case after contact", a.Get("/cases/"+mine), http.StatusOK, note, "Replied in 0 days", "First contact made (Phone)")
			expect(t, "illegal move", a.Post("/cases/"+mine+"/status", url.Values{"status": {"summary_sent"}}), http.StatusConflict, "cannot move")
			expect(t, "adviser cannot assign", a.Post("/cases/"+mine+"/assign", url.Values{"adviser": {adviser.ID}}), http.StatusForbidden)

			d := in.Client(t)
			d.SignIn(admin)
			if res := d.Get("/cases/" + mine); res.StatusCode != http.StatusForbidden {
				t.Errorf("an administrator opened a case: %d", res.StatusCode)
			}

			expect(t, "who looked", l.Get("/cases/"+mine), http.StatusOK, "Who looked at this case", adviser.Name, "case.contacted")
			var docs int
			store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download'`), &docs)
			res = a.Get("/cases/" + mine)
			link := docLink(t, res.Body)
			if dl := a.Get(link); dl.StatusCode != http.StatusOK || dl.Body != "%PDF-1.4 x" || dl.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("download: %d %q", dl.StatusCode, dl.Header.Get("Content-Type"))
			}
			var after int
			store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download'`), &after)
			if after != docs+1 {
				t.Errorf("the download was not recorded (%d → %d)", docs, after)
			}
			if res := a.Get(strings.Replace(link, mine, other, 1)); res.StatusCode != http.StatusForbidden {
				t.Errorf("a document through another case's address: %d", res.StatusCode)
			}
		})
	}
}

func docLink(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, "/documents/")
	if i < 0 {
		t.Fatal("no document link")
	}
	start := strings.LastIndex(body[:i], `"`) + 1
	end := i + strings.Index(body[i:], `"`)
	return body[start:end]
}
