package appointments

import (
	"bytes"
	"context"
	"html/template"
	"net/url"

	"github.com/psu-project/psu/internal/cases"
)

// panelView is the appointments part of the case page.
type panelView struct {
	Path         string // the case page
	Target       string // the last day of the 2-week target; "" before first contact
	Contacted    string
	Appointments []panelRow
	CanBook      bool
	Booked       bool // one is booked already
}

type panelRow struct {
	*Appointment
	Path   string // the appointment's own pages start here
	Where  string
	When   string
	Meets  bool
	Target bool // say how it stands against the target
	Past   bool
}

// bookable reports whether a case in status s may have an appointment
// booked: the state machine moves Contacted, Seen and FollowUp to Booked.
func bookable(s cases.Status) bool { return s.CanMove(cases.Booked) }

// renderPanel draws the case's appointments, for someone the case page
// has already let in.
func (h *handlers) renderPanel(ctx context.Context, c *cases.Case, v cases.Viewer) (template.HTML, error) {
	as, err := h.store.ForCase(ctx, h.srv.DB, c)
	if err != nil {
		return "", err
	}
	now := h.store.now()
	view := panelView{Path: cases.Path(c), Target: TargetDay(c), CanBook: bookable(c.Status)}
	if !c.RespondedAt.IsZero() {
		view.Contacted = longDate(c.RespondedAt)
	}
	for _, a := range as {
		view.Appointments = append(view.Appointments, panelRow{Appointment: a, Path: view.Path + "/appointments/" + url.PathEscape(a.ID),
			Where: a.Where(), When: a.When(), Meets: Meets(c, a.Start), Target: view.Target != "" && a.Status != Cancelled, Past: a.Past(now)})
		if a.Status == Booked {
			view.Booked = true
		}
	}
	var buf bytes.Buffer
	if err := h.panel.Execute(&buf, view); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
