package portal

import (
	"errors"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// EventRearrange is the timeline entry of a trainee asking to move an
// appointment: the adviser sees it on the case; nothing is changed.
const EventRearrange = "rearrange_asked"

func init() { cases.LabelSealed(EventRearrange, "In their words") }

// MaxRearrange bounds the note a trainee adds to a request to rearrange.
const MaxRearrange = 1000

// AppointmentRow is one appointment as the trainee sees it.
type AppointmentRow struct {
	ID       string
	When     string
	How      string
	Link     string // the join link, for a video call
	Status   string
	Upcoming bool
}

func statusWords(a *appointments.Appointment) string {
	switch a.Status {
	case appointments.Attended:
		return "Took place"
	case appointments.DidNotAttend:
		return "Missed"
	case appointments.Cancelled:
		return "Cancelled"
	}
	return "Booked"
}

// appointments lists the trainee's appointments, the next first.
func (h *handlers) appointments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	list, err := h.store.Appointments.ForCase(ctx, h.srv.DB, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	now := h.store.clock()
	rows := make([]AppointmentRow, 0, len(list))
	for _, a := range list {
		row := AppointmentRow{ID: a.ID, When: a.When(), How: appointments.TraineeHow(a), Status: statusWords(a),
			Upcoming: a.Status == appointments.Booked && !a.Past(now)}
		if a.How.Video() {
			row.Link = a.Link
		}
		rows = append(rows, row)
	}
	h.srv.Render(w, r, http.StatusOK, "portal/appointments.html", web.Page{Title: "Your appointments", Data: struct {
		Rows  []AppointmentRow
		Flash string
	}{rows, h.flash(r)}})
}

// appointment reads appointment {id} of the trainee's own case.
func (h *handlers) appointment(w http.ResponseWriter, r *http.Request) (*cases.Case, *appointments.Appointment, bool) {
	_, c, ok := h.trainee(w, r)
	if !ok {
		return nil, nil, false
	}
	a, err := h.store.Appointments.Get(r.Context(), h.srv.DB, c, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return nil, nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, nil, false
	}
	return c, a, true
}

// calendar is the trainee's own copy of an appointment, for their
// calendar. It goes to the trainee themselves, so it needs no consent, and
// it is audited like every download of case content.
func (h *handlers) calendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, a, ok := h.appointment(w, r)
	if !ok {
		return
	}
	ics, err := h.store.Appointments.TraineeDownload(ctx, c, a)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.appointment_download", TargetType: "appointment",
			TargetID: a.ID, CaseID: c.ID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="psu-appointment.ics"`)
	w.Write(ics)
}

func (h *handlers) renderRearrange(w http.ResponseWriter, r *http.Request, status int, a *appointments.Appointment, f *web.Form) {
	h.srv.Render(w, r, status, "portal/rearrange.html", web.Page{Title: "Ask to rearrange your appointment", Form: f, Data: struct {
		ID, When string
	}{a.ID, a.When()}})
}

func (h *handlers) rearrangeForm(w http.ResponseWriter, r *http.Request) {
	if _, a, ok := h.appointment(w, r); ok {
		h.renderRearrange(w, r, http.StatusOK, a, web.NewForm(nil))
	}
}

// errNotRearrangeable refuses a request to rearrange an appointment that
// is no longer booked, or is over.
var errNotRearrangeable = errors.New("portal: the appointment can no longer be rearranged")

// rearrange tells the adviser, on the case's timeline, that the trainee
// would like another time. The appointment stays as it is until the
// adviser moves it.
func (h *handlers) rearrange(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	c, a, ok := h.appointment(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"note": r.PostForm["note"]})
	note := f.Get("note")
	if utf8.RuneCountInString(note) > MaxRearrange {
		f.Fail("note", "Your note must be 1,000 characters or fewer")
	}
	if a.Status != appointments.Booked || a.Past(h.store.clock()) {
		f.Fail("note", "This appointment can no longer be rearranged here. Phone the unit if you need to talk about it.")
	}
	if !f.Valid() {
		h.renderRearrange(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	if note == "" {
		note = "(no note)"
	}
	err := h.store.Cases.TraineeAct(ctx, c.ID, "portal.rearrange_asked", func(tx *store.Tx, c *cases.Case) (string, string, error) {
		// Read again under the case's lock: the adviser may have moved or
		// cancelled it since the page was shown.
		now, err := h.store.Appointments.Get(ctx, tx, c, a.ID)
		if err != nil {
			return "", "", err
		}
		if now.Status != appointments.Booked || now.Past(h.store.clock()) {
			return "", "", errNotRearrangeable
		}
		return "appointment", a.ID, h.store.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventRearrange,
			Detail: "The trainee asked to rearrange the appointment on " + now.When()}, note)
	})
	switch {
	case errors.Is(err, cases.ErrCaseEnded), errors.Is(err, errNotRearrangeable), errors.Is(err, store.ErrNotFound):
		f.Fail("note", "This appointment can no longer be rearranged here. Phone the unit if you need to talk about it.")
		h.renderRearrange(w, r, http.StatusUnprocessableEntity, a, f)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	h.setFlash(r, "We have told your adviser you would like another time. Your appointment stays as it is until they contact you.")
	http.Redirect(w, r, "/portal/appointments", http.StatusSeeOther)
}
