package directory

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// update is POST /my-list: add a service to the list, take one off, or
// empty it; then back to the page the button was on.
func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	id, action := r.PostForm.Get("id"), r.PostForm.Get("action")
	back := web.SafeRedirectTarget(r.PostForm.Get("back"))
	if !strings.HasPrefix(back, "/services") && !strings.HasPrefix(back, "/my-list") {
		back = "/my-list"
	}
	// These fields are the page's own, never typed: anything else is a
	// broken or altered page.
	if (action != "add" && action != "remove" && action != "clear") || (action != "clear" && !store.ValidID(id)) {
		h.srv.Error(w, r, http.StatusBadRequest)
		return
	}
	ids := h.myList(r)
	if action == "clear" {
		h.setList(r, nil)
		h.flash(r, "Your list is empty.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	var name string
	err := store.Scan(h.db.QueryRowContext(r.Context(), `SELECT name FROM dir_services WHERE id = ?`, id), &name)
	switch {
	case errors.Is(err, store.ErrNotFound) && action == "remove":
		name = "That service" // gone from the directory since it was added
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusBadRequest)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	switch {
	case action == "remove":
		h.setList(r, slices.DeleteFunc(ids, func(x string) bool { return x == id }))
		h.flash(r, name+" is no longer on your list.")
	case slices.Contains(ids, id):
		h.flash(r, name+" is already on your list.")
	case len(ids) >= maxList:
		h.flash(r, "Your list is full: it holds up to 50 services. Take one off to add "+name+".")
	default:
		h.setList(r, append(ids, id))
		h.flash(r, name+" is on your list.")
	}
	// Back to the same card, so the reader stays where they were.
	if strings.HasPrefix(back, "/services?") || back == "/services" || back == "/my-list" {
		back += "#service-" + id
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
