package portal

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// ShareLimit bounds how many shares one trainee makes in a day.
var ShareLimit = ratelimit.Limit{N: 10, Window: 24 * time.Hour}

// Roles a trainee may pick for the person they share with.
var shareRoles = []struct{ Value, Label string }{
	{"educational-supervisor", "Educational supervisor"},
	{"clinical-supervisor", "Clinical supervisor"},
	{"training-programme-director", "Training programme director"},
	{"other", "Someone else"},
}

func roleLabel(v string) string {
	for _, r := range shareRoles {
		if r.Value == v {
			return r.Label
		}
	}
	return ""
}

// days is how long the trainee chose for the link: the default until they
// choose, 0 for an answer that is not a number.
func days(f *web.Form) int {
	v := f.Get("days")
	if v == "" {
		return sharing.DefaultDays
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0
	}
	return n
}

// shareView is what the share form and its check page show.
type shareView struct {
	Version int
	Issued  string
	Wording string
	Roles   []struct{ Value, Label string }
	// On the check page: the recipient as they will be named.
	Recipient sharing.Recipient
	// How long the link may work, in days: the choices and the one made.
	Days   []int
	Chosen int
}

// summaryVersion reads {n} from the address and checks c has issued it;
// it answers the request itself when not.
func (h *handlers) summaryVersion(w http.ResponseWriter, r *http.Request, c *cases.Case) (int, time.Time, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err == nil && n > 0 {
		var issued time.Time
		err = store.Scan(h.srv.DB.QueryRowContext(r.Context(), `SELECT issued_at FROM summaries WHERE case_id = ? AND version = ?`, c.ID, n), &issued)
		if err == nil {
			return n, issued, true
		}
		if !errors.Is(err, store.ErrNotFound) {
			h.srv.ServerError(w, r, err)
			return 0, time.Time{}, false
		}
	}
	h.srv.Error(w, r, http.StatusNotFound)
	return 0, time.Time{}, false
}

func (h *handlers) renderShare(w http.ResponseWriter, r *http.Request, status int, page string, n int, issued time.Time, f *web.Form) {
	wording, err := consent.Wording(r.Context(), h.srv.DB, consent.WordingShareSummary)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	role := roleLabel(f.Get("role"))
	if f.Get("role") == "other" {
		role = f.Get("role-other")
	}
	title := "Share your written summary"
	if page == "portal/share_check.html" {
		title = "Check before you share"
	}
	h.srv.Render(w, r, status, page, web.Page{Title: title, Form: f, Data: shareView{
		Version: n, Issued: day(issued), Wording: wording, Roles: shareRoles,
		Recipient: sharing.Recipient{Name: f.Get("name"), Role: role, Email: f.Get("email")},
		Days:      sharing.LinkDays, Chosen: days(f),
	}})
}

// shareForm asks who the trainee would like to share version {n} with.
func (h *handlers) shareForm(w http.ResponseWriter, r *http.Request) {
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	if n, issued, ok := h.summaryVersion(w, r, c); ok {
		h.renderShare(w, r, http.StatusOK, "portal/share.html", n, issued, web.NewForm(nil))
	}
}

// share takes the form in three steps, all posted here: "check" shows what
// will happen, "change" goes back to the form with everything kept, and
// "send" gives the consent and sends the link.
func (h *handlers) share(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	n, issued, ok := h.summaryVersion(w, r, c)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"name": r.PostForm["name"], "role": r.PostForm["role"], "role-other": r.PostForm["role-other"],
		"email": r.PostForm["email"], "days": r.PostForm["days"], "approve": r.PostForm["approve"]})
	step := r.PostForm.Get("step")
	if step == "change" {
		h.renderShare(w, r, http.StatusOK, "portal/share.html", n, issued, f)
		return
	}
	f.Require("name", "Enter the name of the person you want to share your summary with")
	f.Max("name", "Their name", 100)
	switch role := f.Get("role"); {
	case role == "":
		f.Fail("role", "Select their role")
	case roleLabel(role) == "":
		f.Fail("role", "Select one of the roles listed")
	case role == "other":
		f.Require("role-other", "Enter their role, for example ‘college tutor’")
		f.Max("role-other", "Their role", 100)
	}
	switch email := f.Get("email"); {
	case email == "":
		f.Fail("email", "Enter their e-mail address")
	case !mail.ValidAddress(email):
		f.Fail("email", "Enter their e-mail address in the correct format, like name@example.nhs.uk")
	}
	if !sharing.ValidDays(days(f)) {
		f.Fail("days", "Select how long the link should work")
	}
	if f.Get("approve") != "yes" {
		f.Fail("approve", "Tick the box to say you have read this version and agree to share it")
	}
	if !f.Valid() {
		h.renderShare(w, r, http.StatusUnprocessableEntity, "portal/share.html", n, issued, f)
		return
	}
	if step != "send" {
		h.renderShare(w, r, http.StatusOK, "portal/share_check.html", n, issued, f)
		return
	}
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "portal.share:account:" + a.ID, Limit: ShareLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, retry)
		f.Fail("name", "You have shared your summary many times today, so we have paused sharing for "+web.WaitWords(retry)+". Nothing you typed is lost.")
		h.renderShare(w, r, http.StatusTooManyRequests, "portal/share_check.html", n, issued, f)
		return
	}
	role := roleLabel(f.Get("role"))
	if f.Get("role") == "other" {
		role = f.Get("role-other")
	}
	rec := sharing.Recipient{Name: f.Get("name"), Role: role, Email: f.Get("email")}
	if _, err := h.store.Sharing.Share(ctx, c, n, rec, days(f)); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	// The flash lives in the session store, which is not sealed: no name.
	h.setFlash(r, "We have e-mailed the link to version "+strconv.Itoa(n)+" of your summary. You will see here each time it is opened.")
	http.Redirect(w, r, "/portal/shares", http.StatusSeeOther)
}

// ShareRow is one share as the trainee's page shows it.
type ShareRow struct {
	ConsentID string
	Name      string
	Role      string
	Email     string
	Version   int
	Shared    string
	State     string // in plain words: until when it works, or why it stopped
	Live      bool
	Opens     []string
}

// shares shows who the trainee has shared their summary with, each time it
// was opened, and a button to stop each share still working.
func (h *handlers) shares(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	list, err := h.store.Sharing.Shares(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	now := h.store.clock()
	rows := make([]ShareRow, 0, len(list))
	for _, sh := range list {
		row := ShareRow{ConsentID: sh.ConsentID, Name: sh.Recipient.Name, Role: sh.Recipient.Role, Email: sh.Recipient.Email,
			Version: sh.Version, Shared: at(sh.Created), Live: sh.Live(now)}
		switch {
		case !sh.Ended.IsZero():
			row.State = "You stopped sharing on " + at(sh.Ended) + ". The link no longer works."
		case !now.Before(sh.Expires):
			row.State = "The link expired on " + at(sh.Expires) + "."
		default:
			row.State = "The link works until " + at(sh.Expires) + "."
		}
		for _, o := range sh.Opens {
			what := "Opened"
			if o.What == "downloaded" {
				what = "Downloaded"
			}
			row.Opens = append(row.Opens, what+" on "+at(o.At))
		}
		rows = append(rows, row)
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.shares_viewed", TargetType: "case", TargetID: c.ID, CaseID: c.ID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/shares.html", web.Page{Title: "Who can see your summary", Data: struct {
		Rows  []ShareRow
		Flash string
	}{rows, h.flash(r)}})
}
