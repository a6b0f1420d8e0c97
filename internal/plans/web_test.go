package plans_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/testenv"
	"github.com/psu-project/psu/internal/web"
)

var (
	serviceRE = regexp.MustCompile(`name="service" value="([^"]+)"`)
	tokenRE   = regexp.MustCompile(`name="token" value="([^"]+)"`)
)

// pdfText is what pdftotext reads from pdf: the text a screen reader, a
// search or a copy gets.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		testenv.Missing(t, "the summary PDF test needs pdftotext (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// The session notes save without JavaScript (the Save button) and through
// the autosave address, which answers 204, or 422 with a message; nobody
// else can write them.
func TestSessionNotesSave(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			sc := seenCase(t, in, "notes.trainee@example.com", false)
			a := in.Client(t)
			a.SignIn(sc.Adviser)
			casePage := a.Get("/cases/" + sc.Ref)
			expect(t, "case page", casePage, http.StatusOK, "After the one-to-one", "Write notes for a session")
			link := regexp.MustCompile(`href="(/cases/[^"]+/session-notes/[^"]+)"`).FindStringSubmatch(casePage.Body)
			if link == nil {
				t.Fatal("no link to start session notes")
			}
			path := link[1]
			expect(t, "new notes page", a.Get(path), http.StatusOK, "Not saved yet", `data-autosave="`+path+`/autosave"`)

			res := a.Post(path, url.Values{"notes": {"Talked through the exam plan. Marmoset-violet."}})
			expect(t, "save", res, http.StatusSeeOther)
			expect(t, "notes page after save", a.Get(path), http.StatusOK, "Session notes saved.", "Marmoset-violet", "Last saved")

			res = a.Post(path+"/autosave", url.Values{"notes": {"Talked through the exam plan. Marmoset-violet. And the rota."}})
			expect(t, "autosave", res, http.StatusNoContent)
			res = a.Post(path+"/autosave", url.Values{"notes": {strings.Repeat("x", plans.MaxSessionNote+1)}})
			expect(t, "autosave too long", res, http.StatusUnprocessableEntity)
			var body struct{ Error string }
			if err := json.Unmarshal([]byte(res.Body), &body); err != nil || !strings.Contains(body.Error, "shorten it by 1") {
				t.Errorf("422 body %q (%v)", res.Body, err)
			}
			expect(t, "notes after autosave", a.Get(path), http.StatusOK, "And the rota.")

			// Another adviser may not read or write them.
			other := in.Client(t)
			other.SignIn(in.CreateStaff(t, web.RoleAdviser))
			expect(t, "other adviser reads", other.Get(path), http.StatusForbidden)
			expect(t, "other adviser autosaves", other.Post(path+"/autosave", url.Values{"notes": {"Overwritten"}}), http.StatusForbidden)
			// A signed-out autosave is refused, and changes nothing.
			expect(t, "signed out", in.Client(t).Post(path+"/autosave", url.Values{"notes": {"Overwritten"}}), http.StatusForbidden)
			expect(t, "notes kept", a.Get(path), http.StatusOK, "And the rota.")

			// Empty notes for a session not started store nothing.
			expect(t, "empty new notes", a.Post("/cases/"+sc.Ref+"/session-notes/"+store.NewID()+"/autosave", url.Values{"notes": {""}}), http.StatusNoContent)
			var n int
			if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM case_notes WHERE kind = 'session'`), &n); err != nil || n != 1 {
				t.Errorf("%d session notes stored (%v), want 1", n, err)
			}
			expect(t, "bad id", a.Get("/cases/"+sc.Ref+"/session-notes/not-an-id"), http.StatusNotFound)
		})
	}
}

// workPlan builds a plan on sc through the pages: a goal, an action (after
// a refused one) and a service found by searching the directory.
func workPlan(t *testing.T, a *apptest.Client, sc seen, goal string) {
	t.Helper()
	base := "/cases/" + sc.Ref + "/plan"
	expect(t, "plan page", a.Get(base), http.StatusOK, "Plan of action", "No goals yet.")
	expect(t, "empty goal", a.Post(base+"/goals", url.Values{"goal": {"  "}}), http.StatusUnprocessableEntity, "Enter the goal")
	expect(t, "add goal", a.Post(base+"/goals", url.Values{"goal": {goal}}), http.StatusSeeOther)
	page := a.Get(base)
	expect(t, "plan with goal", page, http.StatusOK, "Goal 1: "+goal, "Goal added.")
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `/goals/[^"]+/actions)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no link to add an action")
	}
	expect(t, "action form", a.Get(m[1]), http.StatusOK, "Add an action", goal)
	expect(t, "action refused", a.Post(m[1], url.Values{"what": {""}, "who": {""}, "due-day": {"31"}, "due-month": {"2"}, "due-year": {"2027"}, "status": {"not_started"}}),
		http.StatusUnprocessableEntity, "Enter what will be done", "Enter who will do it", "must be a real date")
	expect(t, "add action", a.Post(m[1], url.Values{"what": {"Book the revision course"}, "who": {"Trainee"}, "due-day": {"30"}, "due-month": {"4"}, "due-year": {"2027"}, "status": {"in_progress"}}),
		http.StatusSeeOther)
	expect(t, "plan with action", a.Get(base), http.StatusOK, "Book the revision course", "30 April 2027")

	found := a.Get(base + "?q=dyslexia")
	expect(t, "search", found, http.StatusOK, "Services matching")
	sm := serviceRE.FindStringSubmatch(found.Body)
	if sm == nil {
		t.Fatalf("the directory search offered nothing:\n%s", found.Body)
	}
	expect(t, "add service", a.Post(base+"/services", url.Values{"service": {sm[1]}}), http.StatusSeeOther)
	expect(t, "add unknown service", a.Post(base+"/services", url.Values{"service": {"no-such-service"}}), http.StatusUnprocessableEntity, "no longer in the directory")
	expect(t, "add it twice", a.Post(base+"/services", url.Values{"service": {sm[1]}}), http.StatusSeeOther)
	page = a.Get(base)
	expect(t, "plan with service", page, http.StatusOK, `href="/services/`+sm[1]+`"`, "Service added to the plan.")
	if n := strings.Count(page.Body, `href="/services/`+sm[1]+`"`); n != 1 {
		t.Errorf("the service is on the plan page %d times", n)
	}
}

// The walk from plan to summary: a plan with a signposted service, the
// summary previewed and issued (the case moves to Summary sent, the
// trainee is told by e-mail, with nothing of what it says), corrected as
// version 2, and both versions downloadable by staff, each download
// audited; the PDF's text holds the plan and the trainee's accented name.
func TestPlanSummaryIssueAndCorrect(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			sc := seenCase(t, in, "summary.trainee@example.com", false)
			a := in.Client(t)
			a.SignIn(sc.Adviser)
			workPlan(t, a, sc, "Pass the MRCP written exam")

			base := "/cases/" + sc.Ref + "/summary"
			expect(t, "summary form", a.Get(base), http.StatusOK, "What we discussed", "1 goal and 1 service")
			expect(t, "preview without text", a.Post(base, url.Values{"action": {"preview"}}), http.StatusUnprocessableEntity, "Enter what you discussed")
			expect(t, "issue before preview", a.Post(base+"/issue", url.Values{"token": {"x"}}), http.StatusUnprocessableEntity, "Preview the summary")
			res := a.Post(base, url.Values{"action": {"preview"}, "discussed": {"How the exam went.\n\nThe rota."}, "agreed": {"A revision plan."}})
			expect(t, "preview", res, http.StatusSeeOther)
			if res.Header.Get("Location") != base+"/preview" {
				t.Fatalf("preview went to %q", res.Header.Get("Location"))
			}
			prev := a.Get(base + "/preview")
			expect(t, "preview page", prev, http.StatusOK, "Your written summary", "For "+trainee, "How the exam went.", "The rota.",
				"Pass the MRCP written exam", "Book the revision course", "Services suggested", "Issue the summary")
			tok := tokenRE.FindStringSubmatch(prev.Body)
			if tok == nil {
				t.Fatal("no token on the preview")
			}
			// A plan changed after the preview must be previewed again.
			expect(t, "plan changed", a.Post("/cases/"+sc.Ref+"/plan/goals", url.Values{"goal": {"Sleep more"}}), http.StatusSeeOther)
			expect(t, "issue stale", a.Post(base+"/issue", url.Values{"token": {tok[1]}}), http.StatusUnprocessableEntity, "The plan has changed")
			expect(t, "preview again", a.Post(base, url.Values{"action": {"preview"}, "discussed": {"How the exam went.\n\nThe rota."}, "agreed": {"A revision plan."}}), http.StatusSeeOther)
			tok = tokenRE.FindStringSubmatch(a.Get(base + "/preview").Body)
			expect(t, "issue", a.Post(base+"/issue", url.Values{"token": {tok[1]}}), http.StatusSeeOther)
			if st := status(t, in, sc.ID); st != cases.SummarySent {
				t.Errorf("after issuing the case is %s", st)
			}
			expect(t, "case page", a.Get("/cases/"+sc.Ref), http.StatusOK, "The written summary has been issued, and the trainee has been e-mailed", "Version 1", "Met")
			// The same preview cannot be issued twice.
			expect(t, "issue twice", a.Post(base+"/issue", url.Values{"token": {tok[1]}}), http.StatusUnprocessableEntity, "Preview the summary")

			mails := in.SMTP.Wait(t, 1, 5*time.Second)
			m := mails[len(mails)-1]
			if m.Subject != "Your written summary is ready" || !strings.Contains(m.Body, "/portal/summaries") {
				t.Errorf("mail: %q\n%s", m.Subject, m.Body)
			}
			for _, secret := range []string{"exam went", "MRCP", "revision", trainee} {
				if strings.Contains(m.Body, secret) {
					t.Errorf("the e-mail carries %q", secret)
				}
			}

			// A correction is version 2.
			expect(t, "correct", a.Post(base, url.Values{"action": {"preview"}, "discussed": {"How the exam went (corrected)."}, "agreed": {"A revision plan."}}), http.StatusSeeOther)
			tok = tokenRE.FindStringSubmatch(a.Get(base + "/preview").Body)
			expect(t, "issue v2", a.Post(base+"/issue", url.Values{"token": {tok[1]}}), http.StatusSeeOther)
			in.SMTP.Wait(t, 2, 5*time.Second)

			var pdfs [][]byte
			for _, v := range []string{"1", "2"} {
				res := a.Get("/cases/" + sc.Ref + "/summaries/" + v + "/pdf")
				expect(t, "download v"+v, res, http.StatusOK)
				if res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") {
					t.Fatalf("v%s: %s %q", v, res.Header.Get("Content-Type"), res.Body[:min(20, len(res.Body))])
				}
				pdfs = append(pdfs, []byte(res.Body))
				expect(t, "read v"+v, a.Get("/cases/"+sc.Ref+"/summaries/"+v), http.StatusOK, "Written summary, version "+v)
			}
			expect(t, "no v3", a.Get("/cases/"+sc.Ref+"/summaries/3/pdf"), http.StatusNotFound)
			one, two := pdfText(t, pdfs[0]), pdfText(t, pdfs[1])
			for _, want := range []string{trainee, "Pass the MRCP written exam", "Book the revision course", "30 April 2027", "How the exam went.", "What we agreed"} {
				if !strings.Contains(one, want) {
					t.Errorf("the PDF's text lacks %q:\n%s", want, one)
				}
			}
			if !strings.Contains(two, "(corrected)") || strings.Contains(one, "(corrected)") {
				t.Error("version 2 is not the correction, or version 1 changed")
			}
			if bin, err := exec.LookPath("pdfinfo"); err == nil {
				path := filepath.Join(t.TempDir(), "v1.pdf")
				os.WriteFile(path, pdfs[0], 0o600)
				info, _ := exec.Command(bin, path).Output()
				if !strings.Contains(string(info), "Your written summary") {
					t.Errorf("the PDF's title is not in its metadata:\n%s", info)
				}
			}
			entries, err := audit.ForCase(context.Background(), in.App.DB, sc.ID, 200)
			if err != nil {
				t.Fatal(err)
			}
			downloads := map[string]int{}
			for _, e := range entries {
				if e.Action == "case.summary.download" {
					downloads[e.Detail]++
				}
			}
			// Asking for a version that does not exist is recorded too:
			// access is checked (and written down) before anything is read.
			if downloads["summary version 1"] != 1 || downloads["summary version 2"] != 1 || downloads["summary version 3"] != 1 {
				t.Errorf("downloads audited: %v", downloads)
			}
			// Another adviser may not download it, and that is recorded too.
			other := in.Client(t)
			other.SignIn(in.CreateStaff(t, web.RoleAdviser))
			expect(t, "other adviser downloads", other.Get("/cases/"+sc.Ref+"/summaries/1/pdf"), http.StatusForbidden)
			if bytes.Contains([]byte(other.Get("/cases/"+sc.Ref+"/summaries/1").Body), []byte("MRCP")) {
				t.Error("the refusal shows the summary")
			}
		})
	}
}

// A review date moves a case whose summary was sent to Follow-up and puts
// it in the queue's "Review due" once it comes; a past date is refused.
// Closing takes an outcome from the unit's own list (edited by an
// administrator) and queues feedback when the trainee agreed.
func TestReviewAndClose(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			in := apptest.Start(t, e)
			sc := seenCase(t, in, "review.trainee@example.com", true)
			a := in.Client(t)
			a.SignIn(sc.Adviser)
			if err := in.App.Cases.Move(ctx, cases.Viewer{UserID: sc.Adviser.ID}, sc.ID, cases.SummarySent, "", ""); err != nil {
				t.Fatal(err)
			}
			base := "/cases/" + sc.Ref + "/review"
			expect(t, "review form", a.Get(base), http.StatusOK, "No review date is set")
			expect(t, "past date", a.Post(base, url.Values{"review-day": {"1"}, "review-month": {"1"}, "review-year": {"2020"}}), http.StatusUnprocessableEntity, "today or in the future")
			expect(t, "no year", a.Post(base, url.Values{"review-day": {"1"}, "review-month": {"1"}}), http.StatusUnprocessableEntity, "must include a year")
			next := time.Now().AddDate(0, 1, 0)
			expect(t, "set", a.Post(base, url.Values{"review-day": {itoa(next.Day())}, "review-month": {itoa(int(next.Month()))}, "review-year": {itoa(next.Year())}}), http.StatusSeeOther)
			if st := status(t, in, sc.ID); st != cases.FollowUp {
				t.Errorf("after setting a review the case is %s", st)
			}
			expect(t, "case page", a.Get("/cases/"+sc.Ref), http.StatusOK, "The review date is saved.", "Review due "+plans.DayOf(next).Long())
			// The queue's "Review due" filter finds it once the day comes,
			// not before: read from the plans' side, and with a topic too.
			lead := cases.Viewer{UserID: sc.Adviser.ID, Lead: true}
			for _, c := range []struct {
				at   time.Time
				want int
			}{{time.Now(), 0}, {next, 1}} {
				for _, topic := range []string{"", "exams"} {
					q, err := in.App.Cases.Queue(ctx, lead, cases.Filter{Clock: cases.ClockReviewDue, Topic: topic, Page: 1}, c.at)
					if err != nil || len(q.Rows) != c.want || (c.want == 1 && q.Rows[0].Case.ID != sc.ID) {
						t.Errorf("review due on %s (topic %q): %d cases (%v), want %d", c.at.Format(time.DateOnly), topic, len(q.Rows), err, c.want)
					}
				}
			}

			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
			expect(t, "outcomes page", admin.Get("/admin/outcomes"), http.StatusOK, "Support completed")
			expect(t, "adviser may not", a.Get("/admin/outcomes"), http.StatusForbidden)
			expect(t, "add outcome", admin.Post("/admin/outcomes", url.Values{"label": {"Moved to another deanery"}}), http.StatusSeeOther)
			expect(t, "duplicate outcome", admin.Post("/admin/outcomes", url.Values{"label": {"Moved to another deanery"}}), http.StatusUnprocessableEntity, "already on the list")
			expect(t, "feedback weeks", admin.Post("/admin/outcomes/settings", url.Values{"weeks": {"99"}, "unit": {"PSU"}}), http.StatusUnprocessableEntity, "from 1 to 26")
			expect(t, "feedback weeks", admin.Post("/admin/outcomes/settings", url.Values{"weeks": {"4"}, "unit": {"PSU North"}}), http.StatusSeeOther)
			list, err := plans.Outcomes(ctx, in.App.DB)
			if err != nil || !contains(list, "Moved to another deanery") {
				t.Fatalf("outcomes %v (%v)", list, err)
			}
			closing := "/cases/" + sc.Ref + "/close"
			expect(t, "close form", a.Get(closing), http.StatusOK, "Moved to another deanery", "4 weeks after closing")
			expect(t, "close without outcome", a.Post(closing, url.Values{"reason": {"x"}}), http.StatusUnprocessableEntity, "Select the outcome")
			expect(t, "close with made-up outcome", a.Post(closing, url.Values{"outcome": {"Made up"}}), http.StatusUnprocessableEntity, "Select the outcome")
			expect(t, "close", a.Post(closing, url.Values{"outcome": {"Moved to another deanery"}, "reason": {"Gannet-ochre reason"}}), http.StatusSeeOther)
			c, err := in.App.Cases.Get(ctx, in.App.DB, sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != cases.Closed || c.Outcome != "Moved to another deanery" || c.ClosedAt.IsZero() {
				t.Errorf("closed case: %s %q %v", c.Status, c.Outcome, c.ClosedAt)
			}
			page := a.Get("/cases/" + sc.Ref)
			expect(t, "closed case page", page, http.StatusOK, "The trainee will be asked for feedback", "Feedback request to go on", "Gannet-ochre reason")
			var due time.Time
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT due_at FROM feedback_requests WHERE case_id = ?`, sc.ID), &due); err != nil {
				t.Fatal(err)
			}
			if d := due.Sub(c.ClosedAt); d != 4*7*24*time.Hour {
				t.Errorf("feedback due %v after closing, want 4 weeks", d)
			}
			expect(t, "close again", a.Post(closing, url.Values{"outcome": {"Moved to another deanery"}}), http.StatusConflict)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
