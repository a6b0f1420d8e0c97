// Package editor is the directory editor (/admin/directory): directory
// editors find a listing, edit what the public sees of it, save the edit
// as a draft and publish it (with a second pair of eyes when the unit asks
// for one), read every published version as a field-by-field difference
// and restore any of them, mark listings as checked, and work the queue
// of problems the public reports.
//
// What is published goes through directory.Publish, which writes the live
// tables, the version and the search generation in one transaction; drafts
// live in their own table, which nothing public reads.
package editor

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"testing/fstest"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html templates/*.tmpl
var templates embed.FS

// Base is where the editor lives.
const Base = "/admin/directory"

// handlers holds the editor's dependencies.
type handlers struct {
	srv    *web.Server
	db     *store.DB
	outbox *mail.Outbox
	sealer *seal.Sealer
	now    func() time.Time
}

// Register adds the directory editor's pages to srv. Every route needs
// web.DirectoryEditor.
func Register(srv *web.Server, outbox *mail.Outbox, sealer *seal.Sealer) error {
	pages, err := pageFiles()
	if err != nil {
		return err
	}
	if err := srv.AddPages("editor", pages); err != nil {
		return err
	}
	// A visitor who follows a link to the editor signs in first.
	srv.RedirectDenied(web.DirectoryEditor, "/sign-in")
	h := &handlers{srv: srv, db: srv.DB, outbox: outbox, sealer: sealer, now: store.Now}
	rt, p := srv.Router, web.DirectoryEditor
	rt.Handle("GET "+Base, p, h.home)
	rt.Handle("GET "+Base+"/new/{kind}", p, h.newForm)
	rt.Handle("POST "+Base+"/new/{kind}", p, h.create)
	rt.Handle("GET "+Base+"/entries/{id}", p, h.show)
	rt.Handle("GET "+Base+"/entries/{id}/edit", p, h.editForm)
	rt.Handle("POST "+Base+"/entries/{id}/edit", p, h.save)
	rt.Handle("GET "+Base+"/entries/{id}/draft", p, h.draft)
	rt.Handle("POST "+Base+"/entries/{id}/publish", p, h.publish)
	rt.Handle("POST "+Base+"/entries/{id}/discard", p, h.discard)
	rt.Handle("POST "+Base+"/entries/{id}/checked", p, h.markChecked)
	rt.Handle("POST "+Base+"/entries/{id}/delete", p, h.startDelete)
	rt.Handle("GET "+Base+"/entries/{id}/history", p, h.history)
	rt.Handle("POST "+Base+"/entries/{id}/restore", p, h.restore)
	rt.Handle("GET "+Base+"/review", p, h.review)
	rt.Handle("GET "+Base+"/reports", p, h.reports)
	rt.Handle("GET "+Base+"/reports/{id}", p, h.report)
	rt.Handle("POST "+Base+"/reports/{id}", p, h.closeReport)
	rt.Handle("GET "+Base+"/settings", p, h.settingsForm)
	rt.Handle("POST "+Base+"/settings", p, h.saveSettings)
	return nil
}

// Kinds of entry as the editor's addresses name them.
var kindSlugs = map[string]string{
	"service":      directory.EntryService,
	"organisation": directory.EntryOrganization,
	"reading":      directory.EntryResource,
}

// kindNames say what an entry is, in words.
var kindNames = map[string]string{
	directory.EntryService:      "service",
	directory.EntryOrganization: "organisation",
	directory.EntryResource:     "guide or report",
}

func entryURL(id string) string { return Base + "/entries/" + id }

const flashKey = "directory.editor.flash"

func (h *handlers) flash(r *http.Request, msg string) { h.srv.Sessions.Put(r.Context(), flashKey, msg) }

func (h *handlers) popFlash(r *http.Request) string {
	return h.srv.Sessions.PopString(r.Context(), flashKey)
}

// event is an audit entry for what the member of staff making r did.
func (h *handlers) event(r *http.Request, action, targetType, targetID, detail string) audit.Event {
	p := web.PrincipalFrom(r)
	return audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: action, TargetType: targetType, TargetID: targetID,
		Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(), Detail: detail}
}

// entry is one listing as the editor's pages load it.
type entry struct {
	ID        string
	Kind      string
	Entry     directory.Entry  // Version 0 when never published
	Published directory.Record // empty when never published
	Draft     *Draft
}

// Published reports whether the entry was ever published.
func (e *entry) published() bool { return e.Entry.Version > 0 }

// Name is what to call the entry: the draft's name for a new one.
func (e *entry) Name() string {
	if e.published() {
		return e.Entry.Name
	}
	if e.Draft != nil {
		return e.Draft.Name
	}
	return ""
}

// load reads the entry in the address: its published state and its draft.
// It answers 404 itself when there is neither.
func (h *handlers) load(w http.ResponseWriter, r *http.Request) (*entry, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return nil, false
	}
	e, err := h.loadEntry(r.Context(), h.db, id)
	switch {
	case errors.Is(err, directory.ErrEntryNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, false
	}
	return e, true
}

func (h *handlers) loadEntry(ctx context.Context, q store.Querier, id string) (*entry, error) {
	e := &entry{ID: id}
	pub, err := directory.LoadEntry(ctx, q, id)
	switch {
	case err == nil:
		e.Entry, e.Kind = pub, pub.Kind
		v, err := directory.LoadVersion(ctx, q, id, pub.Version)
		if err != nil {
			return nil, err
		}
		if e.Published, err = directory.ParseRecord(pub.Kind, v.Doc); err != nil {
			return nil, err
		}
	case !errors.Is(err, directory.ErrEntryNotFound):
		return nil, err
	}
	d, err := loadDraft(ctx, q, id)
	switch {
	case err == nil:
		e.Draft, e.Kind = &d, d.Kind
	case !errors.Is(err, errNoDraft):
		return nil, err
	}
	if !e.published() && e.Draft == nil {
		return nil, directory.ErrEntryNotFound
	}
	return e, nil
}

// pageFiles is the templates with the directory stylesheet's address
// written into the partials, where each page's "before" block links it.
func pageFiles() (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(templates, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templates.ReadFile(path)
		if err != nil {
			return err
		}
		b = []byte(strings.ReplaceAll(string(b), "DIRECTORY_CSS_URL", directory.StylesheetURL()))
		out[strings.TrimPrefix(path, "templates/")] = &fstest.MapFile{Data: b}
		return nil
	})
	return out, err
}
