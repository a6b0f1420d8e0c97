package appointments

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// bookView is what book.html shows, to book or to change.
type bookView struct {
	Case        *cases.Case
	Name        string
	Appointment *Appointment // nil when booking
	Action      string
	Rooms       []Room
	Hows        []How
	Target      string // the last day of the 2-week target
	Contacted   string // the day of first contact
	Adviser     string // whose diary: "" for the viewer's own
	Slots       []Slot // their weekly availability
	Warnings    []string
	Min, Max    int
}

func (h *handlers) renderBook(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, v cases.Viewer, a *Appointment, f *web.Form, warnings []string) {
	ctx := r.Context()
	view := bookView{Case: c, Appointment: a, Hows: Hows, Target: TargetDay(c), Warnings: warnings, Min: MinMinutes, Max: MaxMinutes,
		Action: cases.Path(c) + "/appointments/new"}
	if a != nil {
		view.Action = cases.Path(c) + "/appointments/" + url.PathEscape(a.ID) + "/change"
	}
	if !c.RespondedAt.IsZero() {
		view.Contacted = longDate(c.RespondedAt)
	}
	var err error
	if view.Name, err = h.store.Cases.Name(c); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if view.Rooms, err = h.store.Rooms(ctx, h.srv.DB, true); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	adviser := c.AssignedTo
	if a != nil {
		adviser = a.AdviserID
	}
	if adviser == "" {
		adviser = v.UserID
	}
	if adviser != v.UserID {
		if err := store.Scan(h.srv.DB.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, adviser), &view.Adviser); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if view.Slots, err = h.store.Availability(ctx, h.srv.DB, adviser); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	title := "Book an appointment"
	if a != nil {
		title = "Change the appointment"
	}
	h.srv.Render(w, r, status, "appointments/book.html", web.Page{Title: title, Form: f, Data: view})
}

// bookForm is the booking page, with an hour's length already filled in.
func (h *handlers) bookForm(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.gate.Open(w, r, "case.view", "appointment booking form")
	if !ok {
		return
	}
	h.renderBook(w, r, http.StatusOK, c, v, nil, web.NewForm(url.Values{"minutes": {strconv.Itoa(DefaultMinutes)}}), nil)
}

// book books the appointment, or shows the form again with what is wrong
// (422) or what to look at before booking anyway (a clash, a time outside
// the adviser's availability).
func (h *handlers) book(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	c, v, ok := h.gate.Act(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	b := readBooking(f)
	if !f.Valid() {
		h.renderBook(w, r, http.StatusUnprocessableEntity, c, v, nil, f, nil)
		return
	}
	res, err := h.store.Book(r.Context(), v, c.ID, b, f.Get("confirm"))
	if err != nil {
		h.bookFailed(w, r, c, v, nil, f, err)
		return
	}
	h.gate.Done(w, r, c, mailedCode("appointment-booked", res.Mailed))
}

// bookFailed answers a booking or change that did not go through.
func (h *handlers) bookFailed(w http.ResponseWriter, r *http.Request, c *cases.Case, v cases.Viewer, a *Appointment, f *web.Form, err error) {
	var ce *ConfirmError
	switch {
	case errors.As(err, &ce):
		f.Values.Set("confirm", ce.Token)
		h.renderBook(w, r, http.StatusOK, c, v, a, f, ce.Warnings)
	case errors.Is(err, errGone):
		h.notFound(w, r)
	default:
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) {
			fresh, err := h.store.Cases.Get(r.Context(), h.srv.DB, c.ID)
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			h.renderBook(w, r, status, fresh, v, a, f, nil)
		})
	}
}

func mailedCode(code string, mailed bool) string {
	if mailed {
		return code
	}
	return code + "-unmailed"
}

// appointment reads the appointment in the address, of case c, answering
// 404 itself when c has none by that id. Ask only once the person is known
// to be allowed the case, so a refusal says nothing about its appointments.
func (h *handlers) appointment(w http.ResponseWriter, r *http.Request, c *cases.Case) (*Appointment, bool) {
	a, err := h.store.Get(r.Context(), h.srv.DB, c, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
		return nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, false
	}
	return a, true
}

// changeForm is the booking page filled in with the appointment as it is.
func (h *handlers) changeForm(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.gate.Open(w, r, "case.view", "appointment change form")
	if !ok {
		return
	}
	a, ok := h.appointment(w, r, c)
	if !ok {
		return
	}
	h.renderBook(w, r, http.StatusOK, c, v, a, web.NewForm(bookingValues(a)), nil)
}

// change reschedules the appointment (or changes how it takes place) and
// sends the trainee the update.
func (h *handlers) change(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	c, v, ok := h.gate.Act(w, r)
	if !ok {
		return
	}
	a, ok := h.appointment(w, r, c)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	b := readBooking(f)
	if !f.Valid() {
		h.renderBook(w, r, http.StatusUnprocessableEntity, c, v, a, f, nil)
		return
	}
	res, err := h.store.Reschedule(r.Context(), v, c.ID, a.ID, b, f.Get("confirm"))
	if err != nil {
		h.bookFailed(w, r, c, v, a, f, err)
		return
	}
	h.gate.Done(w, r, c, mailedCode("appointment-changed", res.Mailed))
}
