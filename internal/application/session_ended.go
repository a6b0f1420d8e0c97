package application

import (
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/web"
)

// typedEntry is one answer shown back to someone whose session ended.
type typedEntry struct {
	Label string
	Value string
}

// sessionEnded answers a draft page posted by a browser that no longer holds
// the draft (the session timed out, or it never held one). Nothing is saved:
// the right to change a draft lives only in the session. So that nothing
// typed is lost, the person's own answers from this page are shown back to
// them to copy, with the way to carry on.
func (h *handlers) sessionEnded(w http.ResponseWriter, r *http.Request) {
	var typed []typedEntry
	upload := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
	if !upload && r.ParseForm() == nil {
		typed = typedOn(strings.TrimPrefix(r.URL.Path, "/apply/"), r.PostForm)
	}
	h.srv.Render(w, r, http.StatusForbidden, "application/session_ended.html", web.Page{
		Title: "Your session has ended",
		Data:  struct{ Typed []typedEntry }{typed},
	})
}

// typedOn lists the non-empty answers posted to the section page slug, in
// the page's order, with choices shown by their labels.
func typedOn(slug string, posted map[string][]string) []typedEntry {
	var out []typedEntry
	for _, s := range sections {
		if s.Slug != slug {
			continue
		}
		for _, fd := range s.Fields {
			var vals []string
			for _, name := range fd.names() {
				for _, v := range posted[name] {
					if v = strings.TrimSpace(v); v != "" {
						vals = append(vals, fd.optionLabel(v))
					}
				}
			}
			if len(vals) > 0 {
				sep := ", "
				if fd.Kind == kindDate || fd.Kind == kindMonth {
					sep = " / "
				}
				out = append(out, typedEntry{Label: fd.Label, Value: strings.Join(vals, sep)})
			}
		}
	}
	return out
}
