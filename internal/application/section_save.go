package application

import (
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// saveSection saves a page to the draft, exactly as typed and whether or not
// it passes its checks, then moves on, or shows the page again with what to
// fix. Saving the e-mail page sends a link to confirm the address.
func (h *handlers) saveSection(s *section) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.srv.ParseForm(w, r) {
			return
		}
		d, ok := h.draft(w, r)
		if !ok || !h.admitted(w, r, d) {
			return
		}
		ctx := r.Context()
		ret := r.URL.Query().Get("return") == "check"
		f := web.NewForm(keep(r.PostForm, s.formNames()))
		var a Application
		s.read(s, reader{f: f, now: time.Now()}, d, &a)

		changed := s.Slug == "email" && f.Valid() && normaliseEmail(a.Email) != normaliseEmail(d.Email)
		if changed && !h.mayChangeEmail(ctx, d) {
			f.Fail("email", "You confirmed your e-mail address in another browser or on another device, so it can only be changed there. "+
				"To change it here, first open a new link sent to your confirmed address on this device: choose ‘Send me a new link’ on the next page.")
			h.renderSection(w, r, http.StatusForbidden, s, d, f, ret)
			return
		}
		sendLink, wait := false, time.Duration(0)
		if s.Slug == "email" && f.Valid() && (changed || !d.EmailVerified) {
			allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: draftMailBucket(d.ID), Limit: DraftMailLimit}, ratelimit.Check{Bucket: mailBucket(h.clientIP(r)), Limit: MailLimit})
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			sendLink, wait = allowed, retry
		}
		d, err := h.store.UpdateDraft(ctx, d.ID, func(tx *store.Tx, d *Draft) error {
			d.setPage(s.Slug, f.Values, f.Valid())
			if changed && d.EmailVerified {
				if err := h.sendChangedMail(ctx, tx, d.Email); err != nil {
					return err
				}
			}
			if s.Slug == "email" && f.Valid() {
				d.Email = a.Email
			}
			if sendLink {
				return h.sendLinkMail(ctx, tx, d, true)
			}
			return nil
		})
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		switch {
		case sendLink:
			h.setFlash(ctx, flashLinkSent, "")
		case wait > 0:
			h.setFlash(ctx, flashLinkWait, web.WaitWords(wait))
		}
		if r.PostForm.Get("later") != "" {
			http.Redirect(w, r, "/apply/saved", http.StatusSeeOther)
			return
		}
		if !f.Valid() {
			h.renderSection(w, r, http.StatusUnprocessableEntity, s, d, f, ret)
			return
		}
		http.Redirect(w, r, next(d, s.Slug, ret), http.StatusSeeOther)
	}
}
