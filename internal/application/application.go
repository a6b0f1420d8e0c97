// Package application is the confidential self-referral to the Individual
// Support Team: an eligibility check (or the answers carried over from the
// checker), then one short page per topic, each saved to a sealed draft on
// the server; the applicant's e-mail address is confirmed early through a
// one-time link that also brings them back to the draft; documents are
// checked by content and stored sealed; "check your answers" leads to a
// submit that creates exactly one application, with a reference, a 14-day
// first-response deadline and a confirmation e-mail that says nothing
// sensitive.
//
// Applicants have no account. The right to carry on with a draft lives only
// in the session cookie: a session holding a live draft is granted
// web.Applicant, and nothing in any address grants it. Someone whose session
// has ended comes back through a one-time link e-mailed to the address they
// confirmed; a page they post after it ended is shown back to them to copy,
// never saved by a stranger's hand.
package application

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates
var templates embed.FS

// Session keys.
const (
	keyDraft     = "application.draft"     // the draft this browser is filling in
	keySubmitted = "application.submitted" // the application it sent, for the confirmation page
	keyFlash     = "application.flash"     // a one-off message for the next page
	keyVerifier  = "application.verifier"  // proves this session confirmed the draft's address
)

// Limits per client address (and per draft or address where it says so).
// A hospital's staff may share one address, so they are generous; each
// exists to stop a script, not a person.
var (
	StartLimit       = ratelimit.Limit{N: 30, Window: time.Hour}
	SubmitLimit      = ratelimit.Limit{N: 10, Window: time.Hour}
	UploadLimit      = ratelimit.Limit{N: 60, Window: time.Hour}
	MailLimit        = ratelimit.Limit{N: 20, Window: time.Hour} // links sent, per address
	DraftMailLimit   = ratelimit.Limit{N: 5, Window: time.Hour}  // links sent, per draft
	ResumeEmailLimit = ratelimit.Limit{N: 3, Window: time.Hour}  // new links asked for one e-mail address
)

// Rate-limit buckets.
func submitBucket(ip string) string    { return "application.submit:ip:" + ip }
func uploadBucket(ip string) string    { return "application.upload:ip:" + ip }
func startBucket(ip string) string     { return "application.start:ip:" + ip }
func mailBucket(ip string) string      { return "application.mail:ip:" + ip }
func draftMailBucket(id string) string { return "application.mail:draft:" + id }

// SubmitBucket is the bucket that counts submissions from ip, for tests
// that need to reach the limit.
func SubmitBucket(ip string) string { return submitBucket(ip) }

// UploadBucket is the bucket that counts uploads from ip.
func UploadBucket(ip string) string { return uploadBucket(ip) }

type handlers struct {
	srv     *web.Server
	store   *Store
	rules   *eligibility.Rules
	limiter *ratelimit.Limiter
}

// Register adds the application's pages to srv and grants web.Applicant to
// requests that hold a draft.
// intake (which may be nil) receives each application as it is submitted.
func Register(ctx context.Context, srv *web.Server, sealer *seal.Sealer, outbox *mail.Outbox, limiter *ratelimit.Limiter, intake Intake) error {
	pagesFS, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("application", pagesFS); err != nil {
		return err
	}
	// Decisions made inside /apply use the published rules, like the checker.
	if err := eligibility.SeedDefault(ctx, srv.DB); err != nil {
		return err
	}
	h := &handlers{srv: srv, store: &Store{DB: srv.DB, Sealer: sealer, Outbox: outbox, Intake: intake}, rules: eligibility.NewRules(srv.DB), limiter: limiter}
	srv.AddGrant(h.grant)
	// Someone whose session ended comes back through a new link; what they
	// posted after it ended is shown back to them, not saved.
	srv.RedirectDenied(web.Applicant, "/apply/resume")
	srv.HandleDeniedPost(web.Applicant, h.sessionEnded)

	r := srv.Router
	r.Handle("GET /apply", web.Public, h.startPage)
	r.Handle("POST /apply/start", web.Public, h.start)
	r.Handle("GET /apply/resume", web.Public, h.resumeRequestForm)
	r.Handle("POST /apply/resume", web.Public, h.resumeRequest)
	r.Handle("GET /apply/resume/{token}", web.Public, h.resumeLinkPage)
	r.Handle("POST /apply/resume/{token}", web.Public, h.resumeLink)
	r.Handle("GET /apply/sent", web.Public, h.confirmation)

	r.Handle("GET /apply/check/{question}", web.Applicant, h.questionForm)
	r.Handle("POST /apply/check/{question}", web.Applicant, h.answer)
	r.Handle("GET /apply/not-eligible", web.Applicant, h.notEligible)
	for _, s := range sections {
		if s.Slug == "documents" {
			continue
		}
		r.Handle("GET /apply/"+s.Slug, web.Applicant, h.sectionForm(s))
		r.Handle("POST /apply/"+s.Slug, web.Applicant, h.saveSection(s))
	}
	r.Handle("GET /apply/documents", web.Applicant, h.documents)
	r.Handle("POST /apply/documents", web.Applicant, h.upload, web.MaxBody(MaxFileSize+1<<20))
	r.Handle("POST /apply/documents/{id}/remove", web.Applicant, h.removeDocument)
	r.Handle("GET /apply/saved", web.Applicant, h.savedPage)
	r.Handle("POST /apply/saved", web.Applicant, h.sendLink)
	r.Handle("GET /apply/check-answers", web.Applicant, h.checkAnswers)
	r.Handle("POST /apply/submit", web.Applicant, h.submit)
	return nil
}

// grant gives web.Applicant to a request under /apply/ whose session holds
// a draft that is live or has been submitted (so a second click on "Send"
// finds the application rather than a refusal).
func (h *handlers) grant(r *http.Request, p *web.Principal) error {
	if !strings.HasPrefix(r.URL.Path, "/apply/") {
		return nil
	}
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keyDraft)
	if id == "" {
		return nil
	}
	held, err := h.store.DraftHeld(ctx, id)
	if err != nil {
		return err
	}
	if held {
		p.Grant(web.Applicant)
	}
	return nil
}

// draft loads the draft this request's session holds (the session is the
// only way to a draft). When there is none, it answers itself (the
// confirmation page if the draft was sent, else the start page) and ok is
// false.
func (h *handlers) draft(w http.ResponseWriter, r *http.Request) (d *Draft, ok bool) {
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keyDraft)
	if id == "" {
		http.Redirect(w, r, "/apply", http.StatusSeeOther)
		return nil, false
	}
	d, err := h.store.Draft(ctx, h.srv.DB, id)
	if err == nil {
		return d, true
	}
	if !errors.Is(err, store.ErrNotFound) {
		h.srv.ServerError(w, r, err)
		return nil, false
	}
	if a, err := h.store.ApplicationByDraft(ctx, id); err == nil {
		h.srv.Sessions.Put(ctx, keySubmitted, a.ID)
		http.Redirect(w, r, "/apply/sent", http.StatusSeeOther)
		return nil, false
	}
	h.srv.Sessions.Remove(ctx, keyDraft)
	h.setFlash(ctx, flashNotFound, "")
	http.Redirect(w, r, "/apply", http.StatusSeeOther)
	return nil, false
}

// newVerifier gives this session a fresh random value and returns its
// SHA-256, which the draft keeps when a link confirms its address.
func (h *handlers) newVerifier(ctx context.Context) string {
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	h.srv.Sessions.Put(ctx, keyVerifier, v)
	return hashToken(v)
}

// mayChangeEmail reports whether this session may replace d's address: any
// session holding the draft while the address is unconfirmed, and only the
// session that confirmed it afterwards.
func (h *handlers) mayChangeEmail(ctx context.Context, d *Draft) bool {
	if !d.EmailVerified {
		return true
	}
	v := h.srv.Sessions.GetString(ctx, keyVerifier)
	return v != "" && d.emailVerifier != "" && subtle.ConstantTimeCompare([]byte(hashToken(v)), []byte(d.emailVerifier)) == 1
}

// admitted sends someone who has not passed the eligibility check to it
// (or to the page that explains why the service is not for them).
func (h *handlers) admitted(w http.ResponseWriter, r *http.Request, d *Draft) bool {
	switch {
	case d.Decision == nil:
		http.Redirect(w, r, questionPath(eligibility.NextQuestion(d.Eligibility)), http.StatusSeeOther)
		return false
	case !d.Decision.Eligible:
		http.Redirect(w, r, "/apply/not-eligible", http.StatusSeeOther)
		return false
	}
	return true
}

// applicable lists the sections that apply to d, in order.
func applicable(d *Draft) []*section {
	var out []*section
	for _, s := range sections {
		if s.applies(d) {
			out = append(out, s)
		}
	}
	return out
}

func sectionPath(slug string) string { return "/apply/" + slug }

// next is where to go after saving section slug.
func next(d *Draft, slug string, ret bool) string {
	if ret {
		return "/apply/check-answers"
	}
	ss := applicable(d)
	for i, s := range ss {
		if s.Slug == slug && i+1 < len(ss) {
			return sectionPath(ss[i+1].Slug)
		}
	}
	return "/apply/check-answers"
}

// previous is the back link of section slug.
func previous(d *Draft, slug string) string {
	ss := applicable(d)
	for i, s := range ss {
		if s.Slug == slug && i > 0 {
			return sectionPath(ss[i-1].Slug)
		}
	}
	return questionPath(lastAnswered(d.Eligibility))
}

// resumePoint is the first page still to do: the check, then the first
// section not yet done, then "check your answers".
func resumePoint(d *Draft) string {
	if d.Decision == nil {
		return questionPath(eligibility.NextQuestion(d.Eligibility))
	}
	if !d.Decision.Eligible {
		return "/apply/not-eligible"
	}
	for _, s := range applicable(d) {
		if !d.Done[s.Slug] && s.Slug != "documents" {
			return sectionPath(s.Slug)
		}
	}
	return "/apply/check-answers"
}

// Flash messages wait in the session as codes, never as text: sessions are
// not sealed, and a message naming an address or a file would leave it in
// the database (and in SQLite's write-ahead log) in plain text.
const (
	flashNotFound   = "not-found"
	flashLinkSent   = "link-sent"
	flashLinkResent = "link-resent"
	flashLinkWait   = "link-wait" // argument: how long to wait, in words
	flashUploaded   = "uploaded"
	flashRemoved    = "removed"
	flashWelcome    = "welcome"
)

func (h *handlers) setFlash(ctx context.Context, code, arg string) {
	h.srv.Sessions.Put(ctx, keyFlash, code+"|"+arg)
}

// flashMessage is a one-off message: Success when it confirms what the
// person just did (shown in the NHS.UK success style), otherwise
// information they need.
type flashMessage struct {
	Text    string
	Success bool
}

// flash returns the waiting message, worded for draft d (which may be nil),
// and forgets it; nil when there is none.
func (h *handlers) flash(ctx context.Context, d *Draft) *flashMessage {
	code, arg, _ := strings.Cut(h.srv.Sessions.PopString(ctx, keyFlash), "|")
	email := ""
	if d != nil {
		email = d.Email
	}
	done := func(text string) *flashMessage { return &flashMessage{Text: text, Success: true} }
	switch code {
	case flashNotFound:
		return &flashMessage{Text: "We could not find your application. Applications that are not sent are deleted 30 days after they were last saved. You can start again."}
	case flashLinkSent:
		return done("We have sent a link to " + email + ". Open it to confirm your e-mail address. You can carry on with your application in the meantime.")
	case flashLinkResent:
		return done("We have sent a new link to " + email + ".")
	case flashLinkWait:
		return &flashMessage{Text: "We saved your e-mail address, but we have already sent several links in the last hour, so we have not sent another. You can carry on, and ask for a new link in " + arg + " from the \"Save and come back later\" page."}
	case flashUploaded:
		return done("Your document has been uploaded.")
	case flashRemoved:
		return done("The document has been removed.")
	case flashWelcome:
		return done("Welcome back. Your e-mail address is confirmed, and your answers are as you left them.")
	}
	return nil
}

func (h *handlers) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.srv.Config.TrustedProxies).String()
}

// sendLink queues an e-mail with a new one-time link for d, within tx.
func (h *handlers) sendLinkMail(ctx context.Context, tx *store.Tx, d *Draft, first bool) error {
	tok, err := h.store.NewLink(ctx, tx, d)
	if err != nil {
		return err
	}
	unit, err := settings.UnitDetails(ctx, tx)
	if err != nil {
		return err
	}
	base := strings.TrimRight(h.srv.Config.BaseURL.String(), "/")
	intro := "You asked for a new link to the application you started with the Individual Support Team of the " + unit.Name + "."
	subject := "Your link to carry on with your form"
	if first {
		intro = "You started an application to the Individual Support Team of the " + unit.Name + " and gave us this e-mail address."
		subject = "Confirm your e-mail address"
	}
	_, err = h.store.Outbox.Enqueue(ctx, tx, mail.Message{
		Kind:    "application.link",
		To:      d.Email,
		Subject: subject,
		Text: intro + "\n\n" +
			"Open this link to confirm the address is yours and to carry on with your application, on this device or another:\n\n" +
			base + "/apply/resume/" + tok + "\n\n" +
			"The link works once, for 7 days. We keep your answers for 30 days after you last saved them. " +
			"For a new link, go to " + base + "/apply/resume\n\n" +
			"If you did not start an application, you can ignore this e-mail. Nothing else will happen.\n",
	})
	return err
}

// sendChangedMail tells a confirmed address that an application it was
// given for now has another address, so a person whose draft was changed
// by someone else finds out. It names neither address.
func (h *handlers) sendChangedMail(ctx context.Context, tx *store.Tx, old string) error {
	unit, err := settings.UnitDetails(ctx, tx)
	if err != nil {
		return err
	}
	base := strings.TrimRight(h.srv.Config.BaseURL.String(), "/")
	_, err = h.store.Outbox.Enqueue(ctx, tx, mail.Message{
		Kind:    "application.email_changed",
		To:      old,
		Subject: "The e-mail address on your application has changed",
		Text: "The e-mail address on the application you started with the Individual Support Team of the " + unit.Name + " " +
			"has just been changed to a different one. Links to carry on with the application now go only to the new address, once it is confirmed.\n\n" +
			"If you made this change, there is nothing more to do.\n\n" +
			"If you did not, someone else may be using the browser where you started your application. Contact us so we can help: " +
			base + "/contact\n",
	})
	return err
}
