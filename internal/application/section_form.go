package application

import (
	"net/http"
	"net/url"

	"github.com/psu-project/psu/internal/web"
)

// sectionForm shows one page of the application with what was last saved
// on it.
func (h *handlers) sectionForm(s *section) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := h.draft(w, r)
		if !ok || !h.admitted(w, r, d) {
			return
		}
		values := d.Page(s.Slug)
		if s.Slug == "email" && values.Get("email") == "" && d.Email != "" {
			values = url.Values{"email": {d.Email}}
		}
		f := web.NewForm(values)
		h.renderSection(w, r, http.StatusOK, s, d, f, r.URL.Query().Get("return") == "check")
	}
}

func (h *handlers) renderSection(w http.ResponseWriter, r *http.Request, status int, s *section, d *Draft, f *web.Form, ret bool) {
	v := h.pageView(r, s, d, f, ret)
	h.srv.Render(w, r, status, "application/"+s.Slug+".html", web.Page{Title: s.Title, Form: f, Data: v})
}

func (h *handlers) pageView(r *http.Request, s *section, d *Draft, f *web.Form, ret bool) *pageView {
	v := &pageView{
		form:   form{d: d, f: f, fields: s.Fields},
		Action: h.withReturn(sectionPath(s.Slug), ret),
		Back:   previous(d, s.Slug),
		Return: ret,
		Flash:  h.flash(r.Context(), d),
	}
	if ret {
		v.Back = "/apply/check-answers"
	}
	v.Programme = programmeLabel(d.Eligibility)
	v.Region = regionLabel(d.Eligibility.Region)
	v.TrainingNumber = needsTrainingNumber(d)
	return v
}
