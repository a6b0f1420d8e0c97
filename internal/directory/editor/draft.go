package editor

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// draftPage is a draft beside what is published now.
type draftPage struct {
	Flash       string
	Error       string // why publishing was refused, at the top
	EntryID     string
	Name        string
	KindName    string
	Purpose     string
	New         bool
	SavedBy     string
	SavedAt     string
	Changes     []change
	Caption     string
	BeforeLabel string
	Problems    []string // what would stop it being published
	Stale       string   // a version was published since the draft began
	MustWait    bool     // the unit wants someone else to publish it
	Revision    int
	Base        int // the version published now, which publishing replaces
	Report      string
	PublicURL   string
	// HelpCard are numbers of this service that the "Help at any time"
	// card on every public page gives, which the draft changes or takes
	// away: publishing does not change the card.
	HelpCard []string
}

// draftView compares e's draft with what is published.
func (h *handlers) draftView(r *http.Request, e *entry, ch *choices) (draftPage, error) {
	ctx := r.Context()
	d := e.Draft
	p := draftPage{EntryID: e.ID, Name: d.Name, KindName: kindNames[d.Kind], Purpose: purposeLabel(*d), New: !e.published(),
		SavedBy: nameOr(d.UpdatedByName), SavedAt: datetime(d.UpdatedAt), Revision: d.Revision, Base: e.Entry.Version,
		Report: reportParam(r.URL.Query().Get("report"))}
	rec, err := directory.ParseRecord(d.Kind, d.Doc)
	if err != nil {
		return p, err
	}
	var before []field
	if e.published() {
		before = fields(e.Kind, e.Published, e.Entry.State, ch)
		if e.Entry.State == directory.StateShown && e.Kind == directory.EntryService {
			p.PublicURL = "/services/" + e.ID
		}
	}
	p.Changes = diff(before, fields(d.Kind, rec, d.State, ch))
	p.Caption, p.BeforeLabel = fmt.Sprintf("What publishing changes: %d fields", len(p.Changes)), "Published now"
	if len(p.Changes) == 1 {
		p.Caption = "What publishing changes: 1 field"
	}
	if p.New {
		p.BeforeLabel = "Before (a new listing)"
	}
	if e.published() && e.Published.Service != nil && rec.Service != nil {
		p.HelpCard = helpCardChanges(e.Published.Service.Phones, rec.Service.Phones, d.State)
	}
	if p.Problems, err = directory.CheckRecord(ctx, h.db, e.ID, rec, d.State); err != nil {
		return p, err
	}
	if e.published() && d.Base != e.Entry.Version {
		v, err := directory.LoadVersion(ctx, h.db, e.ID, e.Entry.Version)
		if err != nil {
			return p, err
		}
		by := "an import"
		if v.ActorID != "" {
			by = nameOr(v.ActorName)
		}
		p.Stale = fmt.Sprintf("Version %d was published by %s on %s, after this draft was started. The differences below are with what is published now: publishing the draft replaces it.",
			v.Version, by, datetime(v.At))
	}
	rules, err := LoadRules(ctx, h.db)
	if err != nil {
		return p, err
	}
	p.MustWait = rules.SecondPair && d.UpdatedBy == web.PrincipalFrom(r).UserID
	return p, nil
}

// renderDraft draws the draft page with status and, when publishing was
// refused, why.
func (h *handlers) renderDraft(w http.ResponseWriter, r *http.Request, status int, e *entry, msg string) {
	ch, err := loadChoices(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p, err := h.draftView(r, e, ch)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p.Error = msg
	if status == http.StatusOK {
		p.Flash = h.popFlash(r)
	}
	h.srv.Render(w, r, status, "editor/draft.html", web.Page{Title: "Draft: " + p.Name, Data: p})
}

// draft is GET /admin/directory/entries/{id}/draft.
func (h *handlers) draft(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	if e.Draft == nil {
		h.flash(r, "There is no draft of this listing: it was published or discarded.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	}
	h.renderDraft(w, r, http.StatusOK, e, "")
}

// publish is POST /admin/directory/entries/{id}/publish: the draft
// becomes the published version, as the person saw it on the draft page.
func (h *handlers) publish(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	who := web.PrincipalFrom(r)
	seen := counter(r.PostForm.Get("revision"))
	base := counter(r.PostForm.Get("base"))
	report := reportParam(r.PostForm.Get("report"))
	if e.Draft == nil {
		h.flash(r, "There is no draft of this listing to publish: it was published or discarded meanwhile.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	}
	switch {
	case e.Draft.Revision != seen:
		h.renderDraft(w, r, http.StatusConflict, e, fmt.Sprintf("%s saved the draft again on %s, after you opened it. Nothing was published: read it again below, then publish.",
			nameOr(e.Draft.UpdatedByName), datetime(e.Draft.UpdatedAt)))
		return
	case e.Entry.Version != base:
		h.renderDraft(w, r, http.StatusConflict, e, "Another version of this listing was published after you opened the draft. Nothing was published: read the differences again below, then publish.")
		return
	}
	rules, err := LoadRules(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if rules.SecondPair && e.Draft.UpdatedBy == who.UserID {
		h.renderDraft(w, r, http.StatusConflict, e, "The unit asks for a second pair of eyes: someone other than the person who saved a draft last must publish it. Ask another directory editor to read and publish it.")
		return
	}
	d := *e.Draft
	action, note := directory.ActionPublish, ""
	if d.Purpose == PurposeRestore {
		action, note = directory.ActionRestore, fmt.Sprintf("version %d", d.Restores)
	}
	var published directory.Entry
	err = h.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		published, err = directory.Publish(ctx, tx, directory.Publication{Kind: d.Kind, ID: d.EntryID, Doc: d.Doc, State: d.State,
			Base: base, Action: action, Note: note, ActorID: who.UserID})
		if err != nil {
			return err
		}
		if err := deleteDraft(ctx, tx, d.EntryID, seen); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.published", d.Kind, d.EntryID,
			fmt.Sprintf("version %d, %s", published.Version, published.State)))
	})
	var problems *directory.ProblemsError
	switch {
	case errors.As(err, &problems):
		h.renderDraft(w, r, http.StatusUnprocessableEntity, e, "The draft cannot be published as it is. Edit it to put right what is listed under \u201cBefore it can be published\u201d.")
		return
	case errors.Is(err, directory.ErrChangedMeanwhile), errors.Is(err, errDraftMoved):
		if fresh, lerr := h.loadEntry(ctx, h.db, e.ID); lerr == nil && fresh.Draft != nil {
			h.renderDraft(w, r, http.StatusConflict, fresh, "The listing or its draft changed while you were publishing. Nothing was published: read the draft again below.")
			return
		}
		h.flash(r, "The listing changed while you were publishing, and its draft is gone. Nothing was published by you.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	msg := fmt.Sprintf("Published as version %d.", published.Version)
	if published.Version == base {
		msg = "The draft was the same as what is published, so nothing changed and no version was made. The draft is gone."
	}
	switch {
	case published.Version == base:
	case published.State == directory.StateShown:
		msg += " The directory, its search and the HSDS API show it now."
	case published.State == directory.StateHidden:
		msg += " It is hidden: the public pages and the API no longer show it."
	case published.State == directory.StateDeleted:
		msg += " It is deleted: its versions stay in its history."
	}
	if report != "" {
		h.flash(r, msg+" If this puts the report right, close the report below.")
		http.Redirect(w, r, Base+"/reports/"+report, http.StatusSeeOther)
		return
	}
	h.flash(r, msg)
	http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
}

// discard is POST /admin/directory/entries/{id}/discard: the draft goes,
// and what is published stays as it is.
func (h *handlers) discard(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	seen := counter(r.PostForm.Get("revision"))
	if e.Draft == nil {
		h.flash(r, "There is no draft of this listing: it was published or discarded meanwhile.")
		http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
		return
	}
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		if err := deleteDraft(ctx, tx, e.ID, seen); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.draft_discarded", e.Kind, e.ID, ""))
	})
	if errors.Is(err, errDraftMoved) {
		h.renderDraft(w, r, http.StatusConflict, e, fmt.Sprintf("%s saved the draft again on %s, after you opened it. Nothing was discarded: read it again below.",
			nameOr(e.Draft.UpdatedByName), datetime(e.Draft.UpdatedAt)))
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !e.published() {
		h.flash(r, "The draft of "+e.Name()+" was discarded. Nothing was published.")
		http.Redirect(w, r, Base, http.StatusSeeOther)
		return
	}
	h.flash(r, "The draft was discarded. The listing stays as it was published.")
	http.Redirect(w, r, entryURL(e.ID), http.StatusSeeOther)
}

// helpCardChanges lists the published numbers the "Help at any time" card
// also gives that the draft no longer shows: changed, removed, or the
// listing hidden or deleted.
func helpCardChanges(published, draft []hsds.Phone, state string) []string {
	var out []string
	for _, ph := range published {
		if !web.OnHelpCard(ph.Number) {
			continue
		}
		kept := false
		for _, n := range draft {
			if state == directory.StateShown && web.TelHref(n.Number) == web.TelHref(ph.Number) {
				kept = true
			}
		}
		if !kept {
			out = append(out, ph.Number)
		}
	}
	return out
}
