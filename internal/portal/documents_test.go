package portal_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// submitted makes a case through a real application for email.
func submitted(t *testing.T, in *apptest.Instance, email string) *cases.Case {
	t.Helper()
	ctx := context.Background()
	apps := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	d := &application.Draft{}
	if err := apps.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	a, err := apps.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: email, Name: "Dara Documents", Concerns: []string{"exams"}, RuleID: "r", RuleVersion: 1}, nil
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

// postFile posts a document as the portal's form does.
func postFile(t *testing.T, c *apptest.Client, kind, name string, content []byte) apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if kind != "" {
		mw.WriteField("kind", kind)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/portal/documents", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	return apptest.Response{Response: res, Body: body.String()}
}

const tinyPDF = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"

// A trainee adds a document from the portal: checked as the application's
// are (a page of HTML called .pdf is refused, nothing chosen or no kind
// gets a message keeping the choice), stored on their application sealed,
// listed for them, on the case's timeline; and not once the case has ended.
func TestTraineeAddsADocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		ctx := context.Background()
		c := submitted(t, in, "dara@example.com")
		trainee := in.Client(t)
		in.SMTP.Wait(t, 1, 15*time.Second) // the application's receipt
		signInByLink(t, in, trainee, "dara@example.com", 1)
		if res := trainee.Get("/portal/documents"); res.StatusCode != 200 || !strings.Contains(res.Body, "You have not sent us any documents yet") {
			t.Fatalf("documents page: %d\n%s", res.StatusCode, res.Body)
		}
		res := postFile(t, trainee, "", "letter.pdf", []byte(tinyPDF))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Select what the document is") {
			t.Errorf("no kind: %d", res.StatusCode)
		}
		res = postFile(t, trainee, "supervisor", "", nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Select a document to add") || !strings.Contains(res.Body, `value="supervisor" checked`) {
			t.Errorf("nothing chosen: %d", res.StatusCode)
		}
		res = postFile(t, trainee, "supervisor", "letter.pdf", []byte("<html><script>alert(1)</script>%PDF-1.4</html>"))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("HTML called .pdf: %d", res.StatusCode)
		}
		res = postFile(t, trainee, "supervisor", "Letter from my supervisor.pdf", []byte(tinyPDF))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/portal/documents" {
			t.Fatalf("add: %d\n%s", res.StatusCode, res.Body)
		}
		if res := trainee.Get("/portal/documents"); !strings.Contains(res.Body, "Letter from my supervisor.pdf") || !strings.Contains(res.Body, "Your adviser can see it") {
			t.Errorf("the document is not listed:\n%s", res.Body)
		}
		var n int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_files f JOIN applications a ON a.id = f.application_id WHERE a.case_id = ?`, c.ID), &n)
		if n != 1 {
			t.Errorf("%d documents on the application, want 1", n)
		}
		var clear int
		store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_file_contents WHERE content LIKE '%Catalog%'`), &clear)
		if clear != 0 {
			t.Error("the document is stored in clear")
		}
		events, err := in.App.Cases.Timeline(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			found = found || e.Detail == "The trainee added a document"
		}
		if !found {
			t.Error("the timeline does not show the document")
		}
		lead := in.CreateStaff(t, web.RoleTriageLead)
		if err := in.App.Cases.Move(ctx, cases.Viewer{UserID: lead.ID, Lead: true, Roles: "triage_lead"}, c.ID, cases.Withdrawn, "", ""); err != nil {
			t.Fatal(err)
		}
		if res := postFile(t, trainee, "other", "more.pdf", []byte(tinyPDF)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "can no longer be added") {
			t.Errorf("after the case ended: %d", res.StatusCode)
		}
	})
}
