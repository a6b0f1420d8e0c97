package web

import "strings"

// Permission is what a route needs. Every route names exactly one, where it
// is registered; this is the whole list.
type Permission string

const (
	// Public: anyone, signed in or not.
	Public Permission = "public"
	// Applicant: the holder of an application draft (a trainee applying).
	Applicant Permission = "applicant"
	// Client: a trainee with an open case, signed in to the portal.
	Client Permission = "client"
	// Referrer: a supervisor or employer following their notification link.
	Referrer Permission = "referrer"
	// Staff: any signed-in member of staff (their own account pages).
	Staff Permission = "staff"
	// Adviser: advisers and triage leads, for the cases assigned to them.
	Adviser Permission = "adviser"
	// TriageLead: allocates new applications to advisers.
	TriageLead Permission = "triage-lead"
	// Reports: the unit's figures, counts only (triage leads and
	// administrators); no case is shown.
	Reports Permission = "reports"
	// Administrator: users, directory, audit, retention.
	Administrator Permission = "administrator"
	// DirectoryEditor: edits the support directory's listings.
	DirectoryEditor Permission = "directory-editor"
	// Operator: /metrics; a loopback caller or an administrator.
	Operator Permission = "operator"
)

// Permissions lists every permission, for the route matrix test.
var Permissions = []Permission{Public, Applicant, Client, Referrer, Staff, Adviser, TriageLead, Reports, Administrator, DirectoryEditor, Operator}

// Role is one of the roles a member of staff may hold; the empty role is a
// visitor who has not signed in.
type Role string

const (
	RoleNone            Role = ""
	RoleAdviser         Role = "adviser"
	RoleTriageLead      Role = "triage_lead"
	RoleAdministrator   Role = "administrator"
	RoleDirectoryEditor Role = "directory_editor"
)

// Roles lists every staff role, in the order they are shown.
var Roles = []Role{RoleAdministrator, RoleTriageLead, RoleAdviser, RoleDirectoryEditor}

// Label is the role's name as staff see it.
func (r Role) Label() string {
	switch r {
	case RoleAdviser:
		return "Adviser"
	case RoleTriageLead:
		return "Triage lead"
	case RoleAdministrator:
		return "Administrator"
	case RoleDirectoryEditor:
		return "Directory editor"
	}
	return "Visitor"
}

// ValidRole reports whether s names a staff role.
func ValidRole(s string) bool {
	for _, r := range Roles {
		if string(r) == s {
			return true
		}
	}
	return false
}

// RoleSet is the roles one person holds: each at most once, in the order
// of Roles, so two sets with the same roles are equal and print alike.
// Someone who both runs the service and works on cases holds both roles;
// no role implies another.
type RoleSet []Role

// NewRoleSet returns the set of the staff roles among rs.
func NewRoleSet(rs ...Role) RoleSet {
	var out RoleSet
	for _, r := range Roles {
		for _, x := range rs {
			if x == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Has reports whether the set holds r.
func (s RoleSet) Has(r Role) bool {
	for _, x := range s {
		if x == r {
			return true
		}
	}
	return false
}

// String is the set as the audit trail records it: "administrator,triage_lead".
func (s RoleSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

// Labels are the roles' names as staff see them, in order.
func (s RoleSet) Labels() []string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = r.Label()
	}
	return out
}

// Label is the roles' names in one line: "Administrator, Triage lead".
func (s RoleSet) Label() string { return strings.Join(s.Labels(), ", ") }

// Principal is who is making a request.
type Principal struct {
	UserID   string
	Name     string
	Roles    RoleSet
	Loopback bool // the client is on this machine (after trusted proxies)

	// Grants held through the session rather than a staff role, set by the
	// domain that issued them (an application draft, a portal sign-in).
	Extra map[Permission]bool
}

// SignedIn reports whether a member of staff is signed in.
func (p Principal) SignedIn() bool { return p.UserID != "" }

// Can reports whether p holds permission perm through any of their roles.
// Administrators run the system but do not see case work: confidentiality
// is by role, not by rank, so an administrator who also works on cases
// holds the adviser or triage lead role as well.
func (p Principal) Can(perm Permission) bool {
	switch perm {
	case Public:
		return true
	case Staff:
		return p.SignedIn()
	case Adviser:
		return p.Roles.Has(RoleAdviser) || p.Roles.Has(RoleTriageLead)
	case TriageLead:
		return p.Roles.Has(RoleTriageLead)
	case Reports:
		return p.Roles.Has(RoleTriageLead) || p.Roles.Has(RoleAdministrator)
	case Administrator:
		return p.Roles.Has(RoleAdministrator)
	case DirectoryEditor:
		return p.Roles.Has(RoleDirectoryEditor)
	case Operator:
		return p.Loopback || p.Roles.Has(RoleAdministrator)
	}
	return p.Extra[perm]
}

// Grant adds perm to p's session-held permissions.
func (p *Principal) Grant(perm Permission) {
	if p.Extra == nil {
		p.Extra = map[Permission]bool{}
	}
	p.Extra[perm] = true
}
