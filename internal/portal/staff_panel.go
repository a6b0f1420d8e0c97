package portal

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// The trainee's page as staff see it, on the case page: whether the
// trainee uses it, and a way to remove their authenticator app when they
// have lost it. Staff see nothing the trainee did not mean them to, and
// cannot act as the trainee.

type panelView struct {
	Path       string
	HasAccount bool
	LastSignIn string
	TwoStep    bool
	Shares     int
}

const msg2FARemoved = "portal-2fa-removed"

func (h *handlers) renderPanel(ctx context.Context, c *cases.Case, v cases.Viewer) (template.HTML, error) {
	view := panelView{Path: cases.Path(c)}
	var id string
	err := store.Scan(h.srv.DB.QueryRowContext(ctx, `SELECT id FROM portal_accounts WHERE case_id = ?`, c.ID), &id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return "", err
	default:
		a, err := h.store.Account(ctx, h.srv.DB, id)
		if err != nil {
			return "", err
		}
		view.HasAccount, view.TwoStep = true, a.TwoStep()
		if !a.LastSignIn.IsZero() {
			view.LastSignIn = at(a.LastSignIn)
		}
		shares, err := h.store.Sharing.Shares(ctx, c)
		if err != nil {
			return "", err
		}
		view.Shares = len(shares)
	}
	var buf bytes.Buffer
	if err := h.panel.Execute(&buf, view); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// removeAuthenticator takes the authenticator app off the case's
// trainee's account, for a trainee who lost it; audited on the case.
func (h *handlers) removeAuthenticator(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.gate.Act(w, r)
	if !ok {
		return
	}
	err := h.store.Cases.Act(r.Context(), v, c.ID, "portal.2fa_removed_by_staff", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		_, err := tx.ExecContext(r.Context(), `UPDATE portal_accounts SET totp_secret = NULL WHERE case_id = ?`, c.ID)
		return "", err
	})
	if err != nil {
		h.gate.Failed(w, r, c, err, nil)
		return
	}
	h.gate.Done(w, r, c, msg2FARemoved)
}
