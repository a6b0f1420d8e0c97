package cases

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// appView is one application of a case, as the trainee wrote it.
type appView struct {
	App      application.Application
	Groups   []application.SummaryGroup
	Decision string
}

// lookView is one entry of "who looked at this case".
type lookView struct {
	audit.Entry
	Name string
}

type caseView struct {
	Case         *Case
	Name         string
	Adviser      string
	Clock        Clock
	Flash        string
	Lead         bool
	Mine         bool
	Applications []appView
	Referrals    []referral.Referral
	Notes        []Note
	Timeline     []Event
	Openings     []Opening
	Looked       []lookView
	MergedInto   string
	ContactWays  []struct{ Value, Label string }
	MaxNote      int
	DayMode      string
	Panels       []template.HTML // the other rooms' parts of the page
}

// show is the case record.
func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.load(w, r, "case.view", "")
	if !ok {
		return
	}
	h.renderCase(w, r, http.StatusOK, c, v, web.NewForm(nil))
}

func (h *handlers) renderCase(w http.ResponseWriter, r *http.Request, status int, c *Case, v Viewer, f *web.Form) {
	cv, err := h.caseView(r.Context(), c, v)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	cv.Flash = h.popFlash(r)
	title := "Case " + c.Reference
	h.srv.Render(w, r, status, "cases/case.html", web.Page{Title: title, Form: f, Data: cv})
}

func (h *handlers) caseView(ctx context.Context, c *Case, v Viewer) (*caseView, error) {
	cv := &caseView{Case: c, Lead: v.Lead, Mine: c.AssignedTo == v.UserID, ContactWays: ContactWays, MaxNote: MaxNote}
	var err error
	if cv.Name, err = h.cases.Name(c); err != nil {
		return nil, err
	}
	clock, cs, err := settings.WorkClock(ctx, h.srv.DB)
	if err != nil {
		return nil, err
	}
	cv.Clock, cv.DayMode = ClockOf(c, clock, h.now()), cs.Mode.Label()
	names, err := h.cases.staffNames(ctx)
	if err != nil {
		return nil, err
	}
	cv.Adviser = names[c.AssignedTo]
	if c.MergedInto != "" {
		into, err := h.cases.Get(ctx, h.srv.DB, c.MergedInto)
		if err != nil {
			return nil, err
		}
		cv.MergedInto = into.Reference
	}
	ids, err := h.cases.applicationIDs(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		a, err := h.apps.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		cv.Applications = append(cv.Applications, appView{App: a, Groups: application.Summary(&a),
			Decision: fmt.Sprintf("Eligible under rule \u201c%s\u201d, version %d of the rules", a.RuleID, a.RuleVersion)})
	}
	if cv.Referrals, err = referral.ForCase(ctx, h.srv.DB, h.cases.Sealer, c.ID); err != nil {
		return nil, err
	}
	for _, p := range h.panels {
		html, err := p.Render(ctx, c, v)
		if err != nil {
			return nil, err
		}
		cv.Panels = append(cv.Panels, html)
	}
	if cv.Notes, err = h.cases.Notes(ctx, c); err != nil {
		return nil, err
	}
	if cv.Timeline, err = h.cases.Timeline(ctx, c); err != nil {
		return nil, err
	}
	if v.Lead {
		if cv.Openings, err = h.cases.Openings(ctx, c); err != nil {
			return nil, err
		}
		entries, err := audit.ForCase(ctx, h.srv.DB, c.ID, 100)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			cv.Looked = append(cv.Looked, lookView{Entry: e, Name: names[e.ActorID]})
		}
	}
	return cv, nil
}

// applicationIDs lists the applications of c, newest first.
func (s *Store) applicationIDs(ctx context.Context, c *Case) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM applications WHERE case_id = ? ORDER BY submitted_at DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: applications: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases: applications: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// staffNames maps every staff id to a name, for timelines and the audit
// list (a unit has tens of staff, not thousands).
func (s *Store) staffNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name FROM users`)
	if err != nil {
		return nil, fmt.Errorf("cases: staff names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("cases: staff names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// document sends one of a case's documents to someone allowed to see the
// case, and records the download.
func (h *handlers) document(w http.ResponseWriter, r *http.Request) {
	// Who may see the case is asked first, so a refusal says nothing
	// about which documents exist.
	c, _, ok := h.load(w, r, "case.document.download", "document "+r.PathValue("id"))
	if !ok {
		return
	}
	id := r.PathValue("id")
	doc, err := h.caseDocument(r.Context(), c, id)
	if errors.Is(err, store.ErrNotFound) {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	content, err := h.apps.FileContent(r.Context(), id)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	disposition := "attachment"
	if doc.ContentType == "application/pdf" || doc.ContentType == "image/png" || doc.ContentType == "image/jpeg" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", disposition+`; filename="document"; filename*=UTF-8''`+url.PathEscape(doc.Name))
	// A document opened in the browser runs nothing and reaches nothing.
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(content)
}

// caseDocument returns the description of file id if it belongs to one of
// c's applications, else store.ErrNotFound.
func (h *handlers) caseDocument(ctx context.Context, c *Case, id string) (application.Document, error) {
	var appID string
	if err := store.Scan(h.srv.DB.QueryRowContext(ctx, `SELECT f.application_id FROM application_files f
		JOIN applications a ON a.id = f.application_id WHERE f.id = ? AND a.case_id = ?`, id, c.ID), &appID); err != nil {
		return application.Document{}, err
	}
	a, err := h.apps.Get(ctx, appID)
	if err != nil {
		return application.Document{}, err
	}
	for _, d := range a.Documents {
		if d.ID == id {
			return d, nil
		}
	}
	return application.Document{}, store.ErrNotFound
}
