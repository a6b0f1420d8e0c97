package editor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// taxGroup is one taxonomy's boxes on the service form.
type taxGroup struct {
	Name, Label, Hint, Field string
	Options                  []option
}

type phoneRow struct {
	I, N                    int // index, and number for people (from 1)
	ID, Number, Description string
}

type hoursRow struct {
	I, N                           int
	ID, Description, Opens, Closes string
	Days                           []option
}

// formPage is the edit form of one listing.
type formPage struct {
	Kind       string // directory.EntryService, …
	KindName   string
	Action     string
	New        bool
	EntryID    string
	Name       string
	Conflict   string
	Taxonomies []taxGroup
	Orgs       []option
	Statuses   []option
	Shown      []option
	Kinds      []option
	Topics     []option
	Phones     []phoneRow
	Hours      []hoursRow
	PhoneCount int
	HoursCount int
	Revision   int
	Base       int
	Report     string
}

// view builds the form's choices and rows from what f holds.
func (h *handlers) view(f *web.Form, kind string, ch *choices, p *formPage) {
	p.Kind, p.KindName = kind, kindNames[kind]
	sel := func(field, value string) bool { return slices.Contains(f.Values[field], value) }
	p.Shown = []option{
		{Value: "yes", Label: "Show it in the directory", Selected: sel("shown", "yes")},
		{Value: "no", Label: "Hide it", Hint: "It leaves the public pages, the search and the HSDS API, and can be shown again later.", Selected: sel("shown", "no")},
	}
	orgs := func(field string) []option {
		var out []option
		for _, o := range ch.Orgs {
			label := o.Name
			if o.State == directory.StateHidden {
				label += " (hidden)"
			}
			out = append(out, option{Value: o.ID, Label: label, Selected: sel(field, o.ID)})
		}
		return out
	}
	switch kind {
	case directory.EntryService:
		p.Orgs = orgs("organization")
		for _, s := range statusLabels {
			p.Statuses = append(p.Statuses, option{Value: s.Value, Label: s.Label, Hint: s.Hint, Selected: sel("status", s.Value)})
		}
		for _, tax := range ch.Taxonomies {
			g := taxGroup{Name: tax.Name, Label: taxonomyLabel(tax.Taxonomy), Hint: taxonomyHints[tax.Name], Field: "term-" + tax.Name}
			for _, t := range tax.Terms {
				g.Options = append(g.Options, option{Value: t.ID, Label: t.Name, Selected: sel("term", t.ID)})
			}
			p.Taxonomies = append(p.Taxonomies, g)
		}
		p.HoursCount = rowCount(f, "hours")
		for i := range p.HoursCount {
			pre := fmt.Sprintf("hours%d-", i)
			row := hoursRow{I: i, N: i + 1, ID: f.Get(pre + "id"), Description: f.Get(pre + "description"), Opens: f.Get(pre + "opens"), Closes: f.Get(pre + "closes")}
			for _, d := range weekdays {
				row.Days = append(row.Days, option{Value: d.Code, Label: d.Label, Selected: sel(pre+"day", d.Code)})
			}
			p.Hours = append(p.Hours, row)
		}
	case directory.EntryResource:
		p.Orgs = orgs("publisher")
		for _, k := range hsds.ResourceKinds {
			p.Kinds = append(p.Kinds, option{Value: k, Label: directory.KindLabel(k), Selected: sel("kind", k)})
		}
		if needs := ch.taxonomy(directory.TaxNeeds); needs != nil {
			for _, t := range needs.Terms {
				p.Topics = append(p.Topics, option{Value: t.Code, Label: t.Name, Selected: sel("topic", t.Code)})
			}
		}
	}
	if kind != directory.EntryResource {
		p.PhoneCount = rowCount(f, "phones")
		for i := range p.PhoneCount {
			pre := fmt.Sprintf("phone%d-", i)
			p.Phones = append(p.Phones, phoneRow{I: i, N: i + 1, ID: f.Get(pre + "id"), Number: f.Get(pre + "number"), Description: f.Get(pre + "description")})
		}
	}
}

// renderForm draws the form with status.
func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, p formPage) {
	ch, err := loadChoices(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.view(f, p.Kind, ch, &p)
	title := "Edit " + p.Name
	if p.New {
		title = "Add a " + p.KindName
	}
	h.srv.Render(w, r, status, "editor/edit.html", web.Page{Title: title, Form: f, Data: p})
}

// newForm is GET /admin/directory/new/{kind}.
func (h *handlers) newForm(w http.ResponseWriter, r *http.Request) {
	kind, ok := kindSlugs[r.PathValue("kind")]
	if !ok {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	v := url.Values{"shown": {"yes"}, "phones": {strconv.Itoa(blankRows)}, "hours": {strconv.Itoa(blankRows)}}
	if kind == directory.EntryService {
		v.Set("status", hsds.StatusActive)
		v.Set("checked", "yes")
		// From an organisation's page: the form starts under it.
		if org := r.URL.Query().Get("organization"); store.ValidID(org) {
			v.Set("organization", org)
		}
	}
	h.renderForm(w, r, http.StatusOK, web.NewForm(v), formPage{Action: Base + "/new/" + r.PathValue("kind"), New: true, Kind: kind})
}

// create is POST /admin/directory/new/{kind}: the first draft of a new
// listing.
func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	kind, ok := kindSlugs[r.PathValue("kind")]
	if !ok {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	p := formPage{Action: Base + "/new/" + r.PathValue("kind"), New: true, Kind: kind}
	id := store.NewID()
	d, ok := h.readRecord(w, r, f, kind, id, nil)
	if !ok {
		return
	}
	if !f.Valid() {
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, p)
		return
	}
	h.saveAndShow(w, r, f, p, d, 0)
}

// readRecord reads the form into a draft of entry id, over base (nil for a
// new listing). Problems are on f.
func (h *handlers) readRecord(w http.ResponseWriter, r *http.Request, f *web.Form, kind, id string, base []byte) (Draft, bool) {
	ch, err := loadChoices(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return Draft{}, false
	}
	rec := directory.Record{}
	if base != nil {
		if rec, err = directory.ParseRecord(kind, base); err != nil {
			h.srv.ServerError(w, r, err)
			return Draft{}, false
		}
	}
	d := Draft{EntryID: id, Kind: kind, Purpose: PurposeEdit}
	switch kind {
	case directory.EntryService:
		s := hsds.Service{ID: id}
		if rec.Service != nil {
			s = *rec.Service
		}
		s, d.State = readService(f, s, ch, h.now())
		d.Name, d.Doc = s.Name, mustJSON(s)
	case directory.EntryOrganization:
		o := hsds.Organization{ID: id}
		if rec.Organization != nil {
			o = *rec.Organization
		}
		o, d.State = readOrganization(f, o)
		d.Name, d.Doc = o.Name, mustJSON(o)
	default:
		res := hsds.Resource{ID: id}
		if rec.Resource != nil {
			res = *rec.Resource
		}
		res, d.State = readResource(f, res, ch)
		d.Name, d.Doc = res.Name, mustJSON(res)
	}
	return d, true
}

// saveAndShow saves d over the draft at revision seen and goes to the
// draft's page; a draft saved meanwhile by someone else brings the form
// back (409) with what was typed.
func (h *handlers) saveAndShow(w http.ResponseWriter, r *http.Request, f *web.Form, p formPage, d Draft, seen int) {
	ctx := r.Context()
	who := web.PrincipalFrom(r)
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := saveDraft(ctx, tx, d, seen, who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, h.event(r, "directory.draft_saved", d.Kind, d.EntryID, ""))
	})
	if errors.Is(err, errDraftMoved) {
		h.conflict(w, r, f, p)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	to := entryURL(d.EntryID) + "/draft"
	if rep := reportParam(f.Get("report")); rep != "" {
		to += "?report=" + rep
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// conflict brings the form back when the draft moved on while the person
// typed, with the draft as it now stands as the one a new save replaces.
func (h *handlers) conflict(w http.ResponseWriter, r *http.Request, f *web.Form, p formPage) {
	e, err := h.loadEntry(r.Context(), h.db, p.EntryID)
	switch {
	case err == nil && e.Draft != nil:
		p.Revision, p.Base = e.Draft.Revision, e.Draft.Base
		p.Conflict = fmt.Sprintf("%s saved this draft on %s, while you were editing it. What you typed is below and has not been saved: "+
			"look at their draft first if you need to, then save again to replace it with yours.", nameOr(e.Draft.UpdatedByName), datetime(e.Draft.UpdatedAt))
	case err == nil:
		p.Revision, p.Base = 0, e.Entry.Version
		p.Conflict = "The draft was published or discarded while you were editing it. What you typed is below and has not been saved: save again to start a new draft from it."
	case errors.Is(err, directory.ErrEntryNotFound) && p.New:
		p.Conflict = "Your draft could not be saved. Try again."
	default:
		h.srv.ServerError(w, r, err)
		return
	}
	h.renderForm(w, r, http.StatusConflict, f, p)
}

// editForm is GET /admin/directory/entries/{id}/edit: the form, filled from
// the draft if there is one, else from what is published.
func (h *handlers) editForm(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	p := formPage{Action: entryURL(e.ID) + "/edit", EntryID: e.ID, Name: e.Name(), New: !e.published(), Base: e.Entry.Version,
		Kind: e.Kind, Report: reportParam(r.URL.Query().Get("report"))}
	doc, state := []byte(nil), e.Entry.State
	if e.Draft != nil {
		doc, state, p.Revision, p.Base = e.Draft.Doc, e.Draft.State, e.Draft.Revision, e.Draft.Base
		if state == directory.StateDeleted {
			state = e.Entry.State // editing a deletion turns it back into an edit
		}
	} else {
		v, err := directory.LoadVersion(r.Context(), h.db, e.ID, e.Entry.Version)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		doc = v.Doc
	}
	rec, err := directory.ParseRecord(e.Kind, doc)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	var v url.Values
	switch {
	case rec.Service != nil:
		v = serviceValues(*rec.Service, state)
	case rec.Organization != nil:
		v = organizationValues(*rec.Organization, state)
	default:
		v = resourceValues(*rec.Resource, state)
	}
	h.renderForm(w, r, http.StatusOK, web.NewForm(v), p)
}

// save is POST /admin/directory/entries/{id}/edit: the edit becomes the
// entry's draft.
func (h *handlers) save(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	seen := counter(f.Get("revision"))
	base := counter(f.Get("base"))
	p := formPage{Action: entryURL(e.ID) + "/edit", EntryID: e.ID, Name: e.Name(), New: !e.published(), Kind: e.Kind,
		Revision: seen, Base: base, Report: reportParam(f.Get("report"))}
	current := 0
	var from []byte
	if e.Draft != nil {
		current, from = e.Draft.Revision, e.Draft.Doc
	} else if e.published() {
		v, err := directory.LoadVersion(r.Context(), h.db, e.ID, e.Entry.Version)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		from = v.Doc
	}
	d, ok := h.readRecord(w, r, f, e.Kind, e.ID, from)
	if !ok {
		return
	}
	if current != seen {
		h.conflict(w, r, f, p)
		return
	}
	if !f.Valid() {
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, p)
		return
	}
	d.Base = e.Entry.Version
	if e.Draft != nil {
		d.Base = e.Draft.Base
	}
	h.saveAndShow(w, r, f, p, d, seen)
}

// reportParam is a report id carried through the forms, or "" when what
// was given is not one.
func reportParam(s string) string {
	if store.ValidID(s) {
		return s
	}
	return ""
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // HSDS types hold only strings, numbers and slices
	}
	return b
}
