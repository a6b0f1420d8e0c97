package settings

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// readRetention checks the retention form: a whole number of years in
// range.
func readRetention(f *web.Form) int {
	v := strings.TrimSpace(f.Get("years"))
	n, err := strconv.Atoi(v)
	switch {
	case v == "":
		f.Fail("years", fmt.Sprintf("Enter the number of years, from %d to %d", MinRetentionYears, MaxRetentionYears))
	case err != nil:
		f.Fail("years", "Enter the number of years as a whole number, like 7")
	case n < MinRetentionYears || n > MaxRetentionYears:
		f.Fail("years", fmt.Sprintf("The number of years must be from %d to %d", MinRetentionYears, MaxRetentionYears))
	}
	return n
}

// saveRetention changes how long an ended case is kept before the
// retention job erases it.
func (h *handlers) saveRetention(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	years := readRetention(f)
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		before, err := RetentionYears(ctx, tx)
		if err != nil || before == years {
			return err
		}
		if err := Set(ctx, tx, KeyRetentionYears, strconv.Itoa(years), who.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.retention",
			TargetType: "settings", TargetID: "retention", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: fmt.Sprintf("%d years (was %d)", years, before)})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyFlash, fmt.Sprintf("Ended cases are now kept for %d years, then erased.", years))
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}
