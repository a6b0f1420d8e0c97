// Package web is psu's HTTP ground floor: the route table with permissions,
// the middleware chain, sessions in the database, page rendering, error
// pages, static assets, health checks and metrics. Domain packages register
// their routes and templates on a Server; web imports no domain.
package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/store"
)

// IdentifyFunc works out who is making a request from its session. The auth
// domain provides it; a nil error with an empty Principal is a visitor.
type IdentifyFunc func(r *http.Request) (Principal, error)

// Server is the web application's shared dependencies. Handlers of every
// domain are methods on their own small structs that hold a *Server.
type Server struct {
	Config   config.Config
	DB       *store.DB
	Log      *slog.Logger
	Sessions *scs.SessionManager
	Router   *Router
	Metrics  *prometheus.Registry

	renderer *Renderer
	assets   *assets
	identify IdentifyFunc
	grants   []GrantFunc
	// deniedTo sends a visitor who lacks a permission somewhere useful.
	deniedTo map[Permission]string
	// deniedPost answers a visitor's POST that lacks a permission, so what
	// they typed is not simply lost (see HandleDeniedPost).
	deniedPost  map[Permission]http.HandlerFunc
	metrics     *httpMetrics
	cache       *pageCache
	demo        atomic.Bool
	listCounter atomic.Pointer[func(*http.Request) int]
	serviceName atomic.Pointer[func(*http.Request) string]
}

// New builds a Server with its base routes (static assets, health, metrics)
// registered. Domains add theirs with s.Router.Handle and templates with
// s.AddPages, then call s.Handler.
func New(cfg config.Config, db *store.DB, log *slog.Logger) (*Server, error) {
	s := &Server{Config: cfg, DB: db, Log: log, Metrics: prometheus.NewRegistry(), cache: newPageCache(PageCacheSize)}
	s.Router = newRouter(s.denied)
	s.Sessions = newSessions(cfg, db)
	s.Sessions.ErrorFunc = s.ServerError
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.renderer, err = newRenderer(s.assets.url, s.Router.Has); err != nil {
		return nil, err
	}
	s.metrics = newHTTPMetrics(s.Metrics, db)
	s.routes()
	return s, nil
}

// SetIdentify installs the function that resolves the signed-in principal.
func (s *Server) SetIdentify(f IdentifyFunc) { s.identify = f }

// GrantFunc adds session-held permissions (Applicant, Client, Referrer) to a
// principal; a domain that issues such a grant registers one with AddGrant.
type GrantFunc func(r *http.Request, p *Principal) error

// AddGrant registers f to run for every request after the staff identity is
// known.
func (s *Server) AddGrant(f GrantFunc) { s.grants = append(s.grants, f) }

func (s *Server) routes() {
	s.Router.Handle("GET /static/{hash}/{path...}", Public, s.serveAsset)
	s.Router.Handle("GET /assets/images/{name}", Public, s.serveNHSImage)
	s.Router.Handle("GET /favicon.ico", Public, s.serveFavicon)
	s.Router.Handle("GET /healthz", Public, s.healthz)
	s.Router.Handle("GET /readyz", Public, s.readyz)
	s.Router.Handle("GET /metrics", Operator, s.serveMetrics)
}

// Handler returns the whole application: middleware around the route table.
// Outermost first: recover from panics, measure and log, wait for a turn
// (admit), answer from the page cache (cachePages), compress, set security headers, limit bodies, refuse cross-origin writes, load the session,
// identify the principal, route.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, http.StatusForbidden)
	}))
	var h http.Handler = s.notFoundOr(s.Router.mux)
	h = s.withPrincipal(h)
	h = s.Sessions.LoadAndSave(h)
	h = cop.Handler(h)
	h = s.limitBody(h)
	h = s.securityHeaders(h)
	h = s.compress(h)
	h = s.cachePages(h)
	h = s.admit(h)
	h = s.observe(h)
	h = s.recoverPanics(h)
	return h
}

// HTTPServer wraps Handler with timeouts that keep slow clients from holding
// connections open.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.Config.Addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a 10 MB upload on a poor mobile connection
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) withPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := Principal{}
		if s.identify != nil {
			var err error
			if p, err = s.identify(r); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		p.Loopback = FromLoopback(r)
		for _, g := range s.grants {
			if err := g(r, &p); err != nil {
				s.ServerError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// RedirectDenied makes a GET by someone lacking perm go to path (for
// example, an applicant whose session ended goes to ask for a new link)
// instead of the 403 page.
func (s *Server) RedirectDenied(perm Permission, path string) {
	if s.deniedTo == nil {
		s.deniedTo = map[Permission]string{}
	}
	s.deniedTo[perm] = path
}

// HandleDeniedPost makes h answer a visitor's POST that lacks perm (for
// example, an applicant whose session ended while they typed). h must not
// act on the request: it may only show the person what to do next.
func (s *Server) HandleDeniedPost(perm Permission, h http.HandlerFunc) {
	if s.deniedPost == nil {
		s.deniedPost = map[Permission]http.HandlerFunc{}
	}
	s.deniedPost[perm] = h
}

// DeniedLocation is where a GET lacking perm is redirected: the sign-in page
// for staff permissions, a registered path, or "" for the 403 page.
func (s *Server) DeniedLocation(perm Permission) string {
	switch perm {
	case Staff, Adviser, TriageLead, Reports, Administrator:
		return "/sign-in"
	}
	return s.deniedTo[perm]
}

// denied answers a request whose principal lacks perm: a visitor's GET goes
// to sign in (staff pages) or to the path registered for perm; anything
// else is the 403 page.
func (s *Server) denied(w http.ResponseWriter, r *http.Request, p Principal, perm Permission) {
	to := s.DeniedLocation(perm)
	if h := s.deniedPost[perm]; h != nil && r.Method == http.MethodPost && !p.SignedIn() {
		h(w, r)
		return
	}
	switch {
	case to == "" || p.SignedIn() || r.Method != http.MethodGet:
		s.Error(w, r, http.StatusForbidden)
	case to == "/sign-in":
		http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(SafeRedirectTarget(r.URL.RequestURI())), http.StatusSeeOther)
	default:
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}
