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
	Region  string // optional; where it works, in words: "London and Kent, Surrey and Sussex"
	Phone   string // as printed: "0207 866 3271"
	Email   string // optional
	Address string // optional; postal address, one line per line
	Hours   string // optional; when the phone is answered
	DPO     string // optional; how to reach the data protection officer
	// The lawful basis the privacy notice states: the UK GDPR Article 6
	// basis, and the Article 9 condition for health and other
	// special-category information. psu's defaults are a starting point
	// the unit's data protection officer must confirm.
	LawfulBasis     string
	SpecialCategory string
	// BasisConfirmed is "yes" once an administrator has said the unit's
	// data protection officer confirmed the two above; until then the
	// settings page asks for it.
	BasisConfirmed string
	// Tested is when, how and by whom the unit last had its website
	// tested for accessibility, as the accessibility statement says it;
	// optional.
	Tested string
}

// The keys of the unit's details.
const (
	KeyUnitName    = "unit.name"
	KeyUnitPhone   = "unit.phone"
	KeyUnitEmail   = "unit.email"
	KeyUnitAddress = "unit.address"
	KeyUnitHours   = "unit.hours"
	KeyUnitDPO     = "unit.dpo"
	KeyUnitRegion  = "unit.region"
	// KeyLawfulBasis and KeySpecialCategory are the UK GDPR Article 6
	// basis and Article 9 condition the privacy notice states.
	KeyLawfulBasis     = "privacy.lawful_basis"
	KeySpecialCategory = "privacy.special_category"
	KeyBasisConfirmed  = "privacy.basis_confirmed"
	// KeyAccessibilityTested is the unit's own account of its last
	// accessibility test.
	KeyAccessibilityTested = "accessibility.tested"
)

// DefaultUnit is what a new psu shows until an administrator sets the
// unit's own details: the name, region and phone number of the London and
// KSS unit psu was made for (from its published directory), a lawful basis
// for its DPO to confirm, and nothing that is not known.
var DefaultUnit = Unit{Name: "Professional Support Unit", Region: DefaultRegion, Phone: DefaultPhone,
	LawfulBasis: DefaultLawfulBasis, SpecialCategory: DefaultSpecialCategory}

// DefaultRegion is where the unit psu was made for works.
const DefaultRegion = "London and Kent, Surrey and Sussex"

// The lawful basis psu states until the unit sets its own: the one an NHS
// body supporting the education of its workforce would usually rely on.
// It is not advice; the unit's data protection officer confirms it.
const (
	DefaultLawfulBasis = "UK GDPR Article 6(1)(e): we use your information to carry out a task in the public interest, " +
		"supporting the education and training of healthcare professionals."
	DefaultSpecialCategory = "UK GDPR Article 9(2)(h), with the Data Protection Act 2018, Schedule 1, Part 1, paragraph 2 " +
		"(health or social care purposes): information about your health is needed to assess and support your capacity " +
		"to work and train, and only people who owe you a duty of confidentiality use it."
)

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
	{KeyUnitRegion, "region", "Where the unit works (optional)", 200, func(u *Unit) *string { return &u.Region }},
	{KeyUnitPhone, "phone", "Phone number", 30, func(u *Unit) *string { return &u.Phone }},
	{KeyUnitEmail, "email", "E-mail address (optional)", 254, func(u *Unit) *string { return &u.Email }},
	{KeyUnitHours, "hours", "When the phone is answered (optional)", 200, func(u *Unit) *string { return &u.Hours }},
	{KeyUnitAddress, "address", "Postal address (optional)", 400, func(u *Unit) *string { return &u.Address }},
	{KeyUnitDPO, "dpo", "How to contact the data protection officer (optional)", 400, func(u *Unit) *string { return &u.DPO }},
	{KeyLawfulBasis, "lawful_basis", "Lawful basis for using people's information", 1000, func(u *Unit) *string { return &u.LawfulBasis }},
	{KeySpecialCategory, "special_category", "Condition for using health and other special category information", 1000, func(u *Unit) *string { return &u.SpecialCategory }},
	{KeyBasisConfirmed, "basis_confirmed", "The data protection officer has confirmed the lawful basis", 3, func(u *Unit) *string { return &u.BasisConfirmed }},
	{KeyAccessibilityTested, "tested", "When and how the website was last tested for accessibility (optional)", 600, func(u *Unit) *string { return &u.Tested }},
}

// UnitDetails reads the unit's details, each falling back to DefaultUnit,
// in one query: public pages read them on every request.
func UnitDetails(ctx context.Context, q store.Querier) (Unit, error) {
	keys := make([]any, len(unitFields))
	for i, f := range unitFields {
		keys[i] = f.key
	}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, keys...)
	if err != nil {
		return Unit{}, fmt.Errorf("settings: unit: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]string, len(keys))
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return Unit{}, fmt.Errorf("settings: unit: %w", err)
		}
		stored[k] = v
	}
	if err := rows.Err(); err != nil {
		return Unit{}, fmt.Errorf("settings: unit: %w", err)
	}
	u := DefaultUnit
	for _, f := range unitFields {
		if v, ok := stored[f.key]; ok {
			*f.get(&u) = v
		}
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
	if u.LawfulBasis == "" {
		f.Fail("lawful_basis", "Enter the lawful basis under UK GDPR Article 6, as the unit's data protection officer confirmed it")
	}
	if u.SpecialCategory == "" {
		f.Fail("special_category", "Enter the condition under UK GDPR Article 9, as the unit's data protection officer confirmed it")
	}
	if u.BasisConfirmed != "" && u.BasisConfirmed != "yes" {
		u.BasisConfirmed = ""
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
	h.srv.Sessions.Put(ctx, keyFlash, "The unit's details are saved. The public pages and e-mails show them now.")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// CallLine is how an e-mail offers a call: the number, and when it is
// answered if the unit says.
func (u Unit) CallLine() string {
	if u.Hours == "" {
		return u.Phone
	}
	return u.Phone + " (" + strings.TrimSuffix(u.Hours, ".") + ")"
}

// UnitName reads the unit's name, as mail and pages that name the unit
// should give it.
func UnitName(ctx context.Context, q store.Querier) (string, error) {
	return Get(ctx, q, KeyUnitName, DefaultUnit.Name)
}

// UnitPhone reads the unit's phone number, as the pages that offer a call
// show it.
func UnitPhone(ctx context.Context, q store.Querier) (string, error) {
	return Get(ctx, q, KeyUnitPhone, DefaultPhone)
}
