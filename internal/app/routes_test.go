package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Every registered route names a permission from the one list.
func TestEveryRouteHasAKnownPermission(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	known := map[web.Permission]bool{}
	for _, p := range web.Permissions {
		known[p] = true
	}
	routes := in.App.Web.Router.Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		if !known[r.Perm] {
			t.Errorf("%s has permission %q, not in web.Permissions", r.Pattern, r.Perm)
		}
	}
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// concrete turns a route pattern into a request path.
func concrete(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
		switch {
		case strings.HasSuffix(w, "...}"):
			return "css/psu.css"
		case strings.Contains(w, "id"):
			return store.NewID()
		default:
			return "x"
		}
	})
	return method, path
}

// denied reports whether the route table (not the handler) turned the
// request away: 403, or a visitor's GET sent where the table sends it.
func denied(srv *web.Server, perm web.Permission, res apptest.Response) bool {
	if res.StatusCode == http.StatusForbidden {
		return true
	}
	to := srv.DeniedLocation(perm)
	loc := res.Header.Get("Location")
	return res.StatusCode == http.StatusSeeOther && to != "" &&
		(loc == to || (to == "/sign-in" && strings.HasPrefix(loc, "/sign-in?next=")))
}

var changesSession = map[string]bool{"POST /sign-out": true, "POST /apply/start": true}

// Every route, tried as every role and as people holding two: reachable
// exactly by those whose roles' permissions allow it. Requests come through
// a trusted proxy from outside, so loopback does not grant the operator
// permission.
func TestRouteMatrix(t *testing.T) {
	in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	people := []web.RoleSet{nil}
	for _, r := range web.Roles {
		people = append(people, web.NewRoleSet(r))
	}
	// An administrator who also works on cases, and an adviser who also
	// keeps the directory: each reaches what either role allows.
	people = append(people, web.NewRoleSet(web.RoleAdministrator, web.RoleTriageLead), web.NewRoleSet(web.RoleAdviser, web.RoleDirectoryEditor))
	clients := make([]*apptest.Client, len(people))
	for i, roles := range people {
		c := in.Client(t)
		c.Headers.Set("X-Forwarded-For", "203.0.113.77")
		if len(roles) > 0 {
			c.SignIn(in.CreateStaff(t, roles[0], roles[1:]...))
		}
		clients[i] = c
	}
	// Routes that change the session itself (ending it, or starting an
	// application draft, which grants web.Applicant) go last, so they do
	// not change what the rest of the matrix sees.
	routes := in.App.Web.Router.Routes()
	sort.SliceStable(routes, func(i, j int) bool {
		return !changesSession[routes[i].Pattern] && changesSession[routes[j].Pattern]
	})
	for _, r := range routes {
		method, path := concrete(r.Pattern)
		for i, c := range clients {
			roles := people[i]
			p := web.Principal{Roles: roles}
			if len(roles) > 0 {
				p.UserID = "someone"
			}
			want := p.Can(r.Perm)
			var res apptest.Response
			if method == http.MethodPost {
				res = c.Post(path, url.Values{})
			} else {
				res = c.Get(path)
			}
			if got := !denied(in.App.Web, r.Perm, res); got != want {
				t.Errorf("%s as %q: allowed=%v (status %d), want %v", r.Pattern, who(roles), got, res.StatusCode, want)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s as %q: status %d", r.Pattern, who(roles), res.StatusCode)
			}
		}
	}
}

// who names a set of roles in a test's message.
func who(roles web.RoleSet) string {
	if len(roles) == 0 {
		return "Visitor"
	}
	return roles.Label()
}

// A person's permissions are the union of their roles' and nothing more:
// holding administrator with another role does not open case work to the
// administrator role alone, nor does any role imply another.
func TestRoleSetPermissions(t *testing.T) {
	admin := web.Principal{UserID: "a", Roles: web.NewRoleSet(web.RoleAdministrator)}
	both := web.Principal{UserID: "b", Roles: web.NewRoleSet(web.RoleTriageLead, web.RoleAdministrator)}
	editor := web.Principal{UserID: "c", Roles: web.NewRoleSet(web.RoleDirectoryEditor)}
	for _, c := range []struct {
		p    web.Principal
		perm web.Permission
		want bool
	}{
		{admin, web.Administrator, true}, {admin, web.Adviser, false}, {admin, web.TriageLead, false}, {admin, web.DirectoryEditor, false},
		{both, web.Administrator, true}, {both, web.Adviser, true}, {both, web.TriageLead, true}, {both, web.DirectoryEditor, false},
		{admin, web.Reports, true}, {both, web.Reports, true}, {editor, web.Reports, false}, {web.Principal{UserID: "d", Roles: web.NewRoleSet(web.RoleAdviser)}, web.Reports, false},
		{editor, web.DirectoryEditor, true}, {editor, web.Adviser, false}, {editor, web.Administrator, false}, {editor, web.Staff, true},
	} {
		if got := c.p.Can(c.perm); got != c.want {
			t.Errorf("%s can %s: %v, want %v", c.p.Roles.Label(), c.perm, got, c.want)
		}
	}
	if got := both.Roles.String(); got != "administrator,triage_lead" {
		t.Errorf("audit form %q", got)
	}
	if got := web.NewRoleSet(web.RoleAdviser, "nonsense", web.RoleAdviser).String(); got != "adviser" {
		t.Errorf("NewRoleSet keeps %q", got)
	}
}
