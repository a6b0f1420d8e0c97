package application

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// docView is a document as the documents page lists it.
type docView struct {
	Document
	KindLabel, SizeLabel string
}

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func (h *handlers) renderDocuments(w http.ResponseWriter, r *http.Request, status int, d *Draft, f *web.Form, ret bool) {
	s := sectionBySlug("documents")
	files, err := h.store.DraftFiles(r.Context(), d.ID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := h.pageView(r, s, d, f, ret)
	v.Next = next(d, s.Slug, ret)
	var docs []docView
	for _, doc := range files {
		docs = append(docs, docView{doc, s.field("kind").optionLabel(doc.Kind), sizeLabel(doc.Size)})
	}
	h.srv.Render(w, r, status, "application/documents.html", web.Page{Title: s.Title, Form: f, Data: struct {
		*pageView
		Docs []docView
		Full bool
	}{v, docs, len(files) >= MaxFiles}})
}

// documents lists what has been uploaded and offers to upload more.
func (h *handlers) documents(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok || !h.admitted(w, r, d) {
		return
	}
	h.renderDocuments(w, r, http.StatusOK, d, web.NewForm(nil), r.URL.Query().Get("return") == "check")
}

// removeDocument deletes one uploaded document.
func (h *handlers) removeDocument(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	err := h.store.RemoveFile(ctx, d.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Already removed (a second click): nothing to do.
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if err == nil {
		h.setFlash(ctx, flashRemoved, "")
	}
	http.Redirect(w, r, h.withReturn("/apply/documents", r.URL.Query().Get("return") == "check"), http.StatusSeeOther)
}
