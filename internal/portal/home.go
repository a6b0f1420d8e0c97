package portal

import (
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// Progress is a case's status as the trainee reads it.
type Progress struct {
	Status string // in plain words
	Next   string // what happens next
	When   string // and when, if known
}

// london is the unit's time zone.
var london = workdays.London

func day(t time.Time) string { return t.In(london).Format("Monday 2 January 2006") }

// at is a moment in plain words, London time: "2 January 2006 at 15:04".
func at(t time.Time) string { return t.In(london).Format("2 January 2006 at 15:04") }

// ProgressOf words where c stands for its trainee; next is their next
// booked appointment, if any.
func ProgressOf(c *cases.Case, next *appointments.Appointment) Progress {
	switch c.Status {
	case cases.New, cases.Notified:
		p := Progress{Status: "We have your application", Next: "An adviser will read it and contact you to arrange a conversation."}
		if !c.ResponseDue.IsZero() {
			p.When = "We aim to contact you by " + day(c.ResponseDue) + "."
		}
		return p
	case cases.Contacted:
		return Progress{Status: "An adviser has been in touch", Next: "Your adviser will arrange a time to talk with you."}
	case cases.Booked:
		p := Progress{Status: "Your meeting is booked", Next: "Meet your adviser."}
		if next != nil {
			p.When = next.When() + "."
		}
		return p
	case cases.Seen:
		return Progress{Status: "You have met your adviser", Next: "Your adviser will send you a written summary of what you discussed and agreed."}
	case cases.SummarySent:
		return Progress{Status: "Your written summary is ready", Next: "Read your summary and work through your action plan."}
	case cases.FollowUp:
		p := Progress{Status: "Follow-up", Next: "Your adviser will check how things are going."}
		if next != nil {
			p.When = next.When() + "."
		}
		return p
	case cases.Closed:
		return Progress{Status: "Your support has finished", Next: "If you need us again, you can apply again at any time."}
	case cases.Withdrawn:
		return Progress{Status: "Your application was withdrawn", Next: "If you need us again, you can apply again at any time."}
	case cases.NotEligible:
		return Progress{Status: "We are not the right service for you", Next: "We have suggested other services that may help."}
	}
	return Progress{Status: "We have your application", Next: "We will be in touch."}
}

type homeData struct {
	Reference string
	Progress  Progress
	Adviser   string
	Flash     string
	Password  bool
}

// home is "My application": where it stands, what happens next and who the
// adviser is.
func (h *handlers) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	adviser, err := h.store.Cases.AdviserName(ctx, h.srv.DB, c)
	if err != nil && err != store.ErrNotFound {
		h.srv.ServerError(w, r, err)
		return
	}
	var next *appointments.Appointment
	if h.store.Appointments != nil {
		list, err := h.store.Appointments.ForCase(ctx, h.srv.DB, c)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		now := h.store.clock()
		for _, ap := range list {
			if ap.Status == appointments.Booked && !ap.Past(now) && (next == nil || ap.Start.Before(next.Start)) {
				next = ap
			}
		}
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.view", TargetType: "case", TargetID: c.ID, CaseID: c.ID})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, http.StatusOK, "portal/home.html", web.Page{Title: "Your support", Data: homeData{
		Reference: c.Reference, Progress: ProgressOf(c, next), Adviser: adviser, Flash: h.flash(r), Password: a.PasswordHash != ""}})
}
