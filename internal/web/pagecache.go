package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The page cache keeps the finished responses (headers and the bytes as
// sent, already gzipped) of public pages asked for by a visitor with no
// cookie at all, so a common search or the home page is sent from memory
// instead of being built, rendered and compressed for every visitor.
//
// What may be kept, and for how long, is decided in one place each:
//   - a route opts in where it is registered (Cached), naming the versions
//     its page depends on (the directory's generation, the unit's
//     settings); a page is found again only while every one of them reads
//     as it did when the page was kept;
//   - only a GET without a cookie, Authorization, Range or body is served
//     from or kept in the cache, so nothing personal (a session, a "My
//     list", a flash message) is ever in it or served from it;
//   - only a 200 that sets no cookie, whose handler did not call NoCache
//     (a page that depends on the time of day), is kept.
//
// Versions live in the database, so several psu serve on one database
// agree: a change committed through this psu is read by the very next
// request, and one committed through another psu (or the CLI) by every
// request that comes VersionFreshness after it (see Version).

// PageCacheSize bounds the bytes the page cache holds (the least recently
// used pages go first); pageCacheMaxEntry is the largest page it keeps.
const (
	PageCacheSize     = 8 << 20
	pageCacheMaxEntry = 512 << 10
)

// versionTimeout bounds one read of a version, shared by every request
// that waits for it.
const versionTimeout = 10 * time.Second

// VersionFreshness is how long a version read stands for a request that
// arrives after it began, while no write through this process has ended
// since it began: the longest a change made through another psu on the
// database (or the CLI) takes to reach a kept page here. Under load that
// is a few reads a second instead of one for every few requests, which
// took a fifth of the server's time on the home page.
const VersionFreshness = 50 * time.Millisecond

// Version is something cached pages depend on, read from the database.
//
// A request is answered with a read that began after the last write this
// process finished before the request arrived (so a change through this
// psu is on the very next page) and at most VersionFreshness before the
// request. When the last read will not do, a new one is shared: a request
// waits for a read that starts after it arrived, and every request that
// arrives while such a read is still to start shares it. One read runs at
// a time.
type Version struct {
	read      func(ctx context.Context) (string, error)
	writes    func() uint64
	freshness time.Duration // VersionFreshness; tests change it
	mu        sync.Mutex
	reading   bool         // a read is running (one at a time: two at once cost 40% more a page on 2 cores)
	waiting   *versionRead // the next read, not yet started
	last      *versionRead // the last read to succeed
}

type versionRead struct {
	done   chan struct{}
	began  time.Time
	writes uint64
	v      string
	err    error
}

// NewVersion returns a Version read by read, which must return a value
// that changes (in the same transaction) with every change to what the
// pages depending on it show. writes counts the writes this process has
// finished on the database read (store.DB.Writes).
func NewVersion(read func(ctx context.Context) (string, error), writes func() uint64) *Version {
	return &Version{read: read, writes: writes, freshness: VersionFreshness}
}

// Get returns the version as committed when the call began: every change
// this process made before, and every other change committed
// VersionFreshness before.
func (v *Version) Get(ctx context.Context) (string, error) {
	now, writes := time.Now(), v.writes()
	v.mu.Lock()
	if l := v.last; l != nil && l.writes == writes && now.Sub(l.began) < v.freshness {
		v.mu.Unlock()
		return l.v, nil
	}
	c := v.waiting
	if c == nil {
		c = &versionRead{done: make(chan struct{})}
		if !v.reading {
			v.reading = true
			go v.run(c)
		} else {
			v.waiting = c
		}
	}
	v.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// run reads for c, then for each read left waiting, until none is.
func (v *Version) run(c *versionRead) {
	for c != nil {
		c.writes, c.began = v.writes(), time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
		c.v, c.err = v.read(ctx)
		cancel()
		close(c.done)
		v.mu.Lock()
		if c.err == nil { // reads run one after another: this is the latest
			v.last = c
		}
		c, v.waiting = v.waiting, nil
		v.reading = c != nil
		v.mu.Unlock()
	}
}

// Cached lets a public GET route's pages be kept in the page cache, found
// again while every version reads as when the page was kept. A route whose
// page depends on nothing but the request's address names none.
func Cached(versions ...*Version) RouteOption {
	return func(r *Route) { r.cached = &cachedRoute{versions: versions} }
}

type cachedRoute struct {
	versions []*Version
}

type noCacheKey struct{}

// NoCache keeps this request's response out of the page cache: its page
// depends on more than its address and the route's versions (for example,
// on the time of day).
func NoCache(r *http.Request) {
	if f, ok := r.Context().Value(noCacheKey{}).(*bool); ok {
		*f = true
	}
}

// pageCache is a least-recently-used map of finished responses, bounded
// in bytes.
type pageCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front is the most recently used *cachedPage
	pages map[string]*list.Element
}

type cachedPage struct {
	key    string
	status int
	header http.Header
	body   []byte
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, order: list.New(), pages: map[string]*list.Element{}}
}

func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.pages[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedPage)
}

func (p *cachedPage) cost() int { return len(p.key) + len(p.body) + 1024 }

func (c *pageCache) put(p *cachedPage) {
	if p.cost() > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.pages[p.key]; ok {
		c.size -= e.Value.(*cachedPage).cost()
		c.order.Remove(e)
	}
	c.pages[p.key] = c.order.PushFront(p)
	c.size += p.cost()
	for c.size > c.max {
		e := c.order.Back()
		old := e.Value.(*cachedPage)
		c.order.Remove(e)
		delete(c.pages, old.key)
		c.size -= old.cost()
	}
}

// cachedRouteFor is the cache setting of the route r will reach, or nil.
func (rt *Router) cachedRouteFor(r *http.Request) (*cachedRoute, string) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if len(rt.cached) == 0 {
		return nil, ""
	}
	_, pattern := rt.mux.Handler(r)
	return rt.cached[pattern], pattern
}

// anonymous reports whether r carries nothing that could make its page
// personal or partial.
func anonymous(r *http.Request) bool {
	return r.Method == http.MethodGet && r.ContentLength == 0 &&
		r.Header.Get("Cookie") == "" && r.Header.Get("Authorization") == "" && r.Header.Get("Range") == ""
}

// cachePages serves pages of Cached routes from the page cache, and keeps
// those it may. It sits outside compress, so it keeps and sends the bytes
// as compressed, and outside the session, so a visitor without a cookie
// costs no session work at all.
func (s *Server) cachePages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !anonymous(r) {
			next.ServeHTTP(w, r)
			return
		}
		route, pattern := s.Router.cachedRouteFor(r)
		if route == nil {
			next.ServeHTTP(w, r)
			return
		}
		var key strings.Builder
		if accepts(r.Header.Get("Accept-Encoding"), "gzip") {
			key.WriteString("gzip")
		}
		for _, v := range route.versions {
			got, err := v.Get(r.Context())
			if err != nil {
				if r.Context().Err() == nil {
					s.Log.Warn("page cache: version unread; page built afresh", "route", pattern, "err", err)
				}
				next.ServeHTTP(w, r)
				return
			}
			key.WriteString("\x00")
			key.WriteString(got)
		}
		key.WriteString("\x00")
		key.WriteString(r.URL.RequestURI())
		if p := s.cache.get(key.String()); p != nil {
			if rp, ok := r.Context().Value(routeKey{}).(*string); ok {
				*rp = pattern
			}
			p.send(w, r)
			return
		}
		noCache := false
		rec := &pageRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), noCacheKey{}, &noCache)))
		if rec.passing {
			return
		}
		p := &cachedPage{key: key.String(), status: rec.status, header: w.Header(), body: rec.buf.Bytes()}
		if p.status == 0 {
			p.status = http.StatusOK
		}
		if p.status == http.StatusOK && !noCache && len(w.Header().Values("Set-Cookie")) == 0 {
			sum := sha256.Sum256(p.body)
			p.header = w.Header().Clone()
			p.header.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
			p.header.Del("Date")
			p.body = bytes.Clone(p.body)
			s.cache.put(p)
			for k, v := range p.header {
				w.Header()[k] = v
			}
			p.send(w, r)
			return
		}
		w.WriteHeader(p.status)
		w.Write(p.body)
	})
}

// send writes a kept page, or 304 to a client that holds it already.
func (p *cachedPage) send(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, p.header.Get("ETag")) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(p.status)
	w.Write(p.body)
}

// etagMatches reports whether an If-None-Match list names etag.
func etagMatches(list, etag string) bool {
	for t := range strings.SplitSeq(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// pageRecorder holds a response back until it is complete, so that it can
// be kept and sent with its ETag; one that flushes, or grows past what the
// cache keeps, goes out as it is written from then on.
type pageRecorder struct {
	http.ResponseWriter
	status  int
	buf     bytes.Buffer
	passing bool
}

func (w *pageRecorder) WriteHeader(code int) {
	if w.passing {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if code >= 100 && code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.status == 0 {
		w.status = code
	}
}

func (w *pageRecorder) Write(b []byte) (int, error) {
	if w.passing {
		return w.ResponseWriter.Write(b)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.buf.Len()+len(b) > pageCacheMaxEntry {
		w.pass()
		return w.ResponseWriter.Write(b)
	}
	return w.buf.Write(b)
}

// pass sends what is held and lets the rest through.
func (w *pageRecorder) pass() {
	if w.passing {
		return
	}
	w.passing = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.Write(w.buf.Bytes())
	w.buf = bytes.Buffer{}
}

func (w *pageRecorder) Flush() {
	w.pass()
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *pageRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
