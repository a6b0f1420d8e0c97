package pages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Adviser field limits, in characters.
const (
	maxAdviserName       = 200
	maxAdviserRole       = 200
	maxAdviserBackground = 3000
)

const keyAdviserFlash = "pages.advisers.flash"

type adviserForm struct {
	Adviser Adviser // the adviser being edited; zero when adding
	Action  string
	Max     int
}

func (p pages) adminAdvisers(w http.ResponseWriter, r *http.Request) {
	as, err := Advisers(r.Context(), p.srv.DB)
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Render(w, r, http.StatusOK, "pages/admin_advisers.html", web.Page{Title: "Adviser biographies", Data: struct {
		Advisers []Adviser
		Flash    string
	}{as, p.srv.Sessions.PopString(r.Context(), keyAdviserFlash)}})
}

func (p pages) renderAdviserForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, a Adviser) {
	title, action := "Add an adviser", "/admin/advisers"
	if a.ID != "" {
		title, action = "Edit "+a.Name, "/admin/advisers/"+a.ID
	}
	p.srv.Render(w, r, status, "pages/admin_adviser_form.html", web.Page{Title: title, Form: f,
		Data: adviserForm{Adviser: a, Action: action, Max: maxAdviserBackground}})
}

func (p pages) newAdviserForm(w http.ResponseWriter, r *http.Request) {
	p.renderAdviserForm(w, r, http.StatusOK, web.NewForm(nil), Adviser{})
}

// loadAdviser finds the adviser named in the address, answering 404 itself.
func (p pages) loadAdviser(w http.ResponseWriter, r *http.Request) (Adviser, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		p.srv.Error(w, r, http.StatusNotFound)
		return Adviser{}, false
	}
	a, err := AdviserByID(r.Context(), p.srv.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		p.srv.Error(w, r, http.StatusNotFound)
		return Adviser{}, false
	}
	if err != nil {
		p.srv.ServerError(w, r, err)
		return Adviser{}, false
	}
	return a, true
}

func (p pages) editAdviserForm(w http.ResponseWriter, r *http.Request) {
	a, ok := p.loadAdviser(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"name": {a.Name}, "role": {a.Role}, "background": {a.Background}})
	p.renderAdviserForm(w, r, http.StatusOK, f, a)
}

// validateAdviser checks the form and copies it into a.
func validateAdviser(f *web.Form, a *Adviser) {
	check := func(field, missing, what string, max int) string {
		v := f.Get(field)
		switch n := utf8.RuneCountInString(v); {
		case v == "":
			f.Fail(field, missing)
		case n > max:
			f.Fail(field, fmt.Sprintf("%s must be %d characters or fewer; it has %d", what, max, n))
		}
		return v
	}
	a.Name = check("name", "Enter the adviser's name", "The name", maxAdviserName)
	a.Role = check("role", "Enter the adviser's role, for example Associate Dean", "The role", maxAdviserRole)
	a.Background = check("background", "Enter a short background for the adviser", "The background", maxAdviserBackground)
}

func (p pages) createAdviser(w http.ResponseWriter, r *http.Request) {
	if !p.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	var a Adviser
	validateAdviser(f, &a)
	if !f.Valid() {
		p.renderAdviserForm(w, r, http.StatusUnprocessableEntity, f, Adviser{})
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	err := p.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := CreateAdviser(ctx, tx, &a); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "pages.adviser_added", TargetType: "adviser", TargetID: a.ID})
	})
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Sessions.Put(ctx, keyAdviserFlash, a.Name+" has been added to the advisers page.")
	http.Redirect(w, r, "/admin/advisers", http.StatusSeeOther)
}

func (p pages) updateAdviser(w http.ResponseWriter, r *http.Request) {
	a, ok := p.loadAdviser(w, r)
	if !ok || !p.srv.ParseForm(w, r) {
		return
	}
	f := web.NewForm(r.PostForm)
	edited := a
	validateAdviser(f, &edited)
	if !f.Valid() {
		p.renderAdviserForm(w, r, http.StatusUnprocessableEntity, f, a)
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	err := p.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := UpdateAdviser(ctx, tx, &edited); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "pages.adviser_changed", TargetType: "adviser", TargetID: a.ID})
	})
	if errors.Is(err, store.ErrNotFound) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Sessions.Put(ctx, keyAdviserFlash, "Your changes to "+edited.Name+" have been saved.")
	http.Redirect(w, r, "/admin/advisers", http.StatusSeeOther)
}

func (p pages) deleteAdviserForm(w http.ResponseWriter, r *http.Request) {
	a, ok := p.loadAdviser(w, r)
	if !ok {
		return
	}
	p.srv.Render(w, r, http.StatusOK, "pages/admin_adviser_delete.html", web.Page{Title: "Remove " + a.Name, Data: a})
}

func (p pages) deleteAdviser(w http.ResponseWriter, r *http.Request) {
	a, ok := p.loadAdviser(w, r)
	if !ok {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	err := p.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := DeleteAdviser(ctx, tx, a.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "pages.adviser_removed", TargetType: "adviser", TargetID: a.ID})
	})
	if errors.Is(err, store.ErrNotFound) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Sessions.Put(ctx, keyAdviserFlash, a.Name+" has been removed from the advisers page.")
	http.Redirect(w, r, "/admin/advisers", http.StatusSeeOther)
}
