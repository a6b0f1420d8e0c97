package editor

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// entryPage is one listing: what is published, its draft, its reports.
type entryPage struct {
	Flash      string
	ID         string
	Name       string
	Kind       string
	KindName   string
	KindTitle  string
	Published  bool
	State      string
	Version    int
	Edited     bool
	IsService  bool
	Checked    string
	PublicURL  string
	Fields     []field
	Draft      *draftRow
	Reports    []reportRow
	Listings   []entryRow // an organisation's services and guides
	Report     string     // the report being worked, carried to the edit form
	CanDelete  bool
	UpdatedAt  string
	CheckValue int // the version a "mark as checked" applies to
}

// show is GET /admin/directory/entries/{id}.
func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	ch, err := loadChoices(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := entryPage{Flash: h.popFlash(r), ID: e.ID, Name: e.Name(), Kind: e.Kind, KindName: kindNames[e.Kind], KindTitle: capital(kindNames[e.Kind]), Published: e.published(),
		State: stateLabel(e.Entry.State), Version: e.Entry.Version, Edited: e.Entry.Edited, IsService: e.Kind == directory.EntryService,
		Checked: longDate(e.Entry.CheckedOn), Report: reportParam(r.URL.Query().Get("report")), CheckValue: e.Entry.Version,
		UpdatedAt: datetime(e.Entry.UpdatedAt)}
	if e.published() {
		p.Fields = fields(e.Kind, e.Published, e.Entry.State, ch)
		p.CanDelete = e.Entry.State != directory.StateDeleted && e.Draft == nil
		if e.Entry.State == directory.StateShown {
			switch e.Kind {
			case directory.EntryService:
				p.PublicURL = "/services/" + e.ID
			case directory.EntryResource:
				p.PublicURL = "/reading#reading-" + e.ID
			}
		}
	}
	if d := e.Draft; d != nil {
		p.Draft = &draftRow{ID: d.EntryID, Name: d.Name, Purpose: purposeLabel(*d), By: nameOr(d.UpdatedByName), At: datetime(d.UpdatedAt), New: d.Base == 0}
	}
	if e.Kind == directory.EntryOrganization {
		es, err := directory.EntriesOf(ctx, h.db, e.ID)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		for _, x := range es {
			p.Listings = append(p.Listings, rowOf(x))
		}
	}
	if p.IsService {
		reports, err := directory.ReportsAbout(ctx, h.db, h.sealer, e.ID, directory.ReportOpen)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		for _, rep := range reports {
			p.Reports = append(p.Reports, reportRowOf(rep))
		}
	}
	h.srv.Render(w, r, http.StatusOK, "editor/entry.html", web.Page{Title: p.Name, Data: p})
}

// markChecked is POST /admin/directory/entries/{id}/checked: the
// service's details were checked today and nothing else changed. It is
// published at once, as version of its own, without a draft: it changes
// only the date the public page shows.
func (h *handlers) markChecked(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	back := entryURL(e.ID)
	if r.PostForm.Get("back") == "review" {
		back = Base + "/review"
	}
	if e.Kind != directory.EntryService || !e.published() || e.Entry.State == directory.StateDeleted {
		h.flash(r, "Only a service in the directory can be marked as checked.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	base := counter(r.PostForm.Get("version"))
	if base != e.Entry.Version {
		h.flash(r, "This listing was published again after you opened the page, so it was not marked as checked. Look at it again, then mark it.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	}
	s := *e.Published.Service
	date := today(h.now())
	if s.AssuredDate == date {
		h.flash(r, s.Name+" was already marked as checked today.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	s.AssuredDate = date
	who := web.PrincipalFrom(r)
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		pub, err := directory.Publish(ctx, tx, directory.Publication{Kind: e.Kind, ID: e.ID, Doc: mustJSON(s), State: e.Entry.State,
			Base: base, Action: directory.ActionChecked, ActorID: who.UserID})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.checked", e.Kind, e.ID, fmt.Sprintf("version %d", pub.Version)))
	})
	var problems *directory.ProblemsError
	switch {
	case errors.Is(err, directory.ErrChangedMeanwhile):
		h.flash(r, "This listing was published again while you marked it, so it was not marked as checked. Look at it again, then mark it.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	case errors.As(err, &problems):
		// What is published breaks a rule published since (a region
		// removed, a name taken): the listing needs an edit first.
		h.flash(r, "It could not be marked as checked, because the listing needs putting right first: "+problems.Problems[0]+". Edit it, then publish.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	h.flash(r, s.Name+" is marked as checked today. Its page says so now.")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// startDelete is POST /admin/directory/entries/{id}/delete: a draft that
// deletes the listing, published like any other (so a second pair of eyes
// sees it when the unit asks for one).
func (h *handlers) startDelete(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	h.startDraft(w, r, e, PurposeDelete, 0)
}

// restore is POST /admin/directory/entries/{id}/restore: a draft that
// brings back the version named, to publish as a new version.
func (h *handlers) restore(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	n := counter(r.PostForm.Get("version"))
	if n < 1 {
		h.flash(r, "Choose a version to restore from the list.")
		http.Redirect(w, r, entryURL(e.ID)+"/history", http.StatusSeeOther)
		return
	}
	h.startDraft(w, r, e, PurposeRestore, n)
}

// startDraft makes the draft of a deletion or a restore, refusing when the
// listing already has a draft (it would be lost).
func (h *handlers) startDraft(w http.ResponseWriter, r *http.Request, e *entry, purpose string, version int) {
	ctx := r.Context()
	switch {
	case e.Draft != nil:
		h.flash(r, "This listing already has a draft. Publish or discard it first.")
		http.Redirect(w, r, entryURL(e.ID)+"/draft", http.StatusSeeOther)
		return
	case !e.published():
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	d := Draft{EntryID: e.ID, Kind: e.Kind, Name: e.Entry.Name, Base: e.Entry.Version, Purpose: purpose}
	if purpose == PurposeDelete {
		if e.Entry.State == directory.StateDeleted {
			h.flash(r, "This listing is already deleted.")
			http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
			return
		}
		v, err := directory.LoadVersion(ctx, h.db, e.ID, e.Entry.Version)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		d.Doc, d.State = v.Doc, directory.StateDeleted
	} else {
		v, err := directory.LoadVersion(ctx, h.db, e.ID, version)
		switch {
		case errors.Is(err, directory.ErrEntryNotFound):
			h.flash(r, fmt.Sprintf("This listing has no version %d. Choose one from its history.", version))
			http.Redirect(w, r, entryURL(e.ID)+"/history", http.StatusSeeOther)
			return
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		case version == e.Entry.Version:
			h.flash(r, fmt.Sprintf("Version %d is the one published now: there is nothing to restore.", version))
			http.Redirect(w, r, entryURL(e.ID)+"/history", http.StatusSeeOther)
			return
		case v.State == directory.StateDeleted:
			h.flash(r, fmt.Sprintf("Version %d is the listing's deletion. Restore the version before it instead.", version))
			http.Redirect(w, r, entryURL(e.ID)+"/history", http.StatusSeeOther)
			return
		}
		rec, err := directory.ParseRecord(e.Kind, v.Doc)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		d.Doc, d.State, d.Name, d.Restores = v.Doc, v.State, rec.Name(), version
	}
	who := web.PrincipalFrom(r)
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := saveDraft(ctx, tx, d, 0, who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.draft_saved", e.Kind, e.ID, purpose))
	})
	if errors.Is(err, errDraftMoved) {
		h.flash(r, "This listing already has a draft. Publish or discard it first.")
		http.Redirect(w, r, entryURL(e.ID)+"/draft", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, entryURL(e.ID)+"/draft", http.StatusSeeOther)
}

// versionRow is one version in a listing's history.
type versionRow struct {
	Version int
	What    string
	Who     string
	When    string
	Changes []change
	First   bool    // the first version: its fields, not a difference
	Fields  []field // of the first version
	Current bool
	CanBack bool // it can be restored
}

// historyPage is a listing's history.
type historyPage struct {
	Flash    string
	ID, Name string
	KindName string
	Versions []versionRow
	HasDraft bool
}

// actionLabel says what made a version.
func actionLabel(v directory.Version) string {
	switch v.Action {
	case directory.ActionBaseline:
		return "The listing as it was when versions began"
	case directory.ActionImport:
		if v.Note != "" {
			return "Imported from " + v.Note
		}
		return "Imported"
	case directory.ActionPublish:
		return "Published from a draft"
	case directory.ActionRestore:
		return "Restored " + v.Note
	case directory.ActionChecked:
		return "Marked as checked, nothing else changed"
	}
	return v.Action
}

// history is GET /admin/directory/entries/{id}/history: every version,
// newest first, each with what it changed.
func (h *handlers) history(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	ch, err := loadChoices(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	vs, err := directory.Versions(ctx, h.db, e.ID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := historyPage{Flash: h.popFlash(r), ID: e.ID, Name: e.Name(), KindName: kindNames[e.Kind], HasDraft: e.Draft != nil}
	// Oldest first, to compare each with the one before it.
	var prev []field
	rows := make([]versionRow, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		rec, err := directory.ParseRecord(e.Kind, v.Doc)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		now := fields(e.Kind, rec, v.State, ch)
		who := nameOr(v.ActorName)
		if v.Action == directory.ActionImport || v.Action == directory.ActionBaseline {
			who = "psu (no person)"
		}
		rows[i] = versionRow{Version: v.Version, What: actionLabel(v), Who: who, When: datetime(v.At),
			Current: v.Version == e.Entry.Version, CanBack: v.Version != e.Entry.Version && v.State != directory.StateDeleted}
		if prev == nil {
			rows[i].First, rows[i].Fields = true, now
		} else {
			rows[i].Changes = diff(prev, now)
		}
		prev = now
	}
	p.Versions = rows
	h.srv.Render(w, r, http.StatusOK, "editor/history.html", web.Page{Title: "History of " + p.Name, Data: p})
}

// capital is s with its first letter in capitals.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
