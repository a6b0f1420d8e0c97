package portal

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// ConsentRow is one consent as the trainee sees it.
type ConsentRow struct {
	ID        string
	What      string
	Wording   string
	Given     string
	Channel   string
	Withdrawn string // "" while current
	Spent     bool   // used once and for all (the referrer's e-mail has gone)
}

func channelWords(c consent.Channel) string {
	if c == consent.ChannelApplication {
		return "on your application form"
	}
	return "on this website"
}

// consents lists every consent the trainee gave, with the words they saw,
// when, and a button to withdraw each one still in force.
func (h *handlers) consents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	list, err := consent.List(ctx, h.srv.DB, c.ID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	rows := make([]ConsentRow, 0, len(list))
	for _, k := range list {
		row := ConsentRow{ID: k.ID, What: k.Purpose.Phrase(), Wording: k.WordingText, Given: at(k.GivenAt), Channel: channelWords(k.Channel)}
		if k.Purpose == consent.ShareSummary {
			rec, err := h.store.Sharing.OpenRecipient(c, &k)
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			row.What = "Share version " + strconv.Itoa(k.Version) + " of your summary with " + rec.Name + " (" + rec.Role + ", " + rec.Email + ")"
		}
		row.Spent = k.Purpose == consent.TellReferrer
		if !k.Current() {
			row.Withdrawn = at(k.WithdrawnAt)
		}
		rows = append(rows, row)
	}
	referrers, err := h.store.referrers(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/consents.html", web.Page{Title: "Your consents", Data: struct {
		Rows      []ConsentRow
		Referrers []ReferrerRow
		Flash     string
	}{rows, referrers, h.flash(r)}})
}

// withdraw ends one of the trainee's consents at once.
func (h *handlers) withdraw(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var k *consent.Consent
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if k, err = consent.Get(ctx, tx, c.ID, id); err != nil {
			return err
		}
		done, err := h.ledger.Withdraw(ctx, tx, c.ID, id)
		if err != nil || !done {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "consent.withdrawn", TargetType: "consent",
			TargetID: id, CaseID: c.ID, Detail: string(k.Purpose)})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if k.Purpose == consent.ShareSummary && r.PostForm.Get("from") == "shares" {
		h.setFlash(r, "You have stopped sharing. The link no longer works, from now.")
		http.Redirect(w, r, "/portal/shares", http.StatusSeeOther)
		return
	}
	h.setFlash(r, "You have withdrawn your consent: "+k.Purpose.Phrase()+". It has stopped from now.")
	http.Redirect(w, r, "/portal/consents", http.StatusSeeOther)
}
