package portal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/portal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// submittedAs makes a case through a real application for email, with
// name and situation as the trainee wrote them.
func submittedAs(t *testing.T, in *apptest.Instance, email, name, situation string) *cases.Case {
	t.Helper()
	ctx := context.Background()
	apps := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	d := &application.Draft{}
	if err := apps.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	a, err := apps.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: email, Name: name, Concerns: []string{"exams"}, Situation: situation,
			Hopes: situation + " hopes", RuleID: "r", RuleVersion: 1, ConsentCaseEmail: true}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := in.App.Cases.ByReference(ctx, in.App.DB, a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// zipFiles reads every file of a zip into a map by name.
func zipFiles(t *testing.T, body string) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// A trainee downloads everything psu holds about them, as JSON and as a
// zip: their answers, documents byte for byte, summaries byte for byte,
// plan, consents and timeline; audited, not cached; nothing of another
// trainee; and not without signing in.
func TestMyDataDownloads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		ctx := context.Background()
		a := submittedAs(t, in, "ada@example.com", "Ada Lovelace", "ADA-SITUATION-7731")
		b := submittedAs(t, in, "bea@example.com", "Beatrix Canary", "BEA-CANARY-SITUATION-9942")
		in.SMTP.Wait(t, 2, 15*time.Second) // the applications' receipts
		ada, bea := in.Client(t), in.Client(t)
		signInByLink(t, in, ada, "ada@example.com", 2)
		signInByLink(t, in, bea, "bea@example.com", 3)
		for _, up := range []struct {
			c    *apptest.Client
			name string
		}{{ada, "Ada letter.pdf"}, {bea, "Bea canary letter.pdf"}} {
			if res := postFile(t, up.c, "supervisor", up.name, []byte(tinyPDF)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload %s: %d", up.name, res.StatusCode)
			}
		}
		va, _, _ := seenWithPlan(t, in, a)
		issue(t, in, va, a)
		vb, _, _ := seenWithPlan(t, in, b)
		issue(t, in, vb, b)
		if res := bea.Post("/portal/plan/note", url.Values{"note": {"BEA-CANARY-NOTE about my plan"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("B's note: %d", res.StatusCode)
		}
		if res := ada.Post("/portal/plan/note", url.Values{"note": {"Ada's own note"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("A's note: %d", res.StatusCode)
		}
		canaries := []string{"Beatrix", "BEA-CANARY", "bea@example.com", "Bea canary", b.Reference}

		page := ada.Get("/portal/my-data")
		expect(t, "my data page", page, http.StatusOK, "")
		for _, want := range []string{"psu-my-data.zip", "psu-my-data.json", "Ask us to delete your record"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("my data page lacks %q", want)
			}
		}
		if home := ada.Get("/portal"); !strings.Contains(home.Body, `href="/portal/my-data"`) {
			t.Error("the portal's navigation has no link to my data")
		}

		res := ada.Get("/portal/my-data/psu-my-data.json")
		expect(t, "json", res, http.StatusOK, "")
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if res.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("headers %v", res.Header)
		}
		var d portal.MyData
		if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
			t.Fatalf("the JSON does not parse: %v", err)
		}
		if !strings.Contains(res.Body, "\n  \"") {
			t.Error("the JSON is not pretty-printed")
		}
		if d.Case.Reference != a.Reference || d.Case.Name != "Ada Lovelace" || d.Case.Email != "ada@example.com" {
			t.Errorf("case %+v", d.Case)
		}
		if len(d.Applications) != 1 || d.Applications[0].Answers.Situation != "ADA-SITUATION-7731" || d.Applications[0].Answers.Name != "Ada Lovelace" {
			t.Errorf("applications %+v", d.Applications)
		}
		if len(d.Documents) != 1 || d.Documents[0].Name != "Ada letter.pdf" || d.Documents[0].Size != int64(len(tinyPDF)) {
			t.Errorf("documents %+v", d.Documents)
		}
		if len(d.Summaries) != 1 || d.Summaries[0].Version != 1 {
			t.Errorf("summaries %+v", d.Summaries)
		}
		if d.Plan == nil || len(d.Plan.Goals) != 1 || len(d.Plan.Goals[0].Actions) != 2 {
			t.Errorf("plan %+v", d.Plan)
		}
		if len(d.Consents) == 0 {
			t.Error("no consents")
		}
		words := false
		for _, e := range d.Timeline {
			words = words || e.Words == "Ada's own note"
		}
		if !words {
			t.Error("the timeline lacks the trainee's own note")
		}
		for _, c := range canaries {
			if strings.Contains(res.Body, c) {
				t.Errorf("A's JSON holds B's %q", c)
			}
		}

		res = ada.Get("/portal/my-data/psu-my-data.zip")
		expect(t, "zip", res, http.StatusOK, "")
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("zip headers %v", res.Header)
		}
		files := zipFiles(t, res.Body)
		if _, ok := files["README.txt"]; !ok {
			t.Error("no README.txt")
		}
		var inZip portal.MyData
		if err := json.Unmarshal(files["psu-my-data.json"], &inZip); err != nil || inZip.Case.Reference != a.Reference {
			t.Errorf("the zip's JSON: %v", err)
		}
		if got := files[d.Documents[0].InZip]; !bytes.Equal(got, []byte(tinyPDF)) {
			t.Errorf("document %q in the zip: %d bytes, want the %d sent", d.Documents[0].InZip, len(got), len(tinyPDF))
		}
		fresh, err := in.App.Cases.Get(ctx, in.App.DB, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, pdf, err := (&plans.Store{DB: in.App.DB, Cases: in.App.Cases}).Summary(ctx, fresh, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := files["summaries/psu-summary-v1.pdf"]; !bytes.Equal(got, pdf) {
			t.Errorf("summary in the zip: %d bytes, want %d", len(got), len(pdf))
		}
		if len(files) != 4 {
			t.Errorf("%d files in the zip, want 4", len(files))
		}
		for name, content := range files {
			for _, c := range canaries {
				if strings.Contains(name, c) || bytes.Contains(content, []byte(c)) {
					t.Errorf("A's zip holds B's %q in %s", c, name)
				}
			}
		}

		var n int
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'portal.my_data_download'
			AND case_id = ? AND actor_role = 'trainee'`, a.ID), &n); err != nil || n != 2 {
			t.Errorf("%d downloads audited (%v), want 2", n, err)
		}

		visitor := in.Client(t)
		for _, p := range []string{"/portal/my-data", "/portal/my-data/psu-my-data.json", "/portal/my-data/psu-my-data.zip"} {
			expect(t, "signed out "+p, visitor.Get(p), http.StatusSeeOther, "/portal/sign-in")
		}
	})
}
