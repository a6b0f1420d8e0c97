package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Route is one entry of the route table.
type Route struct {
	Pattern string // "GET /services/{id}"
	Perm    Permission
}

// Router is the route table: a stdlib ServeMux where every route is
// registered with the permission it needs.
type Router struct {
	mux    *http.ServeMux
	routes []Route
	deny   func(w http.ResponseWriter, r *http.Request, p Principal, perm Permission)
}

func newRouter(deny func(http.ResponseWriter, *http.Request, Principal, Permission)) *Router {
	return &Router{mux: http.NewServeMux(), deny: deny}
}

// Handle registers h for pattern (which must name a method), reachable only
// by principals holding perm.
func (rt *Router) Handle(pattern string, perm Permission, h http.HandlerFunc) {
	method, _, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || strings.HasPrefix(method, "/") {
		panic(fmt.Sprintf("web: route %q must start with a method", pattern))
	}
	if perm == "" {
		panic(fmt.Sprintf("web: route %q has no permission", pattern))
	}
	rt.routes = append(rt.routes, Route{Pattern: pattern, Perm: perm})
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rp, ok := r.Context().Value(routeKey{}).(*string); ok {
			*rp = r.Pattern
		}
		p := PrincipalFrom(r)
		if !p.Can(perm) {
			rt.deny(w, r, p, perm)
			return
		}
		h(w, r)
	}))
}

// Routes returns the route table, sorted, for tests and documentation.
func (rt *Router) Routes() []Route {
	out := append([]Route(nil), rt.routes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// Has reports whether a GET route exists for path exactly, so pages can show
// links only to what this build serves.
func (rt *Router) Has(path string) bool {
	for _, r := range rt.routes {
		if r.Pattern == "GET "+path {
			return true
		}
	}
	return false
}

type routeKey struct{}
