package plans

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

//go:embed templates/*.html templates/*.tmpl templates/panel/*.html
var templates embed.FS

// BookPath is the appointments room's page for booking a meeting on a
// case; the follow-up links to it while this build serves it.
const BookPath = "/cases/{ref}/appointments/new"

// handlers holds the pages' dependencies.
type handlers struct {
	srv   *web.Server
	gate  *cases.Gate
	st    *Store
	index *directory.Index // the directory's own search, for signposting
	panel *template.Template
	now   func() time.Time
}

// Register adds the pages that follow the one-to-one to srv, and their
// part of every case page to gate; the returned Store sends the feedback
// requests (SendDueFeedback) and answers the queue's and the portal's
// questions.
func Register(ctx context.Context, srv *web.Server, gate *cases.Gate, cs *cases.Store, outbox *mail.Outbox) (*Store, error) {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	if err := srv.AddPages("plans", sub); err != nil {
		return nil, err
	}
	panel, err := template.New("panel").Funcs(template.FuncMap{
		"date":     func(t time.Time) string { return londonFormat(t, "2 January 2006") },
		"datetime": func(t time.Time) string { return londonFormat(t, "2 January 2006 at 3:04pm") },
		"dict":     dict,
	}).ParseFS(templates, "templates/panel/panel.html", "templates/partials.tmpl")
	if err != nil {
		return nil, err
	}
	st := &Store{DB: srv.DB, Cases: cs, Outbox: outbox, BaseURL: srv.Config.BaseURL.String(), HasRoute: srv.Router.Has}
	h := &handlers{srv: srv, gate: gate, st: st, index: directory.NewIndex(), panel: panel, now: store.Now}
	for code, text := range caseMessages {
		gate.AddMessage(code, text)
	}
	gate.AddPanel(cases.Panel{Order: 50, Render: h.renderPanel})

	r := srv.Router
	r.Handle("GET /cases/{ref}/session-notes/{id}", web.Adviser, h.notesPage)
	r.Handle("POST /cases/{ref}/session-notes/{id}", web.Adviser, h.notesSave)
	r.Handle("POST /cases/{ref}/session-notes/{id}/autosave", web.Adviser, h.notesAutosave)
	r.Handle("GET /cases/{ref}/plan", web.Adviser, h.planPage)
	r.Handle("POST /cases/{ref}/plan/kind", web.Adviser, h.planKind)
	r.Handle("POST /cases/{ref}/plan/goals", web.Adviser, h.goalAdd)
	r.Handle("POST /cases/{ref}/plan/goals/{goal}/remove", web.Adviser, h.goalRemove)
	r.Handle("GET /cases/{ref}/plan/goals/{goal}/actions", web.Adviser, h.actionForm)
	r.Handle("POST /cases/{ref}/plan/goals/{goal}/actions", web.Adviser, h.actionAdd)
	r.Handle("POST /cases/{ref}/plan/actions/{action}/status", web.Adviser, h.actionStatus)
	r.Handle("POST /cases/{ref}/plan/actions/{action}/remove", web.Adviser, h.actionRemove)
	r.Handle("POST /cases/{ref}/plan/services", web.Adviser, h.serviceAdd)
	r.Handle("POST /cases/{ref}/plan/services/{entry}/remove", web.Adviser, h.serviceRemove)
	r.Handle("GET /cases/{ref}/summary", web.Adviser, h.summaryForm)
	r.Handle("POST /cases/{ref}/summary", web.Adviser, h.summarySave)
	r.Handle("GET /cases/{ref}/summary/preview", web.Adviser, h.summaryPreview)
	r.Handle("POST /cases/{ref}/summary/issue", web.Adviser, h.summaryIssue)
	r.Handle("GET /cases/{ref}/summaries/{version}", web.Adviser, h.summaryVersion)
	r.Handle("GET /cases/{ref}/summaries/{version}/pdf", web.Adviser, h.summaryPDF)
	r.Handle("GET /cases/{ref}/review", web.Adviser, h.reviewForm)
	r.Handle("POST /cases/{ref}/review", web.Adviser, h.reviewSave)
	r.Handle("GET /cases/{ref}/close", web.Adviser, h.closeForm)
	r.Handle("POST /cases/{ref}/close", web.Adviser, h.closeSave)
	r.Handle("GET /admin/outcomes", web.Administrator, h.outcomesPage)
	r.Handle("POST /admin/outcomes", web.Administrator, h.outcomeAdd)
	r.Handle("POST /admin/outcomes/{id}/remove", web.Administrator, h.outcomeRemove)
	r.Handle("POST /admin/outcomes/settings", web.Administrator, h.settingsSave)
	return st, nil
}

// caseMessages are shown on the case page after an action here.
var caseMessages = map[string]string{
	"plans-issued":          "The written summary has been issued, and the trainee has been e-mailed that it is ready.",
	"plans-issued-not-sent": "The written summary has been issued. The trainee did not agree to e-mail about their case, so tell them another way that it is ready.",
	"plans-review-set":      "The review date is saved.",
	"plans-review-cleared":  "The review date is cleared.",
	"plans-closed":          "The case is closed.",
	"plans-closed-feedback": "The case is closed. The trainee will be asked for feedback in a few weeks, as they agreed.",
}

// messages are shown on this package's own pages after an action.
var messages = map[string]string{
	"notes-saved":     "Session notes saved.",
	"plan-kind":       "The kind of plan is saved.",
	"goal-added":      "Goal added.",
	"goal-removed":    "Goal removed.",
	"action-added":    "Action added.",
	"action-status":   "Status updated.",
	"action-removed":  "Action removed.",
	"service-added":   "Service added to the plan.",
	"service-removed": "Service removed from the plan.",
	"draft-saved":     "Draft saved.",
	"outcome-added":   "Outcome added.",
	"outcome-removed": "Outcome removed. Cases that closed with it keep it.",
	"settings-saved":  "Saved.",
}

const keyFlash = "plans.flash"

// flash waits in the session as a code, never as text.
func (h *handlers) flash(r *http.Request, code string) {
	h.srv.Sessions.Put(r.Context(), keyFlash, code)
}

func (h *handlers) popFlash(r *http.Request) string {
	return messages[h.srv.Sessions.PopString(r.Context(), keyFlash)]
}

// view is what this package's case pages receive.
type view struct {
	Case  *cases.Case
	Name  string
	Flash string
	Data  any
}

// render shows page name for case c.
func (h *handlers) render(w http.ResponseWriter, r *http.Request, status int, name, title string, c *cases.Case, f *web.Form, data any) {
	v := view{Case: c, Data: data, Flash: h.popFlash(r)}
	var err error
	if v.Name, err = h.st.Cases.Name(c); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.srv.Render(w, r, status, "plans/"+name, web.Page{Title: title + " \u2013 case " + c.Reference, Form: f, Data: v})
}

// act reads a posted form and the case in the address, and checks that
// this person may work on it (answering the refusal itself).
func (h *handlers) act(w http.ResponseWriter, r *http.Request) (*cases.Case, cases.Viewer, bool) {
	if !h.srv.ParseForm(w, r) {
		return nil, cases.Viewer{}, false
	}
	return h.gate.Act(w, r)
}

// back ends an action on one of this package's pages.
func (h *handlers) back(w http.ResponseWriter, r *http.Request, code, path string) {
	h.flash(r, code)
	http.Redirect(w, r, path, http.StatusSeeOther)
}

func casePath(c *cases.Case, rest string) string { return cases.Path(c) + rest }

func londonFormat(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(workdays.London).Format(layout)
}

func dict(kv ...any) (map[string]any, error) {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m, nil
}
