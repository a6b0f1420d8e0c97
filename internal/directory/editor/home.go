package editor

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/web"
)

// option is one choice of a select or a group of radios.
type option struct {
	Value, Label, Hint string
	Selected           bool
}

// entryRow is one listing in a list.
type entryRow struct {
	ID, Name, Kind, State string
	Checked               string // "22 November 2026", "" when never, services only
	Service               bool
	Edited                bool
}

func rowOf(e directory.Entry) entryRow {
	return entryRow{ID: e.ID, Name: e.Name, Kind: kindNames[e.Kind], State: stateLabel(e.State), Checked: longDate(e.CheckedOn),
		Service: e.Kind == directory.EntryService, Edited: e.Edited}
}

// draftRow is one draft waiting to be published.
type draftRow struct {
	ID, Name, Kind, Purpose, By string
	At                          string
	New                         bool
}

// homePage is what /admin/directory shows.
type homePage struct {
	Flash        string
	Q            string
	Kinds        []option
	Searched     bool
	Results      []entryRow
	More         bool
	Drafts       []draftRow
	OpenReports  int
	Due          int
	ReviewMonths int
	SecondPair   bool
}

// listLimit is how many listings the finder shows at once.
const listLimit = 100

// home is GET /admin/directory: find a listing, and what is waiting.
func (h *handlers) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := web.NewForm(r.URL.Query())
	p := homePage{Flash: h.popFlash(r), Q: f.Get("q")}
	if n := len([]rune(p.Q)); n > maxName {
		f.Fail("q", fmt.Sprintf("Search for %d characters or fewer", maxName))
	} else if !storable(p.Q) {
		f.Fail("q", "Search for letters and numbers: the name has a character that no listing has")
	}
	kind := f.Get("kind")
	p.Kinds = []option{{Value: "", Label: "Any kind", Selected: kind == ""}}
	for _, slug := range []string{"service", "organisation", "reading"} {
		p.Kinds = append(p.Kinds, option{Value: slug, Label: kindTitles[kindSlugs[slug]], Selected: kind == slug})
	}
	if _, ok := kindSlugs[kind]; kind != "" && !ok {
		f.Fail("kind", "Choose a kind of listing from the list")
	}
	rules, err := LoadRules(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p.ReviewMonths, p.SecondPair = rules.ReviewMonths, rules.SecondPair
	if err := h.fillHome(ctx, &p, rules); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	status := http.StatusOK
	if f.Valid() {
		p.Searched = p.Q != "" || kind != ""
		es, err := directory.FindEntries(ctx, h.db, directory.EntryFilter{Text: p.Q, Kind: kindSlugs[kind], Limit: listLimit + 1})
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		if len(es) > listLimit {
			es, p.More = es[:listLimit], true
		}
		for _, e := range es {
			p.Results = append(p.Results, rowOf(e))
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	h.srv.Render(w, r, status, "editor/home.html", web.Page{Title: "Support directory", Form: f, Data: p})
}

// kindTitles name the kinds in lists and headings.
var kindTitles = map[string]string{
	directory.EntryService:      "Services",
	directory.EntryOrganization: "Organisations",
	directory.EntryResource:     "Guides and reading",
}

// fillHome counts what is waiting: drafts, problem reports, listings due
// for review.
func (h *handlers) fillHome(ctx context.Context, p *homePage, rules Rules) error {
	drafts, err := listDrafts(ctx, h.db)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		p.Drafts = append(p.Drafts, draftRow{ID: d.EntryID, Name: d.Name, Kind: kindNames[d.Kind], Purpose: purposeLabel(d),
			By: nameOr(d.UpdatedByName), At: datetime(d.UpdatedAt), New: d.Base == 0})
	}
	if p.OpenReports, err = directory.CountReports(ctx, h.db, directory.ReportOpen); err != nil {
		return err
	}
	p.Due, err = directory.CountDueForReview(ctx, h.db, reviewCutoff(h.now(), rules))
	return err
}

// reviewCutoff is the date before which a check is too old: a listing
// last checked before it is due for review.
func reviewCutoff(now time.Time, rules Rules) string {
	return today(now.AddDate(0, -rules.ReviewMonths, 0))
}

// purposeLabel says what a draft is for.
func purposeLabel(d Draft) string {
	switch {
	case d.Purpose == PurposeDelete:
		return "Delete"
	case d.Purpose == PurposeRestore:
		return fmt.Sprintf("Restore version %d", d.Restores)
	case d.Base == 0:
		return "New"
	}
	return "Edit"
}

// nameOr is a person's name, or what to call someone no longer on the
// staff list.
func nameOr(name string) string {
	if name == "" {
		return "A former member of staff"
	}
	return name
}

// datetime is a time as the editor's pages show it, in London.
func datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("2 January 2006 at 3:04pm")
}
