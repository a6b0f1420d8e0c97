package application

import (
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

type startView struct {
	Continue string // the page to carry on from, when this browser holds a draft
	Flash    *flashMessage
	Region   string // where the unit works, as it set it; may be empty
}

// region is where the unit works, in words, from its settings.
func (h *handlers) region(r *http.Request) (string, error) {
	u, err := settings.UnitDetails(r.Context(), h.srv.DB)
	return u.Region, err
}

// startPage explains what applying involves and starts (or continues) a
// draft.
func (h *handlers) startPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	region, err := h.region(r)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := startView{Flash: h.flash(ctx, nil), Region: region}
	if id := h.srv.Sessions.GetString(ctx, keyDraft); id != "" {
		if d, err := h.store.Draft(ctx, h.srv.DB, id); err == nil {
			v.Continue = resumePoint(d)
		}
	}
	h.srv.Render(w, r, http.StatusOK, "application/start.html", web.Page{Title: "Apply for one-to-one support", Form: web.NewForm(nil), Data: v})
}

// start creates a draft and ties it to this browser's session. Answers the
// person gave the eligibility checker in this session are carried over.
func (h *handlers) start(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: startBucket(h.clientIP(r)), Limit: StartLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f := web.NewForm(url.Values{})
		region, err := h.region(r)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		f.Fail("start", "Many applications have been started from your internet connection in the last hour, so we have paused new ones for "+web.WaitWords(retry)+". If you have already started, use the link we e-mailed you. Otherwise, try again later.")
		h.srv.Render(w, r, http.StatusTooManyRequests, "application/start.html", web.Page{Title: "Apply for one-to-one support", Form: f, Data: startView{Region: region}})
		return
	}
	d := &Draft{}
	if a, sd, ok := eligibility.FromSession(ctx, h.srv.Sessions); ok {
		d.Eligibility = a
		d.Decision = &Decision{RuleID: sd.RuleID, RuleVersion: sd.RuleVersion, Eligible: sd.Eligible, Route: sd.Route}
	}
	if err := h.store.CreateDraft(ctx, d); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyDraft, d.ID)
	h.srv.Sessions.Remove(ctx, keySubmitted)
	http.Redirect(w, r, resumePoint(d), http.StatusSeeOther)
}
