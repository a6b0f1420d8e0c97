package directory

import (
	"net/http"
	"slices"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// placeSettingsPage is what place_settings.html shows.
type placeSettingsPage struct {
	Regions  []option
	Services []option
	Flash    string
}

// placeSettings is GET /admin/settings/search: where the unit works and
// which service is its own, as search ranks by them.
func (h *handlers) placeSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	regions, err := settings.Get(ctx, h.db, KeyUnitRegions, DefaultUnitRegions)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	own, err := settings.Get(ctx, h.db, KeyOwnService, DefaultOwnService)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := map[string][]string{"region": strings.Split(regions, ","), "own": {own}}
	h.renderPlaceSettings(w, r, http.StatusOK, web.NewForm(v), h.popFlash(r))
}

func (h *handlers) renderPlaceSettings(w http.ResponseWriter, r *http.Request, status int, f *web.Form, flash string) {
	ctx := r.Context()
	snap, err := h.index.current(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := placeSettingsPage{Regions: options(snap.vocabulary.in(TaxRegions), f.Values["region"]...), Flash: flash}
	rows, err := h.db.QueryContext(ctx, `SELECT id, name FROM dir_services ORDER BY sort_name, id`)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var o option
		if err := rows.Scan(&o.Value, &o.Label); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		o.Selected = o.Value == f.Values.Get("own")
		p.Services = append(p.Services, o)
	}
	if err := rows.Err(); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Render(w, r, status, "directory/place_settings.html", web.Page{Title: "Where the unit works", Form: f, Data: p})
}

// savePlaceSettings is POST /admin/settings/search.
func (h *handlers) savePlaceSettings(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	snap, err := h.index.current(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	var regions []string
	for _, code := range f.Values["region"] {
		t := snap.vocabulary.byCode[code]
		if t == nil || t.TaxonomyName != TaxRegions {
			f.Fail("region", "Choose the regions from the list")
			break
		}
		if !slices.Contains(regions, code) {
			regions = append(regions, code)
		}
	}
	if len(f.Values["region"]) == 0 {
		f.Fail("region", "Choose at least one region the unit works in")
	}
	own := f.Get("own")
	if own == "" || !store.ValidID(own) || snap.docByID(own) < 0 {
		f.Fail("own", "Choose the unit's own service from the list")
	}
	if !f.Valid() {
		h.renderPlaceSettings(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	err = h.db.Tx(ctx, func(tx *store.Tx) error {
		if err := settings.Set(ctx, tx, KeyUnitRegions, strings.Join(regions, ","), who.UserID); err != nil {
			return err
		}
		if err := settings.Set(ctx, tx, KeyOwnService, own, who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.search",
			TargetType: "settings", TargetID: "search", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: "regions " + strings.Join(regions, ",") + "; own service " + own})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.flash(r, "Search now ranks services for "+strings.Join(regionNames(snap, regions), ", ")+" first.")
	http.Redirect(w, r, "/admin/settings/search", http.StatusSeeOther)
}

func regionNames(s *snapshot, codes []string) []string {
	var out []string
	for _, c := range codes {
		out = append(out, s.vocabulary.byCode[c].Name)
	}
	return out
}
