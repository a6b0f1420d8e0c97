package editor

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// settingsPage is the editor's settings form.
type settingsPage struct {
	Flash    string
	Pair     []option
	Min, Max int
}

func settingsValues(rules Rules) url.Values {
	pair := "no"
	if rules.SecondPair {
		pair = "yes"
	}
	return url.Values{"second_pair": {pair}, "review_months": {strconv.Itoa(rules.ReviewMonths)}}
}

func (h *handlers) renderSettings(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	p := settingsPage{Min: MinReviewMonths, Max: MaxReviewMonths}
	if status == http.StatusOK {
		p.Flash = h.popFlash(r)
	}
	pair := f.Get("second_pair")
	p.Pair = []option{
		{Value: "no", Label: "No: whoever saves a draft may publish it", Selected: pair == "no"},
		{Value: "yes", Label: "Yes: someone else must publish it", Hint: "The person who saved a draft last cannot publish it. Marking a listing as checked needs no second person: it changes only the date.", Selected: pair == "yes"},
	}
	h.srv.Render(w, r, status, "editor/settings.html", web.Page{Title: "Directory settings", Form: f, Data: p})
}

// settingsForm is GET /admin/directory/settings.
func (h *handlers) settingsForm(w http.ResponseWriter, r *http.Request) {
	rules, err := LoadRules(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.renderSettings(w, r, http.StatusOK, web.NewForm(settingsValues(rules)))
}

// saveSettings is POST /admin/directory/settings.
func (h *handlers) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	var next Rules
	switch f.Get("second_pair") {
	case "yes":
		next.SecondPair = true
	case "no":
	default:
		f.Fail("second_pair", "Choose whether someone else must publish a draft")
	}
	months := f.Get("review_months")
	n, err := strconv.Atoi(months)
	switch {
	case months == "":
		f.Fail("review_months", fmt.Sprintf("Enter the number of months, from %d to %d", MinReviewMonths, MaxReviewMonths))
	case strings.Trim(months, "0123456789") != "":
		f.Fail("review_months", "Enter the number of months as a whole number, like 6")
	case err != nil:
		f.Fail("review_months", fmt.Sprintf("The number of months must be from %d to %d", MinReviewMonths, MaxReviewMonths))
	case n < MinReviewMonths || n > MaxReviewMonths:
		f.Fail("review_months", fmt.Sprintf("The number of months must be from %d to %d", MinReviewMonths, MaxReviewMonths))
	default:
		next.ReviewMonths = n
	}
	if !f.Valid() {
		h.renderSettings(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	who := web.PrincipalFrom(r)
	err = h.db.Tx(ctx, func(tx *store.Tx) error {
		if err := settings.Set(ctx, tx, KeySecondPair, strconv.FormatBool(next.SecondPair), who.UserID); err != nil {
			return err
		}
		if err := settings.Set(ctx, tx, KeyReviewMonths, strconv.Itoa(next.ReviewMonths), who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.settings", "settings", "directory",
			fmt.Sprintf("second pair of eyes %v, review after %d months", next.SecondPair, next.ReviewMonths)))
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.flash(r, "The directory settings are saved.")
	http.Redirect(w, r, Base+"/settings", http.StatusSeeOther)
}
