package appointments

import (
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/web"
)

// closeView is what cancel.html and outcome.html show.
type closeView struct {
	Case        *cases.Case
	Name        string
	Appointment *Appointment
	Past        bool // its time has come
	Mail        bool // the trainee agreed to e-mail about their case
	MaxReason   int
	MaxNextStep int
}

func (h *handlers) renderClose(w http.ResponseWriter, r *http.Request, status int, page, title string, c *cases.Case, a *Appointment, f *web.Form) {
	name, err := h.store.Cases.Name(c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, status, "appointments/"+page, web.Page{Title: title, Form: f, Data: closeView{Case: c, Name: name, Appointment: a,
		Past: a.Past(h.store.now()), Mail: c.ConsentCaseEmail, MaxReason: MaxReason, MaxNextStep: MaxNextStep}})
}

// closePage is the GET of the cancel and outcome pages.
func (h *handlers) closePage(page, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, _, ok := h.gate.Open(w, r, "case.view", "appointment "+page)
		if !ok {
			return
		}
		a, ok := h.appointment(w, r, c)
		if !ok {
			return
		}
		h.renderClose(w, r, http.StatusOK, page, title, c, a, web.NewForm(nil))
	}
}

func (h *handlers) cancelForm(w http.ResponseWriter, r *http.Request) {
	h.closePage("cancel.html", "Cancel the appointment")(w, r)
}

func (h *handlers) outcomeForm(w http.ResponseWriter, r *http.Request) {
	h.closePage("outcome.html", "Record how the appointment went")(w, r)
}

// closeAction runs a posted cancellation or outcome; do returns the
// message code to show on the case page.
func (h *handlers) closeAction(w http.ResponseWriter, r *http.Request, page, title string, do func(c *cases.Case, v cases.Viewer, a *Appointment) (string, error)) {
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
	code, err := do(c, v, a)
	switch {
	case errors.Is(err, errGone):
		h.notFound(w, r)
	case err != nil:
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) {
			if fresh, err := h.store.Get(r.Context(), h.srv.DB, c, a.ID); err == nil {
				a = fresh
			}
			h.renderClose(w, r, status, page, title, c, a, f)
		})
	default:
		h.gate.Done(w, r, c, code)
	}
}

// cancel records who called the appointment off and, while it is still to
// come, sends the trainee the cancellation.
func (h *handlers) cancel(w http.ResponseWriter, r *http.Request) {
	h.closeAction(w, r, "cancel.html", "Cancel the appointment", func(c *cases.Case, v cases.Viewer, a *Appointment) (string, error) {
		past := a.Past(h.store.now())
		mailed, err := h.store.Cancel(r.Context(), v, c.ID, a.ID, r.PostForm.Get("by"), r.PostForm.Get("reason"))
		if past {
			return "appointment-cancelled-past", err
		}
		return mailedCode("appointment-cancelled", mailed), err
	})
}

// outcome records whether the trainee attended.
func (h *handlers) outcome(w http.ResponseWriter, r *http.Request) {
	h.closeAction(w, r, "outcome.html", "Record how the appointment went", func(c *cases.Case, v cases.Viewer, a *Appointment) (string, error) {
		switch Status(r.PostForm.Get("outcome")) {
		case Attended:
			return "appointment-attended", h.store.Record(r.Context(), v, c.ID, a.ID, true, "")
		case DidNotAttend:
			return "appointment-missed", h.store.Record(r.Context(), v, c.ID, a.ID, false, r.PostForm.Get("next-step"))
		}
		return "", cases.Problem("outcome", "Select whether the trainee attended")
	})
}

// download sends the adviser the appointment for their own calendar: the
// same event as the trainee's invitation (UID, SEQUENCE), published. The
// view is recorded like any opening of the case.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "appointment.calendar.download", "appointment "+r.PathValue("id"))
	if !ok {
		return
	}
	a, ok := h.appointment(w, r, c)
	if !ok {
		return
	}
	ics, err := h.store.Download(r.Context(), c, a)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH")
	w.Header().Set("Content-Disposition", `attachment; filename="appointment-`+c.Reference+"-"+a.Start.In(london).Format("2006-01-02")+`.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(ics)
}
