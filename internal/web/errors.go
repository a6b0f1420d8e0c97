package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/store"
)

// errorText is what a person is told for each status: calm, plain, and
// never the cause.
var errorText = map[int]struct{ Title, Body string }{
	http.StatusBadRequest:            {"Something was wrong with that request", "Your browser sent something we could not read. Go back and try again. If it keeps happening, close the page and start again."},
	http.StatusForbidden:             {"You cannot see this page", "Your account does not allow this, or the form came from another website. If you think you should have access, sign in again or speak to the unit's administrator."},
	http.StatusNotFound:              {"Page not found", "If you typed the address, check it is correct. If you followed a link, it may be out of date."},
	http.StatusMethodNotAllowed:      {"That action is not possible here", "This page cannot be used in that way. Go back and use the buttons on the page."},
	http.StatusRequestEntityTooLarge: {"What you sent is too large", "Go back and send less: files must be 10 MB or smaller, and text fields have a size limit shown next to them."},
	http.StatusUnprocessableEntity:   {"We could not use what you sent", "Some of the information could not be processed. Go back, check your answers and try again."},
	http.StatusTooManyRequests:       {"Please wait before trying again", "There have been too many attempts from your connection in a short time. Wait a few minutes and try again. Nothing you entered has been lost."},
	http.StatusInternalServerError:   {"Sorry, there is a problem with the service", "Try again later. What you have already saved has not been lost."},
	http.StatusServiceUnavailable:    {"Sorry, the service is unavailable", "Try again in a few minutes. What you have already saved has not been lost."},
}

// apiErrorText is what a program calling /api/ is told, where the page's
// title alone would not say what to do.
var apiErrorText = map[int]string{
	http.StatusRequestEntityTooLarge: "The request body is too large for this address. Send a smaller body.",
	http.StatusTooManyRequests:       "Too many requests. Wait for the number of seconds in the Retry-After header, then send again.",
	http.StatusServiceUnavailable:    "The service is unavailable for the moment. Wait for the number of seconds in the Retry-After header, then send again.",
}

// ErrorPage is the data of the error template.
type ErrorPage struct {
	Status int
	Body   string
}

// Error answers with the error page for status (JSON under /api/).
func (s *Server) Error(w http.ResponseWriter, r *http.Request, status int) {
	txt, ok := errorText[status]
	if !ok {
		status, txt = http.StatusInternalServerError, errorText[http.StatusInternalServerError]
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		msg, ok := apiErrorText[status]
		if !ok {
			msg = txt.Title
		}
		WriteJSON(w, status, map[string]string{"error": msg})
		return
	}
	body, err := s.renderer.render("web/error.html", Page{Title: txt.Title, Principal: PrincipalFrom(r), Path: r.URL.Path, Data: ErrorPage{status, txt.Body}})
	if err != nil {
		// The error page itself failed: a plain line, still no detail.
		s.Log.Error("render error page", "err", err)
		http.Error(w, txt.Title, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// StatusClientClosedRequest is recorded in the log and metrics (and sent to
// nobody) for a request whose client went away before its answer was ready.
const StatusClientClosedRequest = 499

// UnavailableRetry is how long a client is asked to wait while the database
// cannot be reached.
const UnavailableRetry = 30 * time.Second

// ServerError is where every failure becomes a response. A client that went
// away is noted at debug level: nothing failed. A database that cannot be
// reached is a calm 503 with Retry-After: the same request may work in a
// moment. Anything else is logged with the route and answered 500. The
// person sees only the calm page; the cause stays in the log.
func (s *Server) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(r.Context().Err(), context.Canceled):
		s.Log.Debug("client went away", "route", routePattern(r), "method", r.Method, "err", err)
		w.WriteHeader(StatusClientClosedRequest)
	case store.Unavailable(err):
		s.Log.Error("database unavailable", "route", routePattern(r), "method", r.Method, "err", err)
		RetryAfter(w, UnavailableRetry)
		s.Error(w, r, http.StatusServiceUnavailable)
	default:
		s.Log.Error("server error", "route", routePattern(r), "method", r.Method, "err", err)
		s.Error(w, r, http.StatusInternalServerError)
	}
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// notFoundOr renders our own 404 and 405 pages where the mux would write
// plain text.
func (s *Server) notFoundOr(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			// No page has an address that is not text: refusing it here
			// keeps a path value holding U+0000, a control character or
			// bytes that are not UTF-8 from every handler, whose lookups
			// PostgreSQL would refuse (a 500 rather than "not found").
			if !textPath(r.URL.Path) {
				s.Error(w, r, http.StatusNotFound)
				return
			}
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.Error(w, r, http.StatusMethodNotAllowed)
		case http.StatusMovedPermanently, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusFound:
			http.Redirect(w, r, SafeRedirectTarget(probe.header.Get("Location")), probe.status)
		default:
			s.Error(w, r, http.StatusNotFound)
		}
	})
}

// textPath reports whether a decoded request path is UTF-8 text without
// control characters.
func textPath(p string) bool {
	return utf8.ValidString(p) && strings.IndexFunc(p, unicode.IsControl) < 0
}

// headerProbe captures what the mux's own fallback handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *headerProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
