package application

import (
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

type savedView struct {
	Email, Until, Continue string
	Flash                  *flashMessage
	Verified               bool
}

func (h *handlers) renderSaved(w http.ResponseWriter, r *http.Request, status int, d *Draft, f *web.Form) {
	h.srv.Render(w, r, status, "application/saved.html", web.Page{Title: "Your answers are saved", Form: f, Data: savedView{
		Email: d.Email, Until: d.ExpiresAt.In(london).Format("2 January 2006"), Continue: resumePoint(d),
		Flash: h.flash(r.Context(), d), Verified: d.EmailVerified,
	}})
}

// savedPage says the answers are kept, for how long, and how to come back.
func (h *handlers) savedPage(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	h.renderSaved(w, r, http.StatusOK, d, web.NewForm(nil))
}

// sendLink e-mails a new link to come back to the draft.
func (h *handlers) sendLink(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if d.Email == "" {
		http.Redirect(w, r, sectionPath("email"), http.StatusSeeOther)
		return
	}
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: draftMailBucket(d.ID), Limit: DraftMailLimit}, ratelimit.Check{Bucket: mailBucket(h.clientIP(r)), Limit: MailLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f := web.NewForm(url.Values{})
		f.Fail("send-link", "We have sent several links in the last hour, so we cannot send another yet. Try again in "+web.WaitWords(retry)+". Your answers are saved.")
		h.renderSaved(w, r, http.StatusTooManyRequests, d, f)
		return
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error { return h.sendLinkMail(ctx, tx, d, !d.EmailVerified) }); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.setFlash(ctx, flashLinkResent, "")
	http.Redirect(w, r, "/apply/saved", http.StatusSeeOther)
}
