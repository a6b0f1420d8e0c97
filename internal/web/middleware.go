package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"
)

// ContentSecurityPolicy allows only our own origin: no inline script or
// style, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		if s.Config.Secure() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		// Pages may hold health data: never cache them. Static assets
		// override this with their own lifetime.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// MaxActive is how many requests run at once; the others wait for a turn
// (health checks do not). Past this, more at once only share the same two
// or four cores and the database's connections more thinly, while each
// holds its memory: capping it keeps the resident memory of a busy psu
// flat and the answers in arrival order. A request that waits longer than
// admitWait is asked to come back (503 with Retry-After).
var MaxActive = max(16, 8*runtime.GOMAXPROCS(0))

const admitWait = 30 * time.Second

func (s *Server) admit(next http.Handler) http.Handler {
	turns := make(chan struct{}, MaxActive)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case turns <- struct{}{}:
		default:
			t := time.NewTimer(admitWait)
			select {
			case turns <- struct{}{}:
				t.Stop()
			case <-r.Context().Done():
				t.Stop()
				w.WriteHeader(StatusClientClosedRequest)
				return
			case <-t.C:
				s.Log.Warn("busy: asked a client to come back", "waited", admitWait)
				RetryAfter(w, 5*time.Second)
				s.Error(w, r, http.StatusServiceUnavailable)
				return
			}
		}
		defer func() { <-turns }()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses a body larger than its route accepts (Route.MaxBody):
// by its declared length before a byte of it is read, and, when the length
// is not declared (chunked), as soon as the handler reads past the limit.
// A body to a route above the default first reserves its size (or, when
// undeclared, the route's limit) from LargeBodyBudget, so however many
// arrive at once, the documents held in memory stay within the budget.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 { // no body at all: nothing to look up
			next.ServeHTTP(w, r)
			return
		}
		limit, pattern := s.Router.maxBodyFor(r)
		if r.ContentLength > limit {
			// The body stays unread; the connection cannot be reused.
			w.Header().Set("Connection", "close")
			s.Error(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if limit > DefaultMaxBody {
			n := limit
			if r.ContentLength > 0 {
				n = r.ContentLength
			}
			ctx, cancel := context.WithTimeout(r.Context(), s.Router.largeWait)
			err := s.Router.large.Acquire(ctx, n)
			cancel()
			switch {
			case errors.Is(r.Context().Err(), context.Canceled):
				w.WriteHeader(StatusClientClosedRequest)
				return
			case err != nil:
				s.Log.Warn("large request bodies over budget: asked the client to retry", "route", pattern)
				w.Header().Set("Connection", "close")
				RetryAfter(w, 10*time.Second)
				s.Error(w, r, http.StatusServiceUnavailable)
				return
			}
			defer s.Router.large.Release(n)
			body := &readCounter{ReadCloser: r.Body}
			r.Body = body
			next.ServeHTTP(w, r)
			if body.n >= collectAfter {
				// The document and the copies made while checking and
				// sealing it are garbage now. Collecting them before the
				// next body may start, rather than when the heap has
				// doubled, keeps uploads in a row from stacking their
				// garbage on each other. The client has its answer first.
				http.NewResponseController(w).Flush()
				debug.FreeOSMemory()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// collectAfter is how much of a large body a handler must have read for
// limitBody to collect garbage after it: each collection then costs less
// than receiving what called for it.
const collectAfter = 1 << 20

// ParseForm parses a urlencoded form and answers 413 or 400 itself when it
// cannot; callers return when it reports false.
func (s *Server) ParseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.BodyError(w, r, err)
		return false
	}
	return true
}

// BodyError answers a request whose body could not be read: 413 when it
// went past the route's limit, 400 when it was cut short or malformed.
func (s *Server) BodyError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.Error(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	s.Error(w, r, http.StatusBadRequest)
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "route", routePattern(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				w.Header().Set("Connection", "close")
				s.Error(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status for the request log and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// observe logs one line per request (method, route pattern, status,
// duration; never the query string, form values or anything personal) and
// feeds the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		pattern := ""
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, &pattern))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		if pattern == "" {
			pattern = "unmatched"
		}
		d := time.Since(start)
		s.metrics.observe(pattern, r.Method, sw.status, d)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.Log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method),
			slog.String("route", pattern), slog.Int("status", sw.status), slog.Duration("duration", d))
	})
}

func routePattern(r *http.Request) string {
	if p, ok := r.Context().Value(routeKey{}).(*string); ok && *p != "" {
		return *p
	}
	return "unmatched"
}

// WaitWords says how long to wait before trying again, in plain words:
// "a minute", "12 minutes", "3 hours" (rounded up).
func WaitWords(d time.Duration) string {
	m := int(d.Minutes() + 0.999)
	switch {
	case m <= 1:
		return "a minute"
	case m < 120:
		return strconv.Itoa(m) + " minutes"
	}
	return strconv.Itoa((m+59)/60) + " hours"
}

// RetryAfter sets the Retry-After header in whole seconds.
func RetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds()+0.999)))
}
