package settings

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Unit is who the unit is and how to reach it, as its public pages
// (contact, privacy, accessibility) show it. An administrator sets it at
// /admin/settings/unit, so another unit can run psu as its own.
type Unit struct {
	Name    string // the unit's name, as the data controller
	Phone   string // as printed: "0207 866 3271"
	Email   string // optional
	Address string // optional; postal address, one line per line
	Hours   string // optional; when the phone is answered
	DPO     string // optional; how to reach the data protection officer
}

// The keys of the unit's details.
const (
	KeyUnitName    = "unit.name"
	KeyUnitPhone   = "unit.phone"
	KeyUnitEmail   = "unit.email"
	KeyUnitAddress = "unit.address"
	KeyUnitHours   = "unit.hours"
	KeyUnitDPO     = "unit.dpo"
)

// DefaultUnit is what a new psu shows until an administrator sets the
// unit's own details: the name and phone number of the London and KSS
// unit psu was made for (from its published directory), and nothing that
// is not known.
var DefaultUnit = Unit{Name: "Professional Support Unit", Phone: DefaultPhone}

// DefaultPhone is the unit's phone number as the source documents give it.
const DefaultPhone = "0207 866 3271"

// unitFields lists the details in the order the form asks for them, each
// with its key, its label and the most characters it takes.
var unitFields = []struct {
	key, name, label string
	max              int
	get              func(*Unit) *string
}{
	{KeyUnitName, "name", "Name of the unit", 120, func(u *Unit) *string { return &u.Name }},
	{KeyUnitPhone, "phone", "Phone number", 30, func(u *Unit) *string { return &u.Phone }},
	{KeyUnitEmail, "email", "E-mail address (optional)", 254, func(u *Unit) *string { return &u.Email }},
	{KeyUnitHours, "hours", "When the phone is answered (optional)", 200, func(u *Unit) *string { return &u.Hours }},
	{KeyUnitAddress, "address", "Postal address (optional)", 400, func(u *Unit) *string { return &u.Address }},
	{KeyUnitDPO, "dpo", "How to contact the data protection officer (optional)", 400, func(u *Unit) *string { return &u.DPO }},
}

// UnitDetails reads the unit's details, each falling back to DefaultUnit.
func UnitDetails(ctx context.Context, q store.Querier) (Unit, error) {
	u := DefaultUnit
	for _, f := range unitFields {
		p := f.get(&u)
		v, err := Get(ctx, q, f.key, *p)
		if err != nil {
			return Unit{}, err
		}
		*p = v
	}
	return u, nil
}

// AddressLines splits the postal address into its lines.
func (u Unit) AddressLines() []string {
	var out []string
	for l := range strings.Lines(u.Address) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// readUnit checks the unit form; every message says what to do.
func readUnit(f *web.Form) Unit {
	var u Unit
	for _, fd := range unitFields {
		v := strings.TrimSpace(strings.ReplaceAll(f.Get(fd.name), "\r\n", "\n"))
		if n := utf8.RuneCountInString(v); n > fd.max {
			f.Fail(fd.name, fmt.Sprintf("%s must be %d characters or fewer. You have %d", strings.TrimSuffix(fd.label, " (optional)"), fd.max, n))
		}
		*fd.get(&u) = v
	}
	if u.Name == "" {
		f.Fail("name", "Enter the name of the unit, as people should see it")
	}
	switch {
	case u.Phone == "":
		f.Fail("phone", "Enter the unit's phone number, like 020 7946 0000")
	case strings.Trim(u.Phone, "0123456789 +()") != "" || len(web.TelHref(u.Phone)) < len("tel:")+8:
		f.Fail("phone", "Enter the phone number with digits and spaces only, like 020 7946 0000")
	}
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			f.Fail("email", "Enter the e-mail address in the right format, like psu@example.nhs.uk")
		}
	}
	return u
}

// showUnit is the form for the unit's details.
func (h *handlers) showUnit(w http.ResponseWriter, r *http.Request) {
	u, err := UnitDetails(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	f := web.NewForm(nil)
	for _, fd := range unitFields {
		f.Values.Set(fd.name, *fd.get(&u))
	}
	h.renderUnit(w, r, http.StatusOK, f)
}

func (h *handlers) renderUnit(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	h.srv.Render(w, r, status, "settings/unit.html", web.Page{Title: "The unit's details", Form: f})
}

// saveUnit stores the unit's details: one row a detail, only those that
// changed, with one audit entry naming them.
func (h *handlers) saveUnit(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx, who := r.Context(), web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	u := readUnit(f)
	if !f.Valid() {
		h.renderUnit(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		before, err := UnitDetails(ctx, tx)
		if err != nil {
			return err
		}
		var changed []string
		for _, fd := range unitFields {
			if *fd.get(&before) == *fd.get(&u) {
				continue
			}
			if err := Set(ctx, tx, fd.key, *fd.get(&u), who.UserID); err != nil {
				return err
			}
			changed = append(changed, fd.name)
		}
		if len(changed) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.unit",
			TargetType: "settings", TargetID: "unit", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: "changed: " + strings.Join(changed, ", ")})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyFlash, "The unit's details are saved. The contact, privacy and accessibility pages show them now.")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// UnitPhone reads the unit's phone number, as the pages that offer a call
// show it.
func UnitPhone(ctx context.Context, q store.Querier) (string, error) {
	return Get(ctx, q, KeyUnitPhone, DefaultPhone)
}
