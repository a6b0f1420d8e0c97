package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/store"
)

// A referrer's notice stays the trainee's business: the referrer is told
// nothing unless the trainee asks, and then only that they are in touch.

// ReferrerRow is one person who recommended the unit to the trainee, as
// the consents page shows them.
type ReferrerRow struct {
	ID      string
	Who     string // name, role and organisation
	When    string // when they told the unit
	Told    string // when the trainee had them told; "" if not
	Wording string
}

// referrers lists who recommended the unit to the trainee of c, and whether
// each has been told.
func (s *Store) referrers(ctx context.Context, c *cases.Case) ([]ReferrerRow, error) {
	list, err := referral.ForCase(ctx, s.DB, s.Sealer, c.ID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	told := map[string]time.Time{}
	given, err := consent.List(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range given {
		if k.Purpose == consent.TellReferrer {
			told[k.RecipientBlind] = k.GivenAt
		}
	}
	wording, err := consent.Wording(ctx, s.DB, consent.WordingTellReferrer)
	if err != nil {
		return nil, err
	}
	var out []ReferrerRow
	for _, r := range list {
		who := r.ReferrerName
		if r.ReferrerRole != "" {
			who += ", " + r.ReferrerRole
		}
		if r.ReferrerOrganisation != "" {
			who += ", " + r.ReferrerOrganisation
		}
		row := ReferrerRow{ID: r.ID, Who: who, When: day(r.CreatedAt), Wording: wording}
		if t, ok := told[s.blind(r.ReferrerEmail)]; ok {
			row.Told = at(t)
		}
		out = append(out, row)
	}
	return out, nil
}

// errToldAlready: the referrer has been told before.
var errToldAlready = errors.New("portal: the referrer has been told already")

// TellReferrer records the trainee's consent and, through the ledger,
// e-mails referrer id of c that the trainee is in touch: once.
func (s *Store) TellReferrer(ctx context.Context, c *cases.Case, id string) error {
	list, err := referral.ForCase(ctx, s.DB, s.Sealer, c.ID)
	if err != nil {
		return err
	}
	var r *referral.Referral
	for i := range list {
		if list[i].ID == id {
			r = &list[i]
		}
	}
	if r == nil {
		return store.ErrNotFound
	}
	blind, sealed, err := s.Sharing.SealRecipient(c, sharing.Recipient{Name: r.ReferrerName, Role: r.ReferrerRole, Email: r.ReferrerEmail})
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		var n int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM consents WHERE case_id = ? AND purpose = 'tell_referrer' AND recipient_blind = ?`,
			c.ID, blind), &n); err != nil {
			return err
		}
		if n > 0 {
			return errToldAlready
		}
		if _, err := consent.Give(ctx, tx, consent.Grant{CaseID: c.ID, Purpose: consent.TellReferrer, RecipientBlind: blind, RecipientSealed: sealed,
			Wording: consent.WordingTellReferrer, Channel: consent.ChannelPortal, At: s.clock()}); err != nil {
			return err
		}
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return err
		}
		need := consent.Need{CaseID: c.ID, Purpose: consent.TellReferrer}
		if _, err := consent.Mail(ctx, tx, s.Outbox, need, mail.Message{
			Kind:    "referral.in_touch",
			To:      r.ReferrerEmail,
			Subject: "An update from the " + unit,
			Text: strings.Join([]string{
				"Thank you for recommending the Individual Support Team of the " + unit + " to someone in training, on " + day(r.CreatedAt) + ".",
				"",
				"The person you recommended is in touch with the unit, and has asked us to let you know. We cannot tell you anything more: what they tell us stays confidential.",
				"",
				unit,
			}, "\n"),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.referrer_told", TargetType: "referral", TargetID: r.ID, CaseID: c.ID})
	})
}

// tellReferrer asks the unit to tell referrer {id} that the trainee is in
// touch.
func (h *handlers) tellReferrer(w http.ResponseWriter, r *http.Request) {
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	switch err := h.store.TellReferrer(r.Context(), c, r.PathValue("id")); {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return
	case errors.Is(err, errToldAlready):
		h.setFlash(r, "We have already told them. We will not e-mail them again.")
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	default:
		h.setFlash(r, "We have e-mailed them to say you are in touch with the unit, and nothing more.")
	}
	http.Redirect(w, r, "/portal/consents", http.StatusSeeOther)
}
