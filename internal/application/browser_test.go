package application_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// browserFiles writes the documents the browser tests upload.
func browserFiles(t *testing.T) (good, exe, big, bomb string) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good = write(secrets.FileName, application.PDF(t, secrets.FileText))
	exe = write("ARCP-outcome.pdf", append([]byte("MZ\x90\x00\x03"), bytes.Repeat([]byte{0xCC}, 64<<10)...))
	big = write("big-scan.pdf", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), application.MaxFileSize+512<<10)...))
	bomb = write("exam-results.docx", zipBombDOCX(t))
	return
}

// step checks the page is accessible, then does what a person would.
type browserRun struct {
	t   *testing.T
	tab *webtest.Tab
	in  *apptest.Instance
}

func (r browserRun) page(wantPath string) {
	r.t.Helper()
	if u := r.tab.URL(); !strings.HasSuffix(strings.SplitN(u, "?", 2)[0], wantPath) {
		r.t.Fatalf("on %s, want %s\n%s", u, wantPath, r.tab.Text("main"))
	}
	r.tab.Axe()
}

// errorShown checks an error summary with msg is on the page, and that
// the page is still accessible with it.
func (r browserRun) errorShown(msg string) {
	r.t.Helper()
	if s := r.tab.Text(".nhsuk-error-summary"); !strings.Contains(s, msg) {
		r.t.Fatalf("error summary %q, want %q", s, msg)
	}
	if !strings.Contains(r.tab.HTML(), "<title>Error: ") {
		r.t.Error("the page title does not start with \"Error:\"")
	}
	r.tab.Axe()
}

func TestApplyInTheBrowser(t *testing.T) {
	b := webtest.New(t)
	good, exe, big, bomb := browserFiles(t)
	for _, mode := range []struct {
		name string
		opts []webtest.Option
	}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
		t.Run(mode.name, func(t *testing.T) {
			in := apptest.Start(t, store.SQLite)
			tab := b.Tab(t, mode.opts...)
			r := browserRun{t, tab, in}

			tab.Visit(in.URL + "/")
			r.page("/")
			if ran := tab.ScriptsRan(); ran != (mode.opts == nil) {
				t.Fatalf("scripts ran = %v", ran)
			}
			tab.Click(`main a[href="/apply"]`)
			r.page("/apply")
			tab.Click("#start")

			r.page("/apply/check/region")
			tab.Click("#continue")
			r.errorShown("Select where you work or train")
			tab.Check("#answer") // London
			tab.Click("#continue")
			r.page("/apply/check/profession")
			tab.Check("#answer") // Doctor
			tab.Click("#continue")
			r.page("/apply/check/programme")
			tab.Check("#answer-2") // Core training
			tab.Click("#continue")
			r.page("/apply/check/training-number")
			tab.Check("#answer") // Yes
			tab.Click("#continue")

			r.page("/apply/email")
			tab.Fill("#email", "not an address")
			tab.Click("#continue")
			r.errorShown("Enter an e-mail address in the right format")
			tab.Fill("#email", secrets.Email)
			tab.Click("#continue")

			r.page("/apply/about-you")
			if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "We have sent a link to "+secrets.Email) {
				t.Error("no notice that a link was sent")
			}
			tab.Click("#continue")
			r.errorShown("Enter your full name")
			tab.Fill("#name", secrets.Name)
			tab.Fill("#pronouns", "they/them")
			tab.Fill("#phone", secrets.Phone)
			tab.Click("#continue")

			r.page("/apply/registration")
			tab.Check("#registered")
			tab.Fill("#registration_number", "12345")
			tab.Click("#continue")
			r.errorShown("Enter your GMC number in the right format")
			tab.Fill("#registration_number", secrets.GMC)
			tab.Click("#continue")

			r.page("/apply/training")
			tab.Fill("#grade", "CT2")
			tab.Fill("#specialty", "Psychiatry")
			tab.Fill("#employer", "A London trust")
			tab.Fill("#training_number", "LDN/123/456/C")
			tab.Fill("#post_start", "31")
			tab.Fill("#post_start-month", "2")
			tab.Fill("#post_start-year", "2026")
			tab.Click("#continue")
			r.errorShown("must be a real date")
			tab.Fill("#post_start", "5")
			tab.Fill("#post_start-month", "8")
			tab.Click("#continue")

			r.page("/apply/concerns")
			tab.Check("#concern")   // exams
			tab.Check("#concern-4") // mental health
			tab.Click("#continue")

			r.page("/apply/in-your-words")
			tab.Fill("#situation", secrets.Situation)
			tab.Fill("#hopes", secrets.Hopes)
			tab.Click("#continue")

			r.page("/apply/exams")
			tab.Fill("#exam_name", "MRCPsych")
			tab.Fill("#exam_attempts", "2")
			tab.Click("#continue")

			r.page("/apply/arcp")
			tab.Fill("#arcp_date", "15")
			tab.Fill("#arcp_date-month", "6")
			tab.Fill("#arcp_date-year", "2026")
			tab.Check("#arcp_outcome-3")
			tab.Click("#continue")

			r.page("/apply/complaints")
			tab.Check("#proceedings-3")
			tab.Fill("#proceedings_detail_current", secrets.Proceedings)
			tab.Click("#continue")

			r.page("/apply/health")
			tab.Check("#health")
			tab.Fill("#health_detail", secrets.Health)
			tab.Click("#continue")

			r.page("/apply/documents")
			for _, refused := range []struct{ path, msg string }{
				{exe, "ARCP-outcome.pdf is a program, not a document"},
				{big, "big-scan.pdf is larger than 10 MB"},
				{bomb, "exam-results.docx unpacks to far more data than a real Word document"},
			} {
				tab.Check("#kind")
				tab.Upload("#file", refused.path)
				tab.Click("#upload")
				r.errorShown(refused.msg)
			}
			tab.Check("#kind-2")
			tab.Upload("#file", good)
			tab.Click("#upload")
			r.page("/apply/documents")
			if !strings.Contains(tab.Text(".nhsuk-summary-list"), secrets.FileName) {
				t.Fatal("the uploaded document is not listed")
			}
			tab.Click("#continue")

			r.page("/apply/meeting")
			tab.Check("#meeting_way-2")
			tab.Fill("#meeting_times", "Tuesday afternoons")
			tab.Click("#continue")

			r.page("/apply/consent")
			tab.Check("#consent_case_email")
			tab.Check("#consent_follow_up-2")
			tab.Click("#continue")
			r.errorShown("Confirm that you have read the confidentiality policy")
			tab.Check("#confidentiality")
			tab.Click("#continue")

			r.page("/apply/check-answers")
			for _, want := range []string{secrets.Name, secrets.Situation, secrets.Health, secrets.FileName, "GMC " + secrets.GMC} {
				if !strings.Contains(tab.Text("main"), want) {
					t.Errorf("check your answers lacks %q", want)
				}
			}
			tab.Click("#submit")
			r.errorShown("Confirm your e-mail address")

			link := linkIn(t, nthMail(t, in, 1))
			tab.Visit(in.URL + link)
			r.page(link)
			tab.Click("#continue")
			r.page("/apply/check-answers")
			tab.Click("#submit")

			r.page("/apply/sent")
			ref := tab.Text("#reference")
			if !regexp.MustCompile(`^PSU-[2-9A-HJKMNP-TV-Z]{6}$`).MatchString(ref) || !strings.Contains(tab.Text("main"), "within 14 days") {
				t.Fatalf("confirmation page: reference %q\n%s", ref, tab.Text("main"))
			}
			if n := countApplications(t, in); n != 1 {
				t.Fatalf("%d applications", n)
			}
			if m := nthMail(t, in, 2); !strings.Contains(m.Subject, ref) {
				t.Errorf("confirmation mail subject %q", m.Subject)
			}
		})
	}
}

// On another device, from a new link, every answer is where it was left.
func TestResumeInTheBrowser(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	startEligible(t, c)
	fillUntil(t, c, "/apply/meeting")
	expect(t, "upload", uploadFile(t, c, "supervisor", secrets.FileName, application.PDF(t, secrets.FileText)), 303, "")
	// The address is confirmed on the first device; only a confirmed
	// address is sent a link on request.
	expect(t, "confirm", c.Post(linkIn(t, nthMail(t, in, 1)), nil), 303, "/apply/meeting")

	b := webtest.New(t) // a fresh profile: another device
	tab := b.Tab(t, webtest.NoJS())
	r := browserRun{t, tab, in}
	tab.Visit(in.URL + "/apply")
	r.page("/apply")
	tab.Click(`a[href="/apply/resume"]`)
	r.page("/apply/resume")
	tab.Fill("#email", secrets.Email)
	tab.Click("#continue")
	r.page("/apply/resume")
	link := linkIn(t, nthMail(t, in, 2))
	tab.Visit(in.URL + link)
	tab.Click("#continue")
	r.page("/apply/meeting")
	if !strings.Contains(tab.Text(".nhsuk-notification-banner"), "Welcome back") {
		t.Error("no welcome back notice")
	}
	for _, p := range applicationPages() {
		if p.path == "/apply/meeting" {
			break
		}
		tab.Visit(in.URL + p.path)
		page := tab.HTML()
		for name, vs := range p.values {
			for _, v := range vs {
				if !strings.Contains(page, `value="`+v+`"`) && !strings.Contains(page, v+"</textarea>") {
					t.Errorf("%s: %s=%q lost after resuming", p.path, name, v)
				}
			}
		}
	}
	tab.Visit(in.URL + "/apply/documents")
	if !strings.Contains(tab.Text("main"), secrets.FileName) {
		t.Error("the document was lost after resuming")
	}
}

// The pages a trainee reaches off the main path are accessible too: not
// eligible, saved for later, a session that timed out, a spent link, a
// limit reached, and the start page with an application in progress.
func TestOtherPagesAreAccessible(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t)
	tab := b.Tab(t)
	r := browserRun{t, tab, in}

	tab.Visit(in.URL + "/apply")
	tab.Click("#start")
	// KSS, doctor, foundation: the rules decide there, whatever the
	// training number.
	for _, choice := range []string{"#answer-2", "#answer", "#answer"} {
		tab.Check(choice)
		tab.Click("#continue")
	}
	r.page("/apply/not-eligible")
	if !strings.Contains(tab.Text("main"), "KSS Professional Support") {
		t.Errorf("not-eligible page: %s", tab.Text("main"))
	}
	tab.Visit(in.URL + "/apply/check/programme")
	tab.Check("#answer-2") // core training
	tab.Click("#continue")
	// The training number, not asked before, is asked now.
	tab.Check("#answer")
	tab.Click("#continue")
	r.page("/apply/email")
	tab.Click(`button[name="later"]`)
	r.page("/apply/saved") // no address yet
	tab.Visit(in.URL + "/apply/email")
	tab.Fill("#email", secrets.Email)
	tab.Click(`button[name="later"]`)
	r.page("/apply/saved")
	tab.Visit(in.URL + "/apply")
	r.page("/apply") // with an application in progress
	if !strings.Contains(tab.Text("main"), "Continue your application") {
		t.Error("the start page does not offer to continue")
	}

	link := linkIn(t, nthMail(t, in, 1))
	tab.Visit(in.URL + link)
	tab.Click("#continue")
	tab.Visit(in.URL + link)
	r.page(link) // already used
	if !strings.Contains(tab.Text("h1"), "already been used") {
		t.Errorf("spent link page: %s", tab.Text("h1"))
	}

	tab.Visit(in.URL + "/apply/about-you")
	tab.Fill("#name", secrets.Name)
	if _, err := in.App.DB.ExecContext(context.Background(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	tab.Click("#continue")
	r.page("/apply/about-you") // answered without a session: shown back, not saved
	if !strings.Contains(tab.Text("h1"), "Your session has ended") || !strings.Contains(tab.Text("main"), secrets.Name) {
		t.Errorf("timed-out save: %s", tab.Text("main"))
	}

	tab.Visit(in.URL + "/apply/resume")
	for i := 0; i <= application.MailLimit.N; i++ {
		ratelimit.New(in.App.DB, in.App.Sealer()).Allow(context.Background(), "application.mail:ip:127.0.0.1", application.MailLimit)
	}
	tab.Fill("#email", secrets.Email)
	tab.Click("#continue")
	r.errorShown("cannot send another yet")
}
