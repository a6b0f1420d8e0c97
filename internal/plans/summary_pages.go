package plans

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

type summaryFormView struct {
	Discussed, Agreed string
	Plan              *Plan
	Versions          []Version
	Target            Target
	Within            int
	Max               int
}

// summaryForm is where the adviser writes the summary from its template:
// what was discussed and what was agreed; the plan and the services come
// from the plan.
func (h *handlers) summaryForm(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "summary")
	if !ok {
		return
	}
	h.renderSummaryForm(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderSummaryForm(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	ctx := r.Context()
	d, err := h.st.Draft(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := summaryFormView{Discussed: d.Discussed, Agreed: d.Agreed, Within: SummaryWithin, Max: MaxSection}
	if f != nil {
		v.Discussed, v.Agreed = f.Values.Get("discussed"), f.Values.Get("agreed")
	}
	if v.Plan, err = h.st.Plan(ctx, h.srv.DB, c); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if v.Versions, err = h.st.Versions(ctx, c); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if v.Target, err = h.st.SummaryTarget(ctx, c, h.now()); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.render(w, r, status, "summary_form.html", "Written summary", c, f, v)
}

// summarySave saves the draft, and with "Preview" makes the preview and
// shows it.
func (h *handlers) summarySave(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	preview := r.PostForm.Get("action") == "preview"
	if err := h.st.SaveDraft(r.Context(), v, c.ID, r.PostForm.Get("discussed"), r.PostForm.Get("agreed"), preview); err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.renderSummaryForm(w, r, status, c, f) })
		return
	}
	if preview {
		http.Redirect(w, r, casePath(c, "/summary/preview"), http.StatusSeeOther)
		return
	}
	h.back(w, r, "draft-saved", casePath(c, "/summary"))
}

type previewView struct {
	Draft    *Draft
	Versions []Version
	Next     int
}

// summaryPreview shows the summary exactly as it will be issued: this page
// is also the accessible version of the PDF.
func (h *handlers) summaryPreview(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "summary preview")
	if !ok {
		return
	}
	h.renderPreview(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderPreview(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	d, err := h.st.Draft(r.Context(), c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	vs, err := h.st.Versions(r.Context(), c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.render(w, r, status, "summary_preview.html", "Check the summary", c, f, previewView{Draft: d, Versions: vs, Next: len(vs) + 1})
}

func (h *handlers) summaryIssue(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	out, err := h.st.Issue(r.Context(), v, c.ID, r.PostForm.Get("token"))
	if err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) {
			fresh, err := h.st.Cases.Get(r.Context(), h.srv.DB, c.ID)
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			h.renderPreview(w, r, status, fresh, f)
		})
		return
	}
	if out.Mailed {
		h.gate.Done(w, r, c, "plans-issued")
		return
	}
	h.gate.Done(w, r, c, "plans-issued-not-sent")
}

type versionView struct {
	Number int
	Doc    *Doc
}

// version reads the version in the address for someone allowed to see the
// case; it answers 404 itself.
func (h *handlers) version(w http.ResponseWriter, r *http.Request, c *cases.Case) (int, *Doc, []byte, bool) {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		h.srv.Error(w, r, http.StatusNotFound)
		return 0, nil, nil, false
	}
	doc, pdf, err := h.st.Summary(r.Context(), c, n)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return 0, nil, nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return 0, nil, nil, false
	}
	return n, doc, pdf, true
}

// summaryVersion shows an issued version as a page: the accessible version
// of its PDF.
func (h *handlers) summaryVersion(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.summary.view", "summary version "+r.PathValue("version"))
	if !ok {
		return
	}
	n, doc, _, ok := h.version(w, r, c)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "summary_version.html", fmt.Sprintf("Written summary, version %d", n), c, nil, versionView{Number: n, Doc: doc})
}

// summaryPDF sends an issued version's PDF; the download is recorded.
func (h *handlers) summaryPDF(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.summary.download", "summary version "+r.PathValue("version"))
	if !ok {
		return
	}
	n, _, pdf, ok := h.version(w, r, c)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="summary-%s-v%d.pdf"`, c.Reference, n))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pdf)
}
