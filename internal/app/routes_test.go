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

// Every route, tried as every role: reachable exactly by the roles its
// permission allows. Requests come through a trusted proxy from outside, so
// loopback does not grant the operator permission.
func TestRouteMatrix(t *testing.T) {
	in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	clients := map[web.Role]*apptest.Client{}
	for _, role := range append([]web.Role{web.RoleNone}, web.Roles...) {
		c := in.Client(t)
		c.Headers.Set("X-Forwarded-For", "203.0.113.77")
		if role != web.RoleNone {
			c.SignIn(in.CreateStaff(t, role))
		}
		clients[role] = c
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
		for role, c := range clients {
			p := web.Principal{Role: role}
			if role != web.RoleNone {
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
				t.Errorf("%s as %q: allowed=%v (status %d), want %v", r.Pattern, role.Label(), got, res.StatusCode, want)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s as %q: status %d", r.Pattern, role.Label(), res.StatusCode)
			}
		}
	}
}
