package portal

import (
	"errors"
	"net/http"

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
		row := ConsentRow{ID: k.ID, What: k.Purpose.Phrase(), Wording: k.WordingText,
			Given: k.GivenAt.In(london).Format("2 January 2006 at 15:04"), Channel: channelWords(k.Channel)}
		if !k.Current() {
			row.Withdrawn = k.WithdrawnAt.In(london).Format("2 January 2006 at 15:04")
		}
		rows = append(rows, row)
	}
	h.srv.Render(w, r, http.StatusOK, "portal/consents.html", web.Page{Title: "Your consents", Data: struct {
		Rows  []ConsentRow
		Flash string
	}{rows, h.flash(r)}})
}

// withdraw ends one of the trainee's consents at once.
func (h *handlers) withdraw(w http.ResponseWriter, r *http.Request) {
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
	h.setFlash(r, "You have withdrawn your consent: "+k.Purpose.Phrase()+". It has stopped from now.")
	http.Redirect(w, r, "/portal/consents", http.StatusSeeOther)
}
