package plans

import (
	"bytes"
	"context"
	"html/template"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

type panelView struct {
	Case        *cases.Case
	Notes       []SessionNote
	NewNote     string
	Plan        *Plan
	Actions     int
	ActionsDone int
	Versions    []Version
	Target      Target
	Within      int
	Open        bool
	CanWrite    bool
	CanClose    bool
	ReviewCome  bool
	Book        string
	Feedback    *FeedbackState
}

// renderPanel is this package's part of the case page: session notes, the
// plan, the written summary and its target, the follow-up and closing. A
// case that has not reached its one-to-one shows it only once something
// is there.
func (h *handlers) renderPanel(ctx context.Context, c *cases.Case, _ cases.Viewer) (template.HTML, error) {
	v := panelView{Case: c, NewNote: store.NewID(), Within: SummaryWithin, Open: c.Status.Open(), CanClose: c.Status.CanMove(cases.Closed),
		Book: h.bookLink(c)}
	var err error
	if v.Notes, err = h.st.SessionNotes(ctx, c); err != nil {
		return "", err
	}
	if v.Plan, err = h.st.Plan(ctx, h.srv.DB, c); err != nil {
		return "", err
	}
	if v.Versions, err = h.st.Versions(ctx, c); err != nil {
		return "", err
	}
	switch c.Status {
	case cases.Booked, cases.Seen, cases.SummarySent, cases.FollowUp, cases.Closed:
	default:
		if len(v.Notes) == 0 && v.Plan.Empty() && len(v.Versions) == 0 {
			return "", nil
		}
	}
	for _, g := range v.Plan.Goals {
		for _, a := range g.Actions {
			v.Actions++
			if a.Status == Done {
				v.ActionsDone++
			}
		}
	}
	if v.Target, err = h.st.SummaryTarget(ctx, c, h.now()); err != nil {
		return "", err
	}
	if v.Feedback, err = h.st.Feedback(ctx, c); err != nil {
		return "", err
	}
	switch c.Status {
	case cases.Seen, cases.SummarySent, cases.FollowUp:
		v.CanWrite = true
	case cases.Closed:
		v.CanWrite = len(v.Versions) > 0
	}
	v.ReviewCome = v.Plan.ReviewDue != "" && v.Plan.ReviewDue <= DayOf(h.now())
	var buf bytes.Buffer
	if err := h.panel.ExecuteTemplate(&buf, "panel", v); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
