package settings

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// readClock checks the clock form: a whole number of days in range, and a
// known way of counting them.
func readClock(f *web.Form) ClockSettings {
	var cs ClockSettings
	days := f.Get("days")
	digits := days != ""
	for _, c := range days {
		digits = digits && c >= '0' && c <= '9'
	}
	n, err := strconv.Atoi(days)
	switch {
	case days == "":
		f.Fail("days", fmt.Sprintf("Enter the number of days, from %d to %d", MinResponseDays, MaxResponseDays))
	case !digits:
		f.Fail("days", "Enter the number of days as a whole number, like 14")
	case err != nil || n < MinResponseDays || n > MaxResponseDays:
		f.Fail("days", fmt.Sprintf("The number of days must be from %d to %d", MinResponseDays, MaxResponseDays))
	default:
		cs.Days = n
	}
	cs.Mode = workdays.Mode(f.Get("mode"))
	if !cs.Mode.Valid() {
		f.Fail("mode", "Select calendar days or working days")
	}
	return cs
}

// describe is a clock setting as staff read it: "14 working days".
func describe(cs ClockSettings) string {
	return fmt.Sprintf("%d %s", cs.Days, cs.Mode.Label())
}

// saveClock changes the first-response target. Case work's hook moves every
// running target in the same transaction, so no case is ever counted on a
// basis the unit no longer uses.
func (h *handlers) saveClock(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	next := readClock(f)
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	var before ClockSettings
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if before, err = Clock(ctx, tx); err != nil || before == next {
			return err
		}
		if err := Set(ctx, tx, KeyResponseDays, strconv.Itoa(next.Days), who.UserID); err != nil {
			return err
		}
		if err := Set(ctx, tx, KeyDayMode, string(next.Mode), who.UserID); err != nil {
			return err
		}
		if err := h.clockChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.clock",
			TargetType: "settings", TargetID: "clock", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: describe(next) + " (was " + describe(before) + ")"})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	msg := "The first-response target was already " + describe(next) + ". Nothing has changed."
	if before != next {
		msg = "The first-response target is now " + describe(next) + "."
		if h.onClockChange != nil {
			msg += " Every case still waiting for a first response has its target date worked out again on this basis."
		}
	}
	h.srv.Sessions.Put(ctx, keyFlash, msg)
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}
