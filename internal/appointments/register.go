package appointments

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates
var templates embed.FS

// handlers holds the appointment pages' dependencies.
type handlers struct {
	srv   *web.Server
	gate  *cases.Gate
	store *Store
	panel *template.Template
}

// messages are shown on the case page after an action; the session holds
// only their codes.
var messages = map[string]string{
	"appointment-booked":             "The appointment is booked. The trainee has been sent an invitation for their calendar.",
	"appointment-booked-unmailed":    "The appointment is booked. The trainee did not agree to e-mail about their case, so tell them another way.",
	"appointment-changed":            "The appointment has changed. The trainee has been sent the new details for their calendar.",
	"appointment-changed-unmailed":   "The appointment has changed. The trainee did not agree to e-mail about their case, so tell them another way.",
	"appointment-cancelled":          "The appointment is cancelled. The trainee has been sent the cancellation for their calendar.",
	"appointment-cancelled-unmailed": "The appointment is cancelled. The trainee did not agree to e-mail about their case, so tell them another way.",
	"appointment-cancelled-past":     "The appointment is recorded as cancelled.",
	"appointment-attended":           "The appointment is recorded as attended.",
	"appointment-missed":             "The appointment is recorded as missed, with the next step.",
}

// Register adds the appointment pages to srv and the appointments panel to
// every case page, reaching cases only through gate.
func Register(srv *web.Server, gate *cases.Gate, s *Store) error {
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("appointments", pages); err != nil {
		return err
	}
	panel, err := template.New("panel.html").Funcs(template.FuncMap{"tag": statusTag}).ParseFS(templates, "templates/panel/panel.html")
	if err != nil {
		return err
	}
	h := &handlers{srv: srv, gate: gate, store: s, panel: panel}
	for code, text := range messages {
		gate.AddMessage(code, text)
	}
	gate.AddPanel(cases.Panel{Order: 10, Render: h.renderPanel})

	r := srv.Router
	r.Handle("GET /cases/{ref}/appointments/new", web.Adviser, h.bookForm)
	r.Handle("POST /cases/{ref}/appointments/new", web.Adviser, h.book)
	r.Handle("GET /cases/{ref}/appointments/{id}/change", web.Adviser, h.changeForm)
	r.Handle("POST /cases/{ref}/appointments/{id}/change", web.Adviser, h.change)
	r.Handle("GET /cases/{ref}/appointments/{id}/cancel", web.Adviser, h.cancelForm)
	r.Handle("POST /cases/{ref}/appointments/{id}/cancel", web.Adviser, h.cancel)
	r.Handle("GET /cases/{ref}/appointments/{id}/outcome", web.Adviser, h.outcomeForm)
	r.Handle("POST /cases/{ref}/appointments/{id}/outcome", web.Adviser, h.outcome)
	r.Handle("GET /cases/{ref}/appointments/{id}/calendar", web.Adviser, h.download)
	r.Handle("GET /appointments/availability", web.Adviser, h.availability)
	r.Handle("POST /appointments/availability", web.Adviser, h.addSlot)
	r.Handle("POST /appointments/availability/{id}/remove", web.Adviser, h.removeSlot)
	r.Handle("GET /admin/rooms", web.Administrator, h.rooms)
	r.Handle("POST /admin/rooms", web.Administrator, h.addRoom)
	r.Handle("POST /admin/rooms/reminder", web.Administrator, h.saveReminder)
	r.Handle("GET /admin/rooms/{id}", web.Administrator, h.roomForm)
	r.Handle("POST /admin/rooms/{id}", web.Administrator, h.saveRoom)
	return nil
}

// notFound answers a missing appointment, room or slot.
func (h *handlers) notFound(w http.ResponseWriter, r *http.Request) {
	h.srv.Error(w, r, http.StatusNotFound)
}

// statusTag is the NHS.UK tag colour for an appointment status.
func statusTag(s Status) string {
	switch s {
	case Booked:
		return "nhsuk-tag--blue"
	case Attended:
		return "nhsuk-tag--green"
	case DidNotAttend:
		return "nhsuk-tag--orange"
	}
	return "nhsuk-tag--grey"
}
