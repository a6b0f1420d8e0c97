package sharing

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/web"
)

// The pages of the person a trainee shared their summary with. The link in
// their e-mail alone opens nothing: each visit needs a one-time code sent
// to the same address, after which the session (not the address) carries
// the right to read, for RecipientLife. Every step asks the consent ledger
// again, so a withdrawal ends the link at once.

// RecipientLife is how long an opened share stays open in the recipient's
// browser.
const RecipientLife = 30 * time.Minute

// Session keys of an opened share.
const (
	keyShared   = "shared.link"
	keySharedAt = "shared.at"
)

// Limits on the recipient's pages.
var (
	CodeSendLimit = ratelimit.Limit{N: 5, Window: time.Hour}  // codes sent for one link
	CodeIPLimit   = ratelimit.Limit{N: 30, Window: time.Hour} // codes asked for or tried, per client
)

// sharedGone is the one answer to a link that is unknown, expired or
// withdrawn: the recipient learns nothing more.
func (h *handlers) sharedGone(w http.ResponseWriter, r *http.Request) {
	h.srv.Render(w, r, http.StatusGone, "sharing/gone.html", web.Page{Title: "This link is no longer available"})
}

// sharedStart is the page the e-mailed link opens: it names nobody, and
// offers to send the code.
func (h *handlers) sharedStart(w http.ResponseWriter, r *http.Request) {
	switch err := h.s.CheckShare(r.Context(), r.PathValue("token")); {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.srv.Render(w, r, http.StatusOK, "sharing/start.html", web.Page{Title: "Open a shared summary", Data: r.PathValue("token")})
	}
}

// sendCode e-mails a new one-time code to the address the link went to.
func (h *handlers) sendCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tok := r.PathValue("token")
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "shared.code:ip:" + h.clientIP(r), Limit: CodeIPLimit}, ratelimit.Check{Bucket: "shared.code:link:" + seal.TokenHash(tok), Limit: CodeSendLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f := web.NewForm(nil)
		f.Fail("code", "We have sent several codes for this link already, so we have paused sending more for "+web.WaitWords(retry)+". Use the newest code in your e-mail.")
		h.renderCode(w, r, http.StatusTooManyRequests, tok, f)
		return
	}
	switch err := h.s.SendCode(ctx, tok); {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		http.Redirect(w, r, "/shared/"+tok+"/code", http.StatusSeeOther)
	}
}

func (h *handlers) renderCode(w http.ResponseWriter, r *http.Request, status int, tok string, f *web.Form) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.srv.Render(w, r, status, "sharing/code.html", web.Page{Title: "Enter the code we sent", Form: f, Data: tok})
}

// codeForm asks for the code just sent.
func (h *handlers) codeForm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	switch err := h.s.CheckShare(r.Context(), tok); {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
	case err != nil:
		h.srv.ServerError(w, r, err)
	default:
		h.renderCode(w, r, http.StatusOK, tok, web.NewForm(nil))
	}
}

// checkCode opens the share for this browser when the code is right.
func (h *handlers) checkCode(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	tok := r.PathValue("token")
	f := web.NewForm(url.Values{"code": r.PostForm["code"]})
	code := strings.Join(strings.Fields(f.Get("code")), "")
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "shared.code:ip:" + h.clientIP(r), Limit: CodeIPLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	switch {
	case !allowed:
		web.RetryAfter(w, retry)
		f.Fail("code", "There have been many tries from this connection, so we have paused them for "+web.WaitWords(retry)+".")
		h.renderCode(w, r, http.StatusTooManyRequests, tok, f)
		return
	case code == "":
		f.Fail("code", "Enter the 6-digit code from the e-mail we sent")
	case len(code) != 6 || strings.Trim(code, "0123456789") != "":
		f.Fail("code", "The code is 6 digits, like 123456")
	}
	if !f.Valid() {
		h.renderCode(w, r, http.StatusUnprocessableEntity, tok, f)
		return
	}
	id, err := h.s.OpenShare(ctx, tok, code)
	switch {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
		return
	case errors.Is(err, ErrCodeWrong):
		f.Fail("code", "That code is not right. Check the newest e-mail from us and try again.")
	case errors.Is(err, ErrCodeSpent):
		f.Fail("code", "That code has expired or has been tried too many times. Send yourself a new code.")
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if !f.Valid() {
		h.renderCode(w, r, http.StatusUnprocessableEntity, tok, f)
		return
	}
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyShared, id)
	h.srv.Sessions.Put(ctx, keySharedAt, h.s.clock())
	http.Redirect(w, r, "/shared/summary", http.StatusSeeOther)
}

// openedShare is the share this browser opened with a code, if it is
// still within RecipientLife.
func (h *handlers) openedShare(r *http.Request) string {
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keyShared)
	if id == "" || h.s.clock().Sub(h.srv.Sessions.GetTime(ctx, keySharedAt)) > RecipientLife {
		return ""
	}
	return id
}

// sharedSummary shows the opened share: whose summary, which version, and
// the download.
func (h *handlers) sharedSummary(w http.ResponseWriter, r *http.Request) {
	id := h.openedShare(r)
	if id == "" {
		// Not a refusal of a role: the way in is the e-mailed link.
		h.srv.Render(w, r, http.StatusOK, "sharing/closed.html", web.Page{Title: "Open the link in your e-mail again"})
		return
	}
	s, err := h.s.Shared(r.Context(), id)
	switch {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.srv.Render(w, r, http.StatusOK, "sharing/summary.html", web.Page{Title: "A shared summary", Data: struct {
		Trainee string
		Version int
		Issued  string
		Expires string
	}{s.Trainee, s.Link.Version, londonDay(s.Issued), londonAt(s.Link.Expires)}})
}

// sharedPDF is the summary itself, for the opened share.
func (h *handlers) sharedPDF(w http.ResponseWriter, r *http.Request) {
	id := h.openedShare(r)
	if id == "" {
		http.Redirect(w, r, "/shared/summary", http.StatusSeeOther)
		return
	}
	n, pdf, err := h.s.SharedPDF(r.Context(), id)
	switch {
	case errors.Is(err, ErrShareGone):
		h.sharedGone(w, r)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="shared-summary-v`+strconv.Itoa(n)+`.pdf"`)
	w.Write(pdf)
}
