// Package portal is the trainee's side of psu: signing in with the
// address of their application (a single-use e-mailed link, or a password
// they chose), their application's progress in plain words, and the
// consents they gave, each with its words and a button to withdraw it.
//
// A trainee is not a member of staff: the portal's session key is its own,
// the grant is web.Client, and a request from a signed-in member of staff
// never gets it.
package portal

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates
var templates embed.FS

// Session keys: the portal's own, never read by staff sign-in.
const (
	keyAccount    = "portal.account"
	keySignedInAt = "portal.signed_in_at"
	keyFlash      = "portal.flash"
)

// SessionLife is how long a trainee stays signed in without signing in
// again, whatever the session's own idle limit.
const SessionLife = 2 * time.Hour

// Limits on what the sign-in pages do.
var (
	LinkIPLimit       = ratelimit.Limit{N: 20, Window: time.Hour} // links asked for, per client
	LinkEmailLimit    = ratelimit.Limit{N: 3, Window: time.Hour}  // links asked for one address
	PasswordIPLimit   = ratelimit.Limit{N: 20, Window: time.Hour} // password attempts, per client
	PasswordUserLimit = ratelimit.Limit{N: 10, Window: time.Hour} // password attempts, per address
)

type handlers struct {
	srv     *web.Server
	gate    *cases.Gate
	panel   *template.Template
	store   *Store
	ledger  *consent.Ledger
	limiter *ratelimit.Limiter
	argon   auth.Argon2
}

// Register adds the portal's pages to srv. ledger withdraws consents (its
// hooks are the other rooms').
func Register(srv *web.Server, gate *cases.Gate, s *Store, ledger *consent.Ledger, limiter *ratelimit.Limiter, argon auth.Argon2) error {
	pagesFS, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("portal", pagesFS); err != nil {
		return err
	}
	panel, err := template.ParseFS(templates, "templates/panel/panel.html")
	if err != nil {
		return err
	}
	h := &handlers{srv: srv, gate: gate, panel: panel, store: s, ledger: ledger, limiter: limiter, argon: argon}
	gate.AddPanel(cases.Panel{Order: 60, Render: h.renderPanel})
	gate.AddMessage(msg2FARemoved, "The trainee's authenticator app is removed. They can sign in with a link sent to their e-mail address.")
	srv.AddGrant(h.grant)
	srv.RedirectDenied(web.Client, "/portal/sign-in")

	r := srv.Router
	r.Handle("GET /portal/sign-in", web.Public, h.signInForm)
	r.Handle("POST /portal/sign-in/link", web.Public, h.requestLink)
	r.Handle("POST /portal/sign-in/password", web.Public, h.signInPassword)
	r.Handle("GET /portal/sign-in/code", web.Public, h.signInCodeForm)
	r.Handle("POST /portal/sign-in/code", web.Public, h.signInCode)
	r.Handle("GET /portal/sign-in/{token}", web.Public, h.linkPage)
	r.Handle("POST /portal/sign-in/{token}", web.Public, h.useLink)
	r.Handle("POST /portal/sign-out", web.Client, h.signOut)
	r.Handle("GET /portal", web.Client, h.home)
	r.Handle("GET /portal/password", web.Client, h.passwordForm)
	r.Handle("POST /portal/password", web.Client, h.setPassword)
	r.Handle("GET /portal/two-step", web.Client, h.twoStepPage)
	r.Handle("POST /portal/two-step", web.Client, h.twoStepOn)
	r.Handle("POST /portal/two-step/off", web.Client, h.twoStepOff)
	r.Handle("GET /portal/appointments", web.Client, h.appointments)
	r.Handle("GET /portal/appointments/{id}/calendar.ics", web.Client, h.calendar)
	r.Handle("GET /portal/appointments/{id}/rearrange", web.Client, h.rearrangeForm)
	r.Handle("POST /portal/appointments/{id}/rearrange", web.Client, h.rearrange)
	r.Handle("GET /portal/summaries", web.Client, h.summaries)
	r.Handle("GET /portal/summaries/{n}/summary.pdf", web.Client, h.summaryPDF)
	r.Handle("GET /portal/plan", web.Client, h.plan)
	r.Handle("POST /portal/plan/actions/{id}", web.Client, h.markAction)
	r.Handle("POST /portal/plan/note", web.Client, h.planNote)
	r.Handle("GET /portal/documents", web.Client, h.documents)
	r.Handle("POST /portal/documents", web.Client, h.addDocument, web.MaxBody(application.MaxFileSize+1<<20))
	r.Handle("GET /portal/consents", web.Client, h.consents)
	r.Handle("POST /portal/consents/{id}/withdraw", web.Client, h.withdraw)
	r.Handle("GET /portal/summaries/{n}/share", web.Client, h.shareForm)
	r.Handle("POST /portal/summaries/{n}/share", web.Client, h.share)
	r.Handle("GET /portal/shares", web.Client, h.shares)
	r.Handle("POST /portal/referrers/{id}/tell", web.Client, h.tellReferrer)
	r.Handle("GET /portal/my-data", web.Client, h.myDataPage)
	r.Handle("GET /portal/my-data/psu-my-data.json", web.Client, h.myDataJSON)
	r.Handle("GET /portal/my-data/psu-my-data.zip", web.Client, h.myDataZip)
	r.Handle("POST /portal/my-data/erase", web.Client, h.askErasure)

	// Staff, on the case page.
	r.Handle("POST /cases/{ref}/portal/authenticator/remove", web.Adviser, h.removeAuthenticator)

	return nil
}

// grant gives web.Client to a request whose session holds a portal
// sign-in that is still fresh, and never to a member of staff.
func (h *handlers) grant(r *http.Request, p *web.Principal) error {
	if !strings.HasPrefix(r.URL.Path, "/portal") || p.SignedIn() {
		return nil
	}
	ctx := r.Context()
	id := h.srv.Sessions.GetString(ctx, keyAccount)
	if id == "" {
		return nil
	}
	at := h.srv.Sessions.GetTime(ctx, keySignedInAt)
	if h.store.clock().Sub(at) > SessionLife {
		h.srv.Sessions.Remove(ctx, keyAccount)
		return nil
	}
	p.Grant(web.Client)
	return nil
}

// trainee is the signed-in trainee's account and case. It answers the
// request itself (and returns false) when either has gone.
func (h *handlers) trainee(w http.ResponseWriter, r *http.Request) (*Account, *cases.Case, bool) {
	ctx := r.Context()
	a, err := h.store.Account(ctx, h.srv.DB, h.srv.Sessions.GetString(ctx, keyAccount))
	if err == nil {
		var c *cases.Case
		if c, err = h.store.Cases.Get(ctx, h.srv.DB, a.CaseID); err == nil {
			return a, c, true
		}
	}
	h.srv.Sessions.Remove(ctx, keyAccount)
	// An account that has gone (its record erased) is signed out calmly.
	if errors.Is(err, store.ErrNotFound) {
		http.Redirect(w, r, "/portal/sign-in", http.StatusSeeOther)
		return nil, nil, false
	}
	h.srv.ServerError(w, r, err)
	return nil, nil, false
}

// signIn ties the session to account a: a new session token, so a token
// seen before signing in is worth nothing after.
func (h *handlers) signIn(ctx context.Context, a *Account, how string, r *http.Request) error {
	if err := h.srv.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.srv.Sessions.Put(ctx, keyAccount, a.ID)
	h.srv.Sessions.Put(ctx, keySignedInAt, h.store.clock())
	return h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET last_sign_in_at = ? WHERE id = ?`, h.store.clock(), a.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.sign_in", TargetType: "case",
			TargetID: a.CaseID, CaseID: a.CaseID, Detail: how})
	})
}

func (h *handlers) setFlash(r *http.Request, msg string) {
	h.srv.Sessions.Put(r.Context(), keyFlash, msg)
}
func (h *handlers) flash(r *http.Request) string {
	return h.srv.Sessions.PopString(r.Context(), keyFlash)
}

func (h *handlers) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.srv.Config.TrustedProxies).String()
}
