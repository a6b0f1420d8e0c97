package application

import (
	"errors"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/web"
)

// honeypot is a field people never see or fill in; software that fills in
// every field does.
const honeypot = "website"

// submit sends the application. The draft becomes an application in one
// transaction; a second submit of the same draft (a double click, a second
// tab, a retry on a slow network) finds that application and shows its
// confirmation rather than creating another.
func (h *handlers) submit(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	if !h.admitted(w, r, d) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(nil)
	if r.PostForm.Get(honeypot) != "" {
		f.Fail(honeypot, "Leave the box labelled \u2018Leave this box empty\u2019 empty, then send your application again")
		h.renderCheckAnswers(w, r, http.StatusUnprocessableEntity, d, f)
		return
	}
	if _, problems := h.build(d, time.Now()); len(problems) > 0 {
		for _, p := range problems {
			f.Fail(p.Field, p.Message)
		}
		h.renderCheckAnswers(w, r, http.StatusUnprocessableEntity, d, f)
		return
	}
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: submitBucket(h.clientIP(r)), Limit: SubmitLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f.Fail("submit", "Many applications have been sent from your internet connection in the last hour, so we have paused sending for "+web.WaitWords(retry)+
			". Your application is saved but not sent yet: come back to this page and send it then. This can happen on a shared network, such as a hospital's.")
		h.renderCheckAnswers(w, r, http.StatusTooManyRequests, d, f)
		return
	}
	a, err := h.store.Submit(ctx, d.ID, func(d *Draft) (Application, error) {
		a, problems := h.build(d, time.Now())
		if len(problems) > 0 {
			return a, &incomplete{problems}
		}
		return a, nil
	})
	var inc *incomplete
	if errors.As(err, &inc) {
		for _, p := range inc.problems {
			f.Fail(p.Field, p.Message)
		}
		h.renderCheckAnswers(w, r, http.StatusUnprocessableEntity, d, f)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keySubmitted, a.ID)
	http.Redirect(w, r, "/apply/sent", http.StatusSeeOther)
}
