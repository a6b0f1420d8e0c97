package plans

import (
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

type notesView struct {
	Note  SessionNote
	Found bool
	Value string
	Max   int
}

// notesPage shows a session's notes to edit. The address names the notes;
// the case page links to a fresh id to start a new session's notes, which
// the first save creates.
func (h *handlers) notesPage(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.gate.Open(w, r, "case.view", "session notes")
	if !ok {
		return
	}
	h.renderNotes(w, r, http.StatusOK, c, nil)
}

func (h *handlers) renderNotes(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	n, found, err := h.st.SessionNote(r.Context(), c, id)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := notesView{Note: n, Found: found, Value: n.Body, Max: MaxSessionNote}
	if f != nil {
		v.Value = f.Values.Get("notes")
	}
	h.render(w, r, status, "session_notes.html", "Session notes", c, f, v)
}

// notesSave is the Save button, for when JavaScript is off (or the person
// prefers it): the same save as autosave, then the page again.
func (h *handlers) notesSave(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	if !store.ValidID(r.PathValue("id")) {
		h.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err := h.st.SaveSessionNote(r.Context(), v, c.ID, r.PathValue("id"), r.PostForm.Get("notes")); err != nil {
		h.gate.Failed(w, r, c, err, func(status int, f *web.Form) { h.renderNotes(w, r, status, c, f) })
		return
	}
	h.back(w, r, "notes-saved", casePath(c, "/session-notes/"+r.PathValue("id")))
}

// notesAutosave is what the page's script posts every few seconds of idle
// typing: 204 when saved, 422 with {"error": …} when the text cannot be
// (too long, say). A refusal or a signed-out session gets the usual 403.
func (h *handlers) notesAutosave(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.act(w, r)
	if !ok {
		return
	}
	if !store.ValidID(r.PathValue("id")) {
		web.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "These notes cannot be found. Go back to the case and start the session notes again."})
		return
	}
	err := h.st.SaveSessionNote(r.Context(), v, c.ID, r.PathValue("id"), r.PostForm.Get("notes"))
	var pe *cases.ProblemError
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.As(err, &pe):
		web.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": pe.Message})
	default:
		h.gate.Failed(w, r, c, err, nil)
	}
}
