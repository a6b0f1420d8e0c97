package application_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
)

func bodyHas(t *testing.T, what string, res apptest.Response, wants ...string) {
	t.Helper()
	body := html.UnescapeString(res.Body)
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q", what, w)
		}
	}
}

// fillUntil walks the pages up to (not including) path.
func fillUntil(t *testing.T, c *apptest.Client, path string) {
	t.Helper()
	for _, p := range applicationPages() {
		if p.path == path {
			return
		}
		expect(t, "POST "+p.path, c.Post(p.path, p.values), http.StatusSeeOther, "")
	}
}

func TestAnswersCarryOverFromTheChecker(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	for _, step := range [][2]string{{"region", "london"}, {"profession", "nurse"}, {"programme", "preceptorship"}, {"band", "6"}} {
		expect(t, "checker "+step[0], c.Post("/eligibility/"+step[0], url.Values{"answer": {step[1]}}), http.StatusSeeOther, "")
	}
	bodyHas(t, "checker result", c.Get("/eligibility/result"), `href="/apply"`)
	expect(t, "start", c.Post("/apply/start", nil), http.StatusSeeOther, "/apply/email")
	expect(t, "e-mail", c.Post("/apply/email", url.Values{"email": {"nurse@example.com"}}), http.StatusSeeOther, "/apply/about-you")
	reg := c.Get("/apply/registration")
	bodyHas(t, "registration", reg, "NMC PIN", "2 digits, a letter, 4 digits and a letter")
	res := c.Post("/apply/registration", url.Values{"registered": {"yes"}, "registration_number": {"12a3456"}})
	expect(t, "bad PIN", res, http.StatusUnprocessableEntity, "")
	bodyHas(t, "bad PIN", res, "Enter your NMC PIN in the right format", `value="12a3456"`)
	expect(t, "good PIN", c.Post("/apply/registration", url.Values{"registered": {"yes"}, "registration_number": {"12a 3456e"}}), http.StatusSeeOther, "/apply/training")
	// Nurses are not asked for a training number or about an ARCP.
	if strings.Contains(c.Get("/apply/training").Body, `name="training_number"`) {
		t.Error("a nurse is asked for a training number")
	}
	expect(t, "no ARCP page for nurses", c.Post("/apply/complaints", url.Values{"proceedings": {"none"}}), http.StatusSeeOther, "/apply/health")
}

func TestNotEligibleInsideApply(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	expect(t, "start", c.Post("/apply/start", nil), http.StatusSeeOther, "/apply/check/region")
	res := c.Post("/apply/check/region", nil)
	expect(t, "no answer", res, http.StatusUnprocessableEntity, "")
	bodyHas(t, "no answer", res, "There is a problem", "Select where you work or train")
	for _, step := range [][2]string{{"region", "kss"}, {"profession", "doctor"}} {
		expect(t, step[0], c.Post("/apply/check/"+step[0], url.Values{"answer": {step[1]}}), http.StatusSeeOther, "")
	}
	// A KSS foundation doctor is not eligible whatever the training number:
	// the check stops there, as the public checker does.
	expect(t, "deciding answer", c.Post("/apply/check/programme", url.Values{"answer": {"foundation"}}), http.StatusSeeOther, "/apply/not-eligible")
	bodyHas(t, "not eligible", c.Get("/apply/not-eligible"), "not the right one for you", "KSS Professional Support", "change your answers")
	expect(t, "application pages stay shut", c.Get("/apply/about-you"), http.StatusSeeOther, "/apply/not-eligible")
	// Changing an answer reopens the way.
	// The training number, not asked before, is asked now.
	expect(t, "change", c.Post("/apply/check/programme?return=check", url.Values{"answer": {"core"}}), http.StatusSeeOther, "/apply/check/training-number?return=check")
	expect(t, "training number", c.Post("/apply/check/training-number?return=check", url.Values{"answer": {"true"}}), http.StatusSeeOther, "/apply/check-answers")
	expect(t, "now eligible", c.Get("/apply/about-you"), http.StatusOK, "")
}

// Each page refuses what it cannot use, says what to fix, keeps what was
// typed, and saves it in the draft all the same.
func TestEveryPageSaysWhatToFix(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	expect(t, "e-mail", c.Post("/apply/email", url.Values{"email": {secrets.Email}}), http.StatusSeeOther, "")
	tests := []struct {
		path   string
		values url.Values
		wants  []string
	}{
		{"/apply/about-you", url.Values{"name": {""}, "phone": {"call me maybe"}}, []string{"Enter your full name", "Enter a phone number, like", `value="call me maybe"`}},
		{"/apply/about-you", url.Values{"name": {strings.Repeat("é", 201)}, "phone": {secrets.Phone}}, []string{"Full name must be 200 characters or fewer. You have 201"}},
		{"/apply/registration", url.Values{}, []string{"Select yes if you have a GMC number, or not yet"}},
		{"/apply/registration", url.Values{"registered": {"yes"}, "registration_number": {"71234"}}, []string{"Enter your GMC number in the right format: 7 digits", `value="71234"`}},
		{"/apply/training", url.Values{"grade": {"ST1"}, "employer": {"Trust"}, "training_number": {"LDN/1"}, "post_start-day": {"31"}, "post_start-month": {"2"}, "post_start-year": {"2026"}},
			[]string{"The date your current post started must be a real date", `value="31"`}},
		{"/apply/training", url.Values{"grade": {"ST1"}, "employer": {"Trust"}, "training_number": {"LDN/1"}, "post_start-month": {"2"}, "post_start-year": {"2026"}},
			[]string{"The date your current post started must include a day"}},
		{"/apply/training", url.Values{"grade": {"ST1"}, "employer": {"Trust"}, "training_number": {"LDN/1"}, "post_start-day": {"1"}, "post_start-month": {"Feb"}, "post_start-year": {"2026"},
			"post_end-day": {"1"}, "post_end-month": {"1"}, "post_end-year": {"2026"}}, []string{"The date your current post ends must be after the date it started"}},
		{"/apply/training", url.Values{"grade": {"ST1"}, "employer": {"Trust"}}, []string{"Enter your training number", "Enter the date your current post started"}},
		{"/apply/concerns", url.Values{"concern": {"other"}}, []string{"Tell us briefly what else you would like help with"}},
		{"/apply/in-your-words", url.Values{"situation": {strings.Repeat("a", 5001)}, "hopes": {"x"}}, []string{"What is happening? must be 5,000 characters or fewer. You have 5,001: shorten it by 1 character."}},
		{"/apply/arcp", url.Values{"arcp_date-day": {"1"}, "arcp_date-month": {"1"}, "arcp_date-year": {strconv.Itoa(time.Now().Year() + 1)}}, []string{"must be today or in the past", "Select the outcome of your last ARCP"}},
		{"/apply/arcp", url.Values{"arcp_outcome": {"none"}, "arcp_date-day": {"1"}, "arcp_date-month": {"1"}, "arcp_date-year": {"2025"}}, []string{"You said you have not had an ARCP yet: clear the date, or select the outcome of your last ARCP"}},
		{"/apply/arcp", url.Values{"arcp_outcome": {"3"}}, []string{"Enter the date of your last ARCP"}},
		{"/apply/complaints", url.Values{"proceedings": {"maybe"}}, []string{"Select whether there have been complaints or proceedings"}},
		{"/apply/meeting", url.Values{"meeting_times": {"Any"}}, []string{"Select at least one way you could meet us", "Any"}},
		{"/apply/consent", url.Values{"consent_case_email": {"yes"}}, []string{"Select yes if we may e-mail you later", "Confirm that you have read the confidentiality policy"}},
	}
	for _, tt := range tests {
		res := c.Post(tt.path, tt.values)
		expect(t, tt.path, res, http.StatusUnprocessableEntity, "")
		bodyHas(t, tt.path, res, append(tt.wants, "There is a problem", "Error: ")...)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: content type %q", tt.path, res.Header.Get("Content-Type"))
		}
	}
	// Saved as typed: the page shows it again later.
	bodyHas(t, "consent again", c.Get("/apply/consent"), `value="yes" checked`)
	// The health page is optional.
	expect(t, "empty health page", c.Post("/apply/health", url.Values{}), http.StatusSeeOther, "/apply/documents")
	// "Save and come back later" saves even an unfinished page.
	expect(t, "later", c.Post("/apply/meeting", url.Values{"meeting_times": {"Fridays"}, "later": {"yes"}}), http.StatusSeeOther, "/apply/saved")
	bodyHas(t, "saved page", c.Get("/apply/saved"), "Your answers are saved", secrets.Email)
	bodyHas(t, "meeting again", c.Get("/apply/meeting"), "Fridays")
}

func TestResumedDraftHasLostNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		in := apptest.Start(t, e)
		a := in.Client(t)
		startEligible(t, a)
		fillUntil(t, a, "/apply/meeting")
		expect(t, "upload", uploadFile(t, a, "arcp", secrets.FileName, application.PDF(t, secrets.FileText)), http.StatusSeeOther, "")
		expect(t, "half a page", a.Post("/apply/meeting", url.Values{"meeting_way": {"teams"}, "later": {"yes"}}), http.StatusSeeOther, "/apply/saved")
		// The person confirms the address with the first link, then loses
		// their session (another device, days later).
		expect(t, "confirm", a.Post(linkIn(t, nthMail(t, in, 1)), nil), http.StatusSeeOther, "/apply/meeting")

		// Another device, days later: ask for a new link.
		b := in.Client(t)
		expect(t, "resume form", b.Get("/apply/resume"), http.StatusOK, "")
		res := b.Post("/apply/resume", url.Values{"email": {strings.ToUpper(secrets.Email)}})
		bodyHas(t, "resume sent", res, "Check your e-mail")
		link := linkIn(t, nthMail(t, in, 2))
		expect(t, "use link", b.Post(link, nil), http.StatusSeeOther, "/apply/meeting")
		bodyHas(t, "welcome back", b.Get("/apply/meeting"), "Welcome back", `value="teams" checked`)
		for _, p := range applicationPages() {
			if p.path == "/apply/meeting" {
				break
			}
			page := html.UnescapeString(b.Get(p.path).Body)
			for name, vs := range p.values {
				for _, v := range vs {
					if !strings.Contains(page, `value="`+v+`"`) && !strings.Contains(page, ">\n"+v+"</textarea>") {
						t.Errorf("%s: %s=%q lost after resuming", p.path, name, v)
					}
				}
			}
		}
		bodyHas(t, "documents after resuming", b.Get("/apply/documents"), secrets.FileName)
		// An address nobody applied with gets the same answer and no mail.
		bodyHas(t, "unknown address", b.Post("/apply/resume", url.Values{"email": {"nobody@example.com"}}), "Check your e-mail")
		time.Sleep(300 * time.Millisecond)
		if n := len(in.SMTP.Mails()); n != 2 {
			t.Errorf("%d mails; a link went to an address with no application", n)
		}
	})
}

func TestUnsafeOrOversizeDocumentsAreRefused(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	fillUntil(t, c, "/apply/meeting")
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0x90}, 4096)...)
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), application.MaxFileSize)...)
	tests := []struct {
		name, kind, file string
		content          []byte
		want             string
	}{
		{"renamed executable", "arcp", "ARCP outcome.pdf", exe, "ARCP outcome.pdf is a program, not a document"},
		{"oversize", "arcp", "scan.pdf", big, "scan.pdf is larger than 10 MB"},
		{"zip bomb", "assessment", "results.docx", zipBombDOCX(t), "results.docx unpacks to far more data than a real Word document"},
		{"no kind", "", "letter.pdf", []byte("%PDF-1.4"), "Select what the document is"},
		{"no file", "arcp", "", nil, "Select a document to upload"},
	}
	for _, tt := range tests {
		res := uploadFile(t, c, tt.kind, tt.file, tt.content)
		expect(t, tt.name, res, http.StatusUnprocessableEntity, "")
		bodyHas(t, tt.name, res, "There is a problem", tt.want)
	}
	if files, _ := storeOf(in).DraftFiles(context.Background(), draftID(t, in)); len(files) != 0 {
		t.Fatalf("%d refused files were stored", len(files))
	}
	for i := 0; i < application.MaxFiles; i++ {
		expect(t, "upload", uploadFile(t, c, "other", "page.png", tinyPNG), http.StatusSeeOther, "/apply/documents")
	}
	bodyHas(t, "full", c.Get("/apply/documents"), "You have uploaded 10 documents, the most we can accept")
	res := uploadFile(t, c, "other", "eleven.png", tinyPNG)
	expect(t, "eleventh", res, http.StatusUnprocessableEntity, "")
	bodyHas(t, "eleventh", res, "You have already uploaded 10 documents")
}

// tinyPNG is a whole 1×1 PNG (the one before had its pixel data cut
// short, which only a header check let through).
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xffV\xc7/\r\x00\x00\x00\x00IEND\xaeB`\x82")

// draftID finds the only draft.
func draftID(t *testing.T, in *apptest.Instance) string {
	var id string
	if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT id FROM application_drafts ORDER BY created_at DESC LIMIT 1`), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLimitsExplainThemselvesAndKeepTheDraft(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	fillAll(t, c)
	link := linkIn(t, nthMail(t, in, 1))
	expect(t, "confirm", c.Post(link, nil), http.StatusSeeOther, "/apply/check-answers")

	res := c.Post("/apply/submit", url.Values{"website": {"http://spam.example"}})
	expect(t, "honeypot", res, http.StatusUnprocessableEntity, "")
	bodyHas(t, "honeypot", res, "Leave the box labelled")

	lim := ratelimit.New(in.App.DB, in.App.Sealer())
	ctx := context.Background()
	for i := 0; i < application.UploadLimit.N; i++ {
		lim.Allow(ctx, application.UploadBucket("127.0.0.1"), application.UploadLimit)
	}
	res = uploadFile(t, c, "other", "late.png", tinyPNG)
	expect(t, "upload limit", res, http.StatusTooManyRequests, "")
	bodyHas(t, "upload limit", res, "we have paused uploads for", "Your answers and the documents already uploaded are saved", secrets.FileName)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on the upload limit")
	}

	for i := 0; i < application.SubmitLimit.N; i++ {
		lim.Allow(ctx, application.SubmitBucket("127.0.0.1"), application.SubmitLimit)
	}
	res = c.Post("/apply/submit", nil)
	expect(t, "submit limit", res, http.StatusTooManyRequests, "")
	bodyHas(t, "submit limit", res, "so we have paused sending for", "Your application is saved but not sent yet", secrets.Name)
	if countApplications(t, in) != 0 {
		t.Fatal("sent despite the limit")
	}
	// Once the window has passed, the same draft goes through.
	if err := lim.Reset(ctx, application.SubmitBucket("127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	expect(t, "submit later", c.Post("/apply/submit", nil), http.StatusSeeOther, "/apply/sent")
}

// The ARCP page asks one question with radios, none nested under another
// answer ("not had one yet" sits below an "or"); a check-answers link goes
// to it; messages that confirm what the person did are in the success
// style; the spam trap is hidden from assistive technology.
func TestARCPSuccessAndSpamTrapMarkup(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	sent := c.Post("/apply/email", url.Values{"email": {secrets.Email}})
	expect(t, "e-mail", sent, http.StatusSeeOther, "")
	bodyHas(t, "link sent", c.Get(sent.Header.Get("Location")), "nhsuk-notification-banner--success", `role="alert"`, "Success", "We have sent a link to")
	page := c.Get("/apply/arcp")
	if strings.Contains(page.Body, "__conditional") || strings.Count(page.Body, `<fieldset class="nhsuk-fieldset"`) != 2 {
		t.Errorf("the ARCP page nests a question under an answer:\n%s", page.Body)
	}
	bodyHas(t, "ARCP page", page, `<div class="nhsuk-radios__divider">or</div>`, "I have not had an ARCP yet")
	expect(t, "no ARCP yet", c.Post("/apply/arcp", url.Values{"arcp_outcome": {"none"}}), http.StatusSeeOther, "")

	expect(t, "upload", uploadFile(t, c, "supervisor", secrets.FileName, application.PDF(t, secrets.FileText)), http.StatusSeeOther, "/apply/documents")
	bodyHas(t, "uploaded", c.Get("/apply/documents"), "nhsuk-notification-banner--success", "Your document has been uploaded.")

	fillAll(t, c)
	check := c.Get("/apply/check-answers")
	bodyHas(t, "check answers", check, `<div class="nhsuk-u-visually-hidden" aria-hidden="true">
        <label for="website">`)
}

// A doctor on the retainer scheme in London can apply whatever their
// training number: the check inside /apply goes straight on to the
// application, never asks the number, and the first page goes back to the
// last question asked.
func TestEligibleAsSoonAsDecidedInsideApply(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	expect(t, "start", c.Post("/apply/start", nil), http.StatusSeeOther, "/apply/check/region")
	expect(t, "region", c.Post("/apply/check/region", url.Values{"answer": {"london"}}), http.StatusSeeOther, "/apply/check/profession")
	expect(t, "profession", c.Post("/apply/check/profession", url.Values{"answer": {"doctor"}}), http.StatusSeeOther, "/apply/check/programme")
	expect(t, "deciding answer", c.Post("/apply/check/programme", url.Values{"answer": {"retainer"}}), http.StatusSeeOther, "/apply/email")
	bodyHas(t, "back link", c.Get("/apply/email"), `href="/apply/check/programme"`)
	if body := c.Get("/apply/check-answers").Body; strings.Contains(body, "training number") {
		t.Error("check your answers lists the training number, which was never asked")
	}
}
