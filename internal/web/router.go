package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// DefaultMaxBody is the largest request body a route accepts unless it says
// otherwise where it is registered: room for any form or JSON request psu
// takes, and nothing like a document.
const DefaultMaxBody = 64 << 10

// LargeBodyBudget is how many bytes of bodies to routes with a MaxBody above
// the default one psu takes in at once: one document at the largest size
// an upload route accepts, or several smaller ones. Such a route holds the
// document in memory while it checks and seals it; beyond this total,
// further bodies wait their turn rather than grow the process (the figures
// are in BENCHMARKS.md, "Large request bodies").
const LargeBodyBudget = 12 << 20

// largeBodyWait is how long a body to a large-body route waits for its
// share of LargeBodyBudget before the client is asked to try again.
const largeBodyWait = 30 * time.Second

// Route is one entry of the route table.
type Route struct {
	Pattern string // "GET /services/{id}"
	Perm    Permission
	MaxBody int64 // largest request body accepted, in bytes
	Cached  bool  // its pages may be kept in the page cache (see Cached)

	cached *cachedRoute
}

// RouteOption adjusts a route where it is registered.
type RouteOption func(*Route)

// MaxBody lets a route accept bodies of up to n bytes (at most
// LargeBodyBudget) instead of DefaultMaxBody. Only a route that receives a
// document needs it; its handler must stream the body, holding at most the
// document. Bodies to such routes share LargeBodyBudget.
func MaxBody(n int64) RouteOption {
	return func(r *Route) { r.MaxBody = n }
}

// Router is the route table: a stdlib ServeMux where every route is
// registered with the permission it needs and the largest body it accepts.
type Router struct {
	mux *http.ServeMux
	// mu guards routes and maxBody: routes are registered before serving,
	// but tests add theirs to a running server, and the workers ask Has.
	mu      sync.RWMutex
	routes  []Route
	maxBody map[string]int64        // by pattern, for routes above the default
	cached  map[string]*cachedRoute // by pattern, for routes whose pages are cached
	large   *semaphore.Weighted
	// largeWait is largeBodyWait, shorter in tests.
	largeWait time.Duration
	deny      func(w http.ResponseWriter, r *http.Request, p Principal, perm Permission)
}

func newRouter(deny func(http.ResponseWriter, *http.Request, Principal, Permission)) *Router {
	return &Router{mux: http.NewServeMux(), maxBody: map[string]int64{}, cached: map[string]*cachedRoute{}, large: semaphore.NewWeighted(LargeBodyBudget), largeWait: largeBodyWait, deny: deny}
}

// Handle registers h for pattern (which must name a method), reachable only
// by principals holding perm, with bodies up to DefaultMaxBody unless an
// option says otherwise.
func (rt *Router) Handle(pattern string, perm Permission, h http.HandlerFunc, opts ...RouteOption) {
	method, _, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || strings.HasPrefix(method, "/") {
		panic(fmt.Sprintf("web: route %q must start with a method", pattern))
	}
	if perm == "" {
		panic(fmt.Sprintf("web: route %q has no permission", pattern))
	}
	route := Route{Pattern: pattern, Perm: perm, MaxBody: DefaultMaxBody}
	for _, o := range opts {
		o(&route)
	}
	if route.MaxBody <= 0 || route.MaxBody > LargeBodyBudget {
		panic(fmt.Sprintf("web: route %q has a body limit of %d (it must be 1 to %d)", pattern, route.MaxBody, LargeBodyBudget))
	}
	if route.cached != nil {
		if method != http.MethodGet || perm != Public {
			panic(fmt.Sprintf("web: route %q is cached but not a public GET", pattern))
		}
		route.Cached = true
	}
	rt.mu.Lock()
	rt.routes = append(rt.routes, route)
	if route.cached != nil {
		rt.cached[pattern] = route.cached
	}
	if route.MaxBody != DefaultMaxBody {
		rt.maxBody[pattern] = route.MaxBody
	}
	rt.mu.Unlock()
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

// maxBodyFor is the body limit of the route r will reach (its own, or the
// default for a request no route matches), and that route's pattern when
// its limit is not the default.
func (rt *Router) maxBodyFor(r *http.Request) (limit int64, pattern string) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if len(rt.maxBody) > 0 {
		if _, pattern := rt.mux.Handler(r); pattern != "" {
			if n, ok := rt.maxBody[pattern]; ok {
				return n, pattern
			}
		}
	}
	return DefaultMaxBody, ""
}

// readCounter counts what a handler reads of a body.
type readCounter struct {
	io.ReadCloser
	n int64
}

func (b *readCounter) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// Routes returns the route table, sorted, for tests and documentation.
func (rt *Router) Routes() []Route {
	rt.mu.RLock()
	out := append([]Route(nil), rt.routes...)
	rt.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// Has reports whether a GET route exists for path exactly, so pages can show
// links only to what this build serves.
func (rt *Router) Has(path string) bool {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, r := range rt.routes {
		if r.Pattern == "GET "+path {
			return true
		}
	}
	return false
}

type routeKey struct{}
