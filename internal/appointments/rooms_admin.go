package appointments

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// roomsView is what rooms.html shows.
type roomsView struct {
	Flash    string
	Rooms    []Room
	Hours    int
	Min, Max int
}

func (h *handlers) renderRooms(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	rooms, err := h.store.Rooms(ctx, h.srv.DB, false)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	hours, err := settings.ReminderHours(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if f.Values.Get("hours") == "" {
		f.Values.Set("hours", strconv.Itoa(hours))
	}
	view := roomsView{Flash: h.srv.Sessions.PopString(ctx, keyFlash), Rooms: rooms, Hours: hours,
		Min: settings.MinReminderHours, Max: settings.MaxReminderHours}
	h.srv.Render(w, r, status, "appointments/rooms.html", web.Page{Title: "Rooms and reminders", Form: f, Data: view})
}

// rooms lists the unit's rooms, with a form to add one and the reminder's
// notice.
func (h *handlers) rooms(w http.ResponseWriter, r *http.Request) {
	h.renderRooms(w, r, http.StatusOK, web.NewForm(nil))
}

// problem turns a refusal of what was typed into a message beside the
// field, and reports whether err was one.
func problem(f *web.Form, err error) bool {
	var pe *cases.ProblemError
	if errors.As(err, &pe) {
		f.Fail(pe.Field, pe.Message)
		return true
	}
	return false
}

// addRoom adds a room, in use from now.
func (h *handlers) addRoom(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	_, err := h.store.SaveRoom(r.Context(), h.gate.Viewer(r), Room{Name: f.Get("name"), Address: f.Get("address"), Active: true})
	if problem(f, err) {
		h.renderRooms(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(r.Context(), keyFlash, "Room added: "+f.Get("name")+".")
	http.Redirect(w, r, "/admin/rooms", http.StatusSeeOther)
}

// saveReminder sets how long before an appointment its reminder goes.
func (h *handlers) saveReminder(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	v := strings.TrimSpace(f.Get("hours"))
	n, err := strconv.Atoi(v)
	if v == "" || err != nil || !digits(v) {
		f.Fail("hours", "Enter the number of hours as a whole number, like 24")
		h.renderRooms(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err = h.store.SetReminderHours(r.Context(), h.gate.Viewer(r), n)
	if problem(f, err) {
		h.renderRooms(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(r.Context(), keyFlash, "Reminders now go "+strconv.Itoa(n)+" hours before each appointment.")
	http.Redirect(w, r, "/admin/rooms", http.StatusSeeOther)
}

// roomView is what room.html shows.
type roomView struct {
	Room *Room
}

func (h *handlers) renderRoom(w http.ResponseWriter, r *http.Request, status int, room *Room, f *web.Form) {
	h.srv.Render(w, r, status, "appointments/room.html", web.Page{Title: "Change a room", Form: f, Data: roomView{Room: room}})
}

func (h *handlers) loadRoom(w http.ResponseWriter, r *http.Request) (*Room, bool) {
	room, err := h.store.Room(r.Context(), h.srv.DB, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
		return nil, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return nil, false
	}
	return room, true
}

// roomForm changes a room: its name, address, and whether it is in use.
func (h *handlers) roomForm(w http.ResponseWriter, r *http.Request) {
	room, ok := h.loadRoom(w, r)
	if !ok {
		return
	}
	vals := url.Values{"name": {room.Name}, "address": {room.Address}}
	if room.Active {
		vals.Set("active", "yes")
	}
	h.renderRoom(w, r, http.StatusOK, room, web.NewForm(vals))
}

func (h *handlers) saveRoom(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	room, ok := h.loadRoom(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	_, err := h.store.SaveRoom(r.Context(), h.gate.Viewer(r), Room{ID: room.ID, Name: f.Get("name"), Address: f.Get("address"), Active: f.Get("active") == "yes"})
	if problem(f, err) {
		h.renderRoom(w, r, http.StatusUnprocessableEntity, room, f)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(r.Context(), keyFlash, "Room saved: "+f.Get("name")+".")
	http.Redirect(w, r, "/admin/rooms", http.StatusSeeOther)
}
