package web

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
	// Administrator: users, directory, audit, retention.
	Administrator Permission = "administrator"
	// Operator: /metrics; a loopback caller or an administrator.
	Operator Permission = "operator"
)

// Permissions lists every permission, for the route matrix test.
var Permissions = []Permission{Public, Applicant, Client, Referrer, Staff, Adviser, TriageLead, Administrator, Operator}

// Role is a staff member's role; the empty role is a visitor who has not
// signed in.
type Role string

const (
	RoleNone          Role = ""
	RoleAdviser       Role = "adviser"
	RoleTriageLead    Role = "triage_lead"
	RoleAdministrator Role = "administrator"
)

// Roles lists every staff role.
var Roles = []Role{RoleAdviser, RoleTriageLead, RoleAdministrator}

// Label is the role's name as staff see it.
func (r Role) Label() string {
	switch r {
	case RoleAdviser:
		return "Adviser"
	case RoleTriageLead:
		return "Triage lead"
	case RoleAdministrator:
		return "Administrator"
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

// Principal is who is making a request.
type Principal struct {
	UserID   string
	Name     string
	Role     Role
	Loopback bool // the client is on this machine (after trusted proxies)

	// Grants held through the session rather than a staff role, set by the
	// domain that issued them (an application draft, a portal sign-in).
	Extra map[Permission]bool
}

// SignedIn reports whether a member of staff is signed in.
func (p Principal) SignedIn() bool { return p.UserID != "" }

// Can reports whether p holds permission perm. Administrators run the system
// but do not see case work: confidentiality is by role, not by rank.
func (p Principal) Can(perm Permission) bool {
	switch perm {
	case Public:
		return true
	case Staff:
		return p.SignedIn()
	case Adviser:
		return p.Role == RoleAdviser || p.Role == RoleTriageLead
	case TriageLead:
		return p.Role == RoleTriageLead
	case Administrator:
		return p.Role == RoleAdministrator
	case Operator:
		return p.Loopback || p.Role == RoleAdministrator
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
