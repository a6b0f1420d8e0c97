// Package sharing is how a trainee's written summary reaches someone else,
// and only with their consent: the trainee names a person, a share_summary
// consent records who, which version and the words agreed to, and the
// person gets a link that expires and opens nothing without a one-time
// code sent to the same address. Every step asks the consent ledger again,
// so withdrawing the consent ends the link at once; every opening is kept
// for the trainee to see.
//
// The trainee's own pages (naming the person, the list of shares) are the
// portal's; this room holds the shares, the recipient's pages, and the
// sealed recipients of the ledger's consents.
package sharing

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

//go:embed templates
var templates embed.FS

// Store holds the shares.
type Store struct {
	DB     *store.DB
	Sealer *seal.Sealer
	Cases  *cases.Store
	// Plans gives the summaries' PDFs.
	Plans  *plans.Store
	Outbox *mail.Outbox
	// BaseURL starts the links in e-mails.
	BaseURL string
	now     func() time.Time
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now().UTC()
	}
	return store.Now()
}

func (s *Store) blind(email string) string { return referral.BlindEmail(s.Sealer, email) }

// SealRecipient seals r under c's key for the consent ledger, with the
// keyed hash of their address that matches them.
func (s *Store) SealRecipient(c *cases.Case, r Recipient) (blind string, sealed []byte, err error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return "", nil, err
	}
	blind = s.blind(r.Email)
	sealed, err = s.Cases.SealFor(c, string(raw), RecipientContext(c.ID, blind))
	return blind, sealed, err
}

// OpenRecipient opens the recipient of consent k of case c.
func (s *Store) OpenRecipient(c *cases.Case, k *consent.Consent) (Recipient, error) {
	var r Recipient
	raw, err := s.Cases.OpenFor(c, k.RecipientSealed, RecipientContext(c.ID, k.RecipientBlind))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, fmt.Errorf("sharing: recipient: %w", err)
	}
	return r, nil
}

type handlers struct {
	srv     *web.Server
	s       *Store
	limiter *ratelimit.Limiter
}

// Register adds the recipient's pages to srv, and ends a share's links
// whenever its consent is withdrawn, in the withdrawal's transaction.
func Register(srv *web.Server, s *Store, ledger *consent.Ledger, limiter *ratelimit.Limiter) error {
	pagesFS, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("sharing", pagesFS); err != nil {
		return err
	}
	h := &handlers{srv: srv, s: s, limiter: limiter}
	r := srv.Router
	r.Handle("GET /shared/{token}", web.Public, h.sharedStart)
	r.Handle("POST /shared/{token}", web.Public, h.sendCode)
	r.Handle("GET /shared/{token}/code", web.Public, h.codeForm)
	r.Handle("POST /shared/{token}/code", web.Public, h.checkCode)
	r.Handle("GET /shared/summary", web.Public, h.sharedSummary)
	r.Handle("GET /shared/summary.pdf", web.Public, h.sharedPDF)
	ledger.OnWithdraw = append(ledger.OnWithdraw, s.endShares)
	return nil
}

func (h *handlers) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.srv.Config.TrustedProxies).String()
}

// london is the unit's time zone.
var london = workdays.London

func londonDay(t time.Time) string { return t.In(london).Format("Monday 2 January 2006") }
func londonAt(t time.Time) string  { return t.In(london).Format("2 January 2006 at 15:04") }
