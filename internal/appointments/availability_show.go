package appointments

import (
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const keyFlash = "appointments.flash"

// availabilityView is what availability.html shows.
type availabilityView struct {
	Flash string
	Slots []Slot
	Days  []dayOption
}

type dayOption struct {
	Value int
	Label string
}

func days() []dayOption {
	out := make([]dayOption, 0, 7)
	for d := 1; d <= 7; d++ {
		out = append(out, dayOption{d, dayNames[d]})
	}
	return out
}

func (h *handlers) renderAvailability(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	v := h.gate.Viewer(r)
	slots, err := h.store.Availability(r.Context(), h.srv.DB, v.UserID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	view := availabilityView{Flash: h.srv.Sessions.PopString(r.Context(), keyFlash), Slots: slots, Days: days()}
	h.srv.Render(w, r, status, "appointments/availability.html", web.Page{Title: "Your weekly availability", Form: f, Data: view})
}

// availability shows the signed-in adviser's weekly availability.
func (h *handlers) availability(w http.ResponseWriter, r *http.Request) {
	h.renderAvailability(w, r, http.StatusOK, web.NewForm(nil))
}

// addSlot adds a stretch of availability.
func (h *handlers) addSlot(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	sl := readSlot(f)
	if f.Valid() {
		err := h.store.AddSlot(r.Context(), h.gate.Viewer(r), sl)
		var pe *cases.ProblemError
		switch {
		case errors.As(err, &pe):
			f.Fail(pe.Field, pe.Message)
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderAvailability(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.srv.Sessions.Put(r.Context(), keyFlash, "Added: "+sl.Day()+", "+sl.Span()+".")
	http.Redirect(w, r, "/appointments/availability", http.StatusSeeOther)
}

// removeSlot removes one of the adviser's own stretches of availability.
func (h *handlers) removeSlot(w http.ResponseWriter, r *http.Request) {
	err := h.store.RemoveSlot(r.Context(), h.gate.Viewer(r), r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(r.Context(), keyFlash, "Removed.")
	http.Redirect(w, r, "/appointments/availability", http.StatusSeeOther)
}
