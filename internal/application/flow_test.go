package application_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func eachEngine(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

// Sensitive things an applicant types, each unusual enough to be found if
// it were ever stored readably.
var secrets = struct {
	Email, Name, Phone, Situation, Hopes, Health, Proceedings, FileName, FileText, GMC string
}{
	Email:       "kingfisher.applicant@example.com",
	Name:        "Zebrafinch Quillon",
	Phone:       "07700 900982",
	Situation:   "Quetzalcoatl rota troubles after my second attempt",
	Hopes:       "Marzipanic plan for the next sitting",
	Health:      "Ocelotine anxiety since spring",
	Proceedings: "Hummingbird tribunal planned for March",
	FileName:    "Ombudsman-Pelican-letter.pdf",
	FileText:    "Xylophonic outcome letter body",
	GMC:         "7193846",
}

// page is one step of the application: the path it is on, what to post,
// and where it should lead.
type page struct {
	path   string
	values url.Values
	next   string
}

func applicationPages() []page {
	return []page{
		{"/apply/email", url.Values{"email": {secrets.Email}}, "/apply/about-you"},
		{"/apply/about-you", url.Values{"name": {secrets.Name}, "preferred_name": {"Zeb"}, "pronouns": {"they/them"}, "phone": {secrets.Phone}}, "/apply/registration"},
		{"/apply/registration", url.Values{"registered": {"yes"}, "registration_number": {secrets.GMC}}, "/apply/training"},
		{"/apply/training", url.Values{"grade": {"CT2"}, "specialty": {"Psychiatry"}, "employer": {"A London trust"}, "training_number": {"LDN/123/456/C"},
			"post_start-day": {"5"}, "post_start-month": {"8"}, "post_start-year": {"2026"}}, "/apply/concerns"},
		{"/apply/concerns", url.Values{"concern": {"exams", "mental-health"}}, "/apply/in-your-words"},
		{"/apply/in-your-words", url.Values{"situation": {secrets.Situation}, "hopes": {secrets.Hopes}}, "/apply/exams"},
		{"/apply/exams", url.Values{"exam_name": {"MRCPsych"}, "exam_part": {"Paper A"}, "exam_attempts": {"2"}}, "/apply/arcp"},
		{"/apply/arcp", url.Values{"arcp_date-day": {"15"}, "arcp_date-month": {"6"}, "arcp_date-year": {"2026"}, "arcp_outcome": {"3"}}, "/apply/complaints"},
		{"/apply/complaints", url.Values{"proceedings": {"current"}, "proceedings_detail_current": {secrets.Proceedings}}, "/apply/health"},
		{"/apply/health", url.Values{"health": {"yes"}, "health_detail": {secrets.Health}}, "/apply/documents"},
		{"/apply/meeting", url.Values{"meeting_way": {"phone", "zoom"}, "meeting_times": {"Tuesday afternoons"}}, "/apply/consent"},
		{"/apply/consent", url.Values{"consent_case_email": {"yes"}, "consent_follow_up": {"no"}, "confidentiality": {"read"}}, "/apply/check-answers"},
	}
}

func expect(t *testing.T, what string, res apptest.Response, status int, location string) {
	t.Helper()
	if res.StatusCode != status || (location != "" && res.Header.Get("Location") != location) {
		t.Fatalf("%s: %d → %q, want %d → %q\n%s", what, res.StatusCode, res.Header.Get("Location"), status, location, res.Body)
	}
}

// startEligible starts an application as a London doctor in core training
// with a training number, answering the check inside /apply.
func startEligible(t *testing.T, c *apptest.Client) {
	t.Helper()
	expect(t, "start", c.Post("/apply/start", nil), http.StatusSeeOther, "/apply/check/region")
	for _, step := range []struct{ q, answer, next string }{
		{"region", "london", "/apply/check/profession"},
		{"profession", "doctor", "/apply/check/programme"},
		{"programme", "core", "/apply/check/training-number"},
		{"training-number", "true", "/apply/email"},
	} {
		expect(t, "question "+step.q, c.Get("/apply/check/"+step.q), http.StatusOK, "")
		expect(t, "answer "+step.q, c.Post("/apply/check/"+step.q, url.Values{"answer": {step.answer}}), http.StatusSeeOther, step.next)
	}
}

var linkRE = regexp.MustCompile(`/apply/resume/[A-Za-z0-9_-]{43}`)

// linkIn returns the resume link in mail m.
func linkIn(t *testing.T, m mailtest.Mail) string {
	t.Helper()
	l := linkRE.FindString(m.Body)
	if l == "" {
		t.Fatalf("no link in mail %q:\n%s", m.Subject, m.Body)
	}
	return l
}

// lastMailTo waits for the n-th mail and returns it.
func nthMail(t *testing.T, in *apptest.Instance, n int) mailtest.Mail {
	t.Helper()
	return in.SMTP.Wait(t, n, 15*time.Second)[n-1]
}

// uploadFile posts a document to the documents page as a browser would.
func uploadFile(t *testing.T, c *apptest.Client, kind, name string, content []byte) apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/apply/documents", &b)
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

// fillAll walks every page with valid answers, uploading one document.
func fillAll(t *testing.T, c *apptest.Client) {
	t.Helper()
	for _, p := range applicationPages() {
		if p.path == "/apply/meeting" {
			expect(t, "documents page", c.Get("/apply/documents"), http.StatusOK, "")
			expect(t, "upload", uploadFile(t, c, "supervisor", secrets.FileName, application.PDF(t, secrets.FileText)), http.StatusSeeOther, "/apply/documents")
		}
		expect(t, "GET "+p.path, c.Get(p.path), http.StatusOK, "")
		expect(t, "POST "+p.path, c.Post(p.path, p.values), http.StatusSeeOther, p.next)
	}
}

func countApplications(t testing.TB, in *apptest.Instance) int {
	var n int
	if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM applications`), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestApplyFromStartToConfirmation(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		in := apptest.Start(t, e)
		// The e-mails name the unit and its phone number as it set them.
		err := in.App.DB.Tx(t.Context(), func(tx *store.Tx) error {
			for k, v := range map[string]string{settings.KeyUnitName: "Example Support Unit", settings.KeyUnitPhone: "0161 496 0000"} {
				if err := settings.Set(t.Context(), tx, k, v, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c := in.Client(t)
		if home := c.Get("/"); !strings.Contains(home.Body, `href="/apply"`) {
			t.Fatal("the home page does not link to /apply")
		}
		expect(t, "start page", c.Get("/apply"), http.StatusOK, "")
		startEligible(t, c)

		// A wrong answer comes back with what to fix and what was typed.
		res := c.Post("/apply/email", url.Values{"email": {"kingfisher at example"}})
		expect(t, "bad e-mail", res, http.StatusUnprocessableEntity, "")
		for _, want := range []string{"There is a problem", "Enter an e-mail address in the right format", `value="kingfisher at example"`} {
			if !strings.Contains(html.UnescapeString(res.Body), want) {
				t.Errorf("bad e-mail page lacks %q", want)
			}
		}
		fillAll(t, c)
		confirm := nthMail(t, in, 1)
		if confirm.To[0] != secrets.Email || confirm.Subject != "Confirm your e-mail address" || !strings.Contains(confirm.Body, "Example Support Unit") {
			t.Errorf("first mail: to %v, subject %q", confirm.To, confirm.Subject)
		}

		cya := c.Get("/apply/check-answers")
		expect(t, "check answers", cya, http.StatusOK, "")
		for _, want := range []string{secrets.Name, secrets.Situation, secrets.Health, secrets.FileName, "GMC " + secrets.GMC, "Outcome 3", "5 August 2026", "Send application"} {
			if !strings.Contains(html.UnescapeString(cya.Body), want) {
				t.Errorf("check your answers lacks %q", want)
			}
		}
		// Not sent until the address is confirmed.
		res = c.Post("/apply/submit", nil)
		expect(t, "submit before confirming", res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.Body, "Confirm your e-mail address") || countApplications(t, in) != 0 {
			t.Fatalf("submitted without a confirmed address:\n%s", res.Body)
		}
		link := linkIn(t, confirm)
		expect(t, "link page", c.Get(link), http.StatusOK, "")
		expect(t, "use link", c.Post(link, nil), http.StatusSeeOther, "/apply/check-answers")
		expect(t, "used link", c.Get(link), http.StatusGone, "")

		expect(t, "submit", c.Post("/apply/submit", nil), http.StatusSeeOther, "/apply/sent")
		done := c.Get("/apply/sent")
		expect(t, "confirmation", done, http.StatusOK, "")
		ref := regexp.MustCompile(`PSU-[2-9A-Z]{6}`).FindString(done.Body)
		if ref == "" || !strings.Contains(done.Body, "within 14 days") {
			t.Fatalf("confirmation page lacks a reference or the reply time:\n%s", done.Body)
		}
		due := time.Now().Add(14 * 24 * time.Hour).In(london()).Format("2 January 2006")
		if !strings.Contains(done.Body, due) {
			t.Errorf("confirmation page does not give the reply date %s", due)
		}

		// A second click, a refresh of the POST, or a second tab: still one.
		expect(t, "submit again", c.Post("/apply/submit", nil), http.StatusSeeOther, "/apply/sent")
		expect(t, "a page of the sent draft", c.Get("/apply/about-you"), http.StatusSeeOther, "/apply/sent")
		if n := countApplications(t, in); n != 1 {
			t.Fatalf("%d applications after a double submit", n)
		}

		received := nthMail(t, in, 2)
		if received.To[0] != secrets.Email || !strings.Contains(received.Subject, ref) || !strings.Contains(received.Body, ref) ||
			!strings.Contains(received.Body, "14 days") || !strings.Contains(received.Body, "Example Support Unit") ||
			!strings.Contains(received.Body, "phone the unit on 0161 496 0000") || strings.Contains(received.Body, settings.DefaultPhone) {
			t.Errorf("confirmation mail: to %v, %q\n%s", received.To, received.Subject, received.Body)
		}
		for _, s := range []string{secrets.Name, secrets.Situation, secrets.Hopes, secrets.Health, secrets.Proceedings, secrets.FileName, secrets.GMC, "MRCPsych", "anxiety"} {
			if strings.Contains(string(received.Raw), s) || strings.Contains(received.Subject, s) {
				t.Errorf("confirmation mail contains %q", s)
			}
		}
		a, err := storeOf(in).ByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != secrets.Name || a.RegistrationNumber != secrets.GMC || len(a.Documents) != 1 || a.Documents[0].Name != secrets.FileName ||
			a.PolicyVersion == "" || a.RuleVersion != 1 || a.RuleID != "training-number-holder" || !a.ConsentCaseEmail || a.ConsentFollowUp {
			t.Errorf("stored application: %+v", a)
		}
		if got := a.FirstResponseDue.Sub(a.SubmittedAt); got != 14*24*time.Hour {
			t.Errorf("first response due %v after submission", got)
		}
	})
}

func london() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}

func storeOf(in *apptest.Instance) *application.Store {
	return &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox}
}
