package cases

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

type option struct {
	Value, Label string
	Selected     bool
}

type queueView struct {
	Filter    Filter
	Rows      []Row
	Search    string
	Searched  bool
	Prev      string
	Next      string
	Page      int
	PrevPage  int
	NextPage  int
	Lead      bool
	Today     Today
	Alerts    bool
	Flash     string
	Statuses  []option
	Advisers  []option
	Profs     []option
	Regions   []option
	Topics    []option
	Clocks    []option
	Sorts     []option
	Filtering bool
}

// queue is the triage queue: every case the person may see, filtered and
// paged by what the address holds, or the cases a search finds.
func (h *handlers) queue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := h.viewer(r)
	q := r.URL.Query()
	f := ParseFilter(q)
	now := h.now()
	view := queueView{Filter: f, Page: f.Page, PrevPage: f.Page - 1, NextPage: f.Page + 1, Lead: v.Lead, Flash: h.popFlash(r), Filtering: f.Active()}
	form := web.NewForm(nil)
	if search := strings.TrimSpace(q.Get("q")); search != "" {
		view.Search, view.Searched = search, true
		if utf8.RuneCountInString(search) > 200 {
			form.Values.Set("q", search)
			form.Fail("q", "Enter a reference, an e-mail address or a name of 200 characters or fewer")
		} else {
			rows, err := h.cases.Find(ctx, v, search, now)
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			view.Rows = rows
		}
	} else {
		res, err := h.cases.Queue(ctx, v, f, now)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		view.Rows = res.Rows
		base := f.Query()
		if f.Page > 1 {
			base.Set("page", strconv.Itoa(f.Page-1))
			view.Prev = "/cases?" + base.Encode()
		}
		if res.More {
			base.Set("page", strconv.Itoa(f.Page+1))
			view.Next = "/cases?" + base.Encode()
		}
	}
	var err error
	if view.Today, err = h.cases.TodayFor(ctx, v, now); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if v.Lead {
		if view.Alerts, err = h.cases.AlertsOn(ctx, v); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if err := h.filterOptions(r, &view); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	// One entry for the page: what was asked, never what was typed in the
	// search box (it may be a name) nor who was listed.
	detail := "queue " + f.Query().Encode()
	if view.Searched {
		detail = "search"
	}
	if err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: "cases.queue", Source: v.Source,
			Detail: detail + " (" + strconv.Itoa(len(view.Rows)) + " shown)"})
	}); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	status := http.StatusOK
	if !form.Valid() {
		status = http.StatusUnprocessableEntity
	}
	h.srv.Render(w, r, status, "cases/queue.html", web.Page{Title: "Cases", Form: form, Data: view})
}

func (h *handlers) filterOptions(r *http.Request, view *queueView) error {
	f := view.Filter
	for _, s := range Statuses {
		view.Statuses = append(view.Statuses, option{string(s), s.Label(), s == f.Status})
	}
	if view.Lead {
		view.Advisers = append(view.Advisers, option{"none", "Not assigned", f.Adviser == "none"})
		advisers, err := h.cases.AdviserNames(r.Context())
		if err != nil {
			return err
		}
		for _, a := range advisers {
			view.Advisers = append(view.Advisers, option{a.ID, a.Name, a.ID == f.Adviser})
		}
	}
	for _, p := range eligibility.Professions() {
		view.Profs = append(view.Profs, option{p.Value, p.Label, p.Value == f.Profession})
	}
	for _, g := range eligibility.Regions() {
		view.Regions = append(view.Regions, option{g.Value, g.Label, g.Value == f.Region})
	}
	for _, t := range Topics {
		view.Topics = append(view.Topics, option{t.Value, t.Label, t.Value == f.Topic})
	}
	for _, c := range ClockStates {
		view.Clocks = append(view.Clocks, option{string(c.Value), c.Label, c.Value == f.Clock})
	}
	for _, s := range Sorts {
		view.Sorts = append(view.Sorts, option{s.Value, s.Label, s.Value == f.Sort})
	}
	return nil
}

// setAlerts turns a lead's "new in the queue" e-mails on or off.
func (h *handlers) setAlerts(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	on := r.PostForm.Get("alerts") == "on"
	if err := h.cases.SetAlerts(r.Context(), h.viewer(r), on); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if on {
		h.setFlash(r, "alerts-on")
	} else {
		h.setFlash(r, "alerts-off")
	}
	http.Redirect(w, r, "/cases", http.StatusSeeOther)
}

// staffHome is where staff land after signing in: what needs their action
// today, and the way to everything else they may do.
func (h *handlers) staffHome(w http.ResponseWriter, r *http.Request) {
	p := web.PrincipalFrom(r)
	v := h.viewer(r)
	var today Today
	caseWorker := p.Can(web.Adviser)
	if caseWorker {
		var err error
		if today, err = h.cases.TodayFor(r.Context(), v, h.now()); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	h.srv.Render(w, r, http.StatusOK, "cases/staff_home.html", web.Page{Title: "Staff home", Data: struct {
		CaseWorker, Lead, Admin bool
		Today                   Today
	}{caseWorker, v.Lead, p.Can(web.Administrator), today}})
}
