package pages

import (
	"errors"
	"net/http"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

const keyAdviserFlash = "pages.advisers.flash"

// adminBios is what admin_advisers.html shows.
type adminBios struct {
	Waiting   []Bio // drafts, for publishing
	Published []Bio
	// Updating names the accounts whose published biography has a newer
	// draft waiting.
	Updating map[string]bool
	// Live names the accounts with a published biography.
	Live  map[string]bool
	Flash string
}

// adminAdvisers is GET /admin/advisers: drafts waiting to be published, and
// the published biographies.
func (p pages) adminAdvisers(w http.ResponseWriter, r *http.Request) {
	bs, err := AllBios(r.Context(), p.srv.DB)
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	d := adminBios{Updating: map[string]bool{}, Live: map[string]bool{}, Flash: p.srv.Sessions.PopString(r.Context(), keyAdviserFlash)}
	for _, b := range bs {
		if b.State == StateDraft {
			d.Waiting = append(d.Waiting, b)
			if b.UserID != "" {
				d.Updating[b.UserID] = true
			}
		} else {
			d.Published = append(d.Published, b)
			if b.UserID != "" {
				d.Live[b.UserID] = true
			}
		}
	}
	p.srv.Render(w, r, http.StatusOK, "pages/admin_advisers.html", web.Page{Title: "Adviser biographies", Data: d})
}

// loadBio finds the biography named in the address, answering 404 itself.
func (p pages) loadBio(w http.ResponseWriter, r *http.Request) (Bio, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		p.srv.Error(w, r, http.StatusNotFound)
		return Bio{}, false
	}
	b, err := BioByID(r.Context(), p.srv.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		p.srv.Error(w, r, http.StatusNotFound)
		return Bio{}, false
	}
	if err != nil {
		p.srv.ServerError(w, r, err)
		return Bio{}, false
	}
	return b, true
}

// adminPhoto is GET /admin/advisers/{id}/photo: any biography's photo,
// drafts included, for the administrator deciding whether to publish.
func (p pages) adminPhoto(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	ph, err := photoOf(r.Context(), p.srv.DB, `b.id = ?`, id)
	p.servePhoto(w, r, ph, err, "no-store")
}

// change runs one administrator's action on biography id and goes back to
// the list with a message.
func (p pages) change(w http.ResponseWriter, r *http.Request, action string, do func(tx *store.Tx, id string) (Bio, error), flash func(Bio) string) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	var b Bio
	err := p.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = do(tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: action,
			TargetType: "adviser_bio", TargetID: id, Source: p.source(r)})
	})
	switch {
	case errors.Is(err, ErrNotDraft):
		p.srv.Sessions.Put(ctx, keyAdviserFlash, "That biography had already been published.")
	case errors.Is(err, store.ErrNotFound):
		p.srv.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		p.srv.ServerError(w, r, err)
		return
	default:
		p.srv.Sessions.Put(ctx, keyAdviserFlash, flash(b))
	}
	http.Redirect(w, r, "/admin/advisers", http.StatusSeeOther)
}

// publishBio is POST /admin/advisers/{id}/publish.
func (p pages) publishBio(w http.ResponseWriter, r *http.Request) {
	who := web.PrincipalFrom(r)
	p.change(w, r, "pages.biography_published", func(tx *store.Tx, id string) (Bio, error) {
		return Publish(r.Context(), tx, id, who.UserID)
	}, func(b Bio) string { return b.Name + "'s biography is now on the advisers page." })
}

// unpublishBio is POST /admin/advisers/{id}/unpublish.
func (p pages) unpublishBio(w http.ResponseWriter, r *http.Request) {
	p.change(w, r, "pages.biography_unpublished", func(tx *store.Tx, id string) (Bio, error) {
		return Unpublish(r.Context(), tx, id)
	}, func(b Bio) string { return b.Name + "'s biography has been taken off the advisers page." })
}

// deleteAdviserForm is GET /admin/advisers/{id}/delete: confirming the
// removal of an entry carried over from before advisers wrote their own.
func (p pages) deleteAdviserForm(w http.ResponseWriter, r *http.Request) {
	b, ok := p.loadBio(w, r)
	if !ok {
		return
	}
	if b.UserID != "" {
		p.srv.Error(w, r, http.StatusNotFound)
		return
	}
	p.srv.Render(w, r, http.StatusOK, "pages/admin_adviser_delete.html", web.Page{Title: "Remove " + b.Name, Data: b})
}

// deleteAdviser is POST /admin/advisers/{id}/delete.
func (p pages) deleteAdviser(w http.ResponseWriter, r *http.Request) {
	b, ok := p.loadBio(w, r)
	if !ok {
		return
	}
	p.change(w, r, "pages.adviser_removed", func(tx *store.Tx, id string) (Bio, error) {
		return b, RemoveCarriedOver(r.Context(), tx, id)
	}, func(b Bio) string { return b.Name + " has been removed from the advisers page." })
}
