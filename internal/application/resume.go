package application

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// resumeRequestForm asks for the address an application was started with.
func (h *handlers) resumeRequestForm(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusOK, "application/resume_request.html", web.Page{Title: "Get a link to carry on with your application", Form: web.NewForm(nil)})
}

// resumeRequest sends a new link to the most recent draft for an address.
// The answer is the same whether or not there is one, so the page cannot
// be used to find out who has applied.
func (h *handlers) resumeRequest(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(keep(r.PostForm, []string{"email"}))
	email := normaliseEmail(f.Get("email"))
	switch {
	case email == "":
		f.Fail("email", "Enter the e-mail address you gave in your application")
	case !mail.ValidAddress(email):
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.com")
	}
	if !f.Valid() {
		h.srv.Render(w, r, http.StatusUnprocessableEntity, "application/resume_request.html", web.Page{Title: "Get a link to carry on with your application", Form: f})
		return
	}
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: mailBucket(h.clientIP(r)), Limit: MailLimit},
		ratelimit.Check{Bucket: "application.resume:email:" + h.store.EmailBlind(email), Limit: ResumeEmailLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f.Fail("email", "We have sent several links in the last hour, so we cannot send another yet. Try again in "+web.WaitWords(retry)+". Your answers are still saved.")
		h.srv.Render(w, r, http.StatusTooManyRequests, "application/resume_request.html", web.Page{Title: "Get a link to carry on with your application", Form: f})
		return
	}
	id, err := h.store.LatestDraftFor(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	default:
		err = h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
			d, err := h.store.Draft(ctx, tx, id)
			if err != nil {
				return err
			}
			return h.sendLinkMail(ctx, tx, d, false)
		})
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	h.srv.Render(w, r, http.StatusOK, "application/resume_sent.html", web.Page{Title: "Check your e-mail", Data: email})
}

// linkProblem explains why an e-mailed link no longer works.
func (h *handlers) linkProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, title, body := http.StatusNotFound, "This link does not work", "The link may have been copied only in part, or the application it belonged to has been sent or deleted."
	switch {
	case errors.Is(err, ErrLinkUsed):
		status, title, body = http.StatusGone, "This link has already been used", "Each link works once, to keep your application private."
	case errors.Is(err, ErrLinkExpired):
		status, title, body = http.StatusGone, "This link has expired", "Links work for 7 days, and unfinished applications are kept for 30 days after they were last saved."
	case !errors.Is(err, store.ErrNotFound):
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, status, "application/link_problem.html", web.Page{Title: title, Data: struct{ Body string }{body}})
}

// resumeLinkPage asks the person to confirm before the link is spent, so a
// mail scanner that follows links cannot use it up.
func (h *handlers) resumeLinkPage(w http.ResponseWriter, r *http.Request) {
	if err := h.store.CheckLink(r.Context(), r.PathValue("token")); err != nil {
		h.linkProblem(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "application/resume_link.html", web.Page{Title: "Carry on with your application",
		Data: "/apply/resume/" + url.PathEscape(r.PathValue("token"))})
}

// resumeLink spends the link: it confirms the address and ties the draft to
// this browser.
func (h *handlers) resumeLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := h.store.UseLink(ctx, r.PathValue("token"), h.newVerifier(ctx))
	if err != nil {
		h.linkProblem(w, r, err)
		return
	}
	d, err := h.store.Draft(ctx, h.srv.DB, id)
	if err != nil {
		h.linkProblem(w, r, err)
		return
	}
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyDraft, d.ID)
	h.srv.Sessions.Remove(ctx, keySubmitted)
	h.setFlash(ctx, flashWelcome, "")
	http.Redirect(w, r, resumePoint(d), http.StatusSeeOther)
}
