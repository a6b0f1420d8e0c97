package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A cached route's page is built once per address, encoding and version,
// then sent from memory with the same headers (security headers, Vary, an
// ETag); anything personal, or a change of version, gets a page of its own.
func TestPageCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		var version atomic.Value
		version.Store("1")
		var built atomic.Int64
		page := func(w http.ResponseWriter, r *http.Request) {
			n := built.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			switch r.URL.Query().Get("do") {
			case "cookie":
				http.SetCookie(w, &http.Cookie{Name: "x", Value: "y"})
			case "nocache":
				NoCache(r)
			case "fail":
				w.WriteHeader(http.StatusUnprocessableEntity)
			}
			fmt.Fprintf(w, "<!DOCTYPE html><p>version %s, build %d</p>%s", version.Load(), n, strings.Repeat("<p>Samaritans 116 123</p>\n", 200))
		}
		var writes atomic.Uint64 // writes through this psu
		v := NewVersion(func(context.Context) (string, error) { return version.Load().(string), nil }, writes.Load)
		ts.Router.Handle("GET /test/cached", Public, page, Cached(v))
		ts.Router.Handle("GET /test/plain", Public, page)
		hs := ts.start(t)
		u := hs.URL + "/test/cached?q=stress"

		get := func(what, url, ae string, header ...string) (*http.Response, []byte) {
			t.Helper()
			res, body := fetch(t, url, ae, header...)
			if res.Header.Get("Content-Security-Policy") != ContentSecurityPolicy || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: security headers %v", what, res.Header)
			}
			return res, body
		}
		builds := func(what string, want int64) {
			t.Helper()
			if got := built.Load(); got != want {
				t.Fatalf("%s: %d pages built, want %d", what, got, want)
			}
		}

		first, b1 := get("first", u, "gzip, deflate, br, zstd")
		second, b2 := get("again", u, "gzip, deflate, br, zstd")
		builds("the same page twice", 1)
		if !bytes.Equal(b1, b2) || first.Header.Get("Content-Encoding") != "gzip" || second.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("kept page differs: %q %q", first.Header.Get("Content-Encoding"), second.Header.Get("Content-Encoding"))
		}
		etag := first.Header.Get("ETag")
		if etag == "" || etag != second.Header.Get("ETag") || !varies(first) || !varies(second) {
			t.Errorf("ETag %q then %q, Vary %v", etag, second.Header.Get("ETag"), second.Header.Values("Vary"))
		}
		if !strings.Contains(string(gunzip(t, b2)), "version 1, build 1") {
			t.Error("the kept page is not the page built")
		}
		if res, _ := get("revalidate", u, "gzip", "If-None-Match", etag); res.StatusCode != http.StatusNotModified || res.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match: status %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
		}

		// Plain is kept apart from gzip, and has its own ETag.
		plain, pb := get("plain", u, "")
		if plain.Header.Get("Content-Encoding") != "" || !strings.Contains(string(pb), "build 2") || plain.Header.Get("ETag") == etag || !varies(plain) {
			t.Errorf("plain: %q, ETag %q", plain.Header.Get("Content-Encoding"), plain.Header.Get("ETag"))
		}
		get("plain again", u, "identity")
		builds("gzip and plain", 2)

		// Another address is another page.
		get("other query", hs.URL+"/test/cached?q=exams", "gzip")
		builds("another address", 3)

		// A new version written through this psu is seen by the very next
		// request.
		version.Store("2")
		writes.Add(1)
		_, b := get("new version", u, "gzip")
		if !strings.Contains(string(gunzip(t, b)), "version 2, build 4") {
			t.Error("a change of version through this psu was not seen at once")
		}
		get("new version again", u, "gzip")
		builds("after a new version", 4)

		// One written through another psu is seen once the last read is
		// VersionFreshness old.
		version.Store("3")
		time.Sleep(VersionFreshness)
		if _, b := get("new version elsewhere", u, "gzip"); !strings.Contains(string(gunzip(t, b)), "version 3, build 5") {
			t.Error("a change of version through another psu was not seen in time")
		}
		builds("after a new version elsewhere", 5)

		// A request with any cookie (a session, so perhaps a list) or
		// credentials is always built for itself, and not kept.
		for _, h := range [][]string{{"Cookie", SessionCookie + "=abc"}, {"Cookie", "other=1"}, {"Authorization", "Bearer x"}} {
			before := built.Load()
			_, b := get(h[0], u, "gzip", h...)
			if built.Load() != before+1 || !strings.Contains(string(gunzip(t, b)), fmt.Sprintf("build %d", before+1)) {
				t.Errorf("%s: served from the cache", h[0])
			}
		}
		if _, b := get("after cookies", u, "gzip"); !strings.Contains(string(gunzip(t, b)), "build 5") {
			t.Error("a page built for a request with a cookie was kept")
		}

		// Pages that set a cookie, opt out or fail are built every time.
		for _, do := range []string{"cookie", "nocache", "fail"} {
			before := built.Load()
			r1, _ := get(do, hs.URL+"/test/cached?do="+do, "gzip")
			get(do, hs.URL+"/test/cached?do="+do, "gzip")
			if built.Load() != before+2 {
				t.Errorf("%s: kept", do)
			}
			if r1.Header.Get("ETag") != "" {
				t.Errorf("%s: ETag on a page not kept", do)
			}
		}
		// Routes that did not opt in are never kept.
		before := built.Load()
		get("plain route", hs.URL+"/test/plain", "gzip")
		get("plain route", hs.URL+"/test/plain", "gzip")
		builds("a route that is not cached", before+2)
	})
}

// Only public GET routes may be cached.
func TestCachedRouteMustBePublicGet(t *testing.T) {
	rt := newRouter(nil)
	for _, c := range []struct {
		pattern string
		perm    Permission
	}{{"POST /x", Public}, {"GET /y", Staff}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s (%s): registered", c.pattern, c.perm)
				}
			}()
			rt.Handle(c.pattern, c.perm, func(http.ResponseWriter, *http.Request) {}, Cached())
		}()
	}
}

// Every Get sees a read that began after every write through this psu
// finished before it was called, however many share it.
func TestVersionSeesEveryEarlierChange(t *testing.T) {
	var committed atomic.Int64
	var reads atomic.Int64
	v := NewVersion(func(context.Context) (string, error) {
		reads.Add(1)
		return fmt.Sprint(committed.Load()), nil
	}, func() uint64 { return uint64(committed.Load()) })
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%10 == 0 {
				committed.Add(1)
			}
			want := committed.Load()
			got, err := v.Get(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			var n int64
			fmt.Sscan(got, &n)
			if n < want {
				t.Errorf("read %d after %d had committed", n, want)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d reads for 200 requests", reads.Load())
}

// A read stands for the requests after it while it is fresh and no write
// through this psu has ended since it began; a write elsewhere is read
// once it is stale.
func TestVersionReadStandsWhileFresh(t *testing.T) {
	var value, writes atomic.Uint64
	var reads atomic.Int64
	v := NewVersion(func(context.Context) (string, error) {
		reads.Add(1)
		return fmt.Sprint(value.Load()), nil
	}, writes.Load)
	v.freshness = time.Hour
	get := func(want string, wantReads int64) {
		t.Helper()
		for range 50 {
			if got, err := v.Get(t.Context()); err != nil || got != want {
				t.Fatalf("Get: %q, %v; want %q", got, err, want)
			}
		}
		if n := reads.Load(); n != wantReads {
			t.Fatalf("%d reads, want %d", n, wantReads)
		}
	}
	get("0", 1)
	value.Store(1) // another psu's write: not read while the last is fresh
	get("0", 1)
	writes.Add(1) // a write through this psu: read at once
	get("1", 2)
	value.Store(2)
	v.freshness = 0 // the last read is stale: every Get reads
	for range 3 {
		if got, _ := v.Get(t.Context()); got != "2" {
			t.Fatalf("stale read stood: %q", got)
		}
	}
	if n := reads.Load(); n != 5 {
		t.Fatalf("%d reads, want 5", n)
	}
}

// The cache keeps to its size, dropping the least recently used page.
func TestPageCacheIsBounded(t *testing.T) {
	c := newPageCache(10 << 10)
	body := make([]byte, 2<<10)
	for i := range 10 {
		c.put(&cachedPage{key: fmt.Sprint(i), body: body})
		c.get("0") // kept in use
	}
	if c.size > c.max {
		t.Errorf("size %d over %d", c.size, c.max)
	}
	if c.get("0") == nil || c.get("9") == nil || c.get("1") != nil {
		t.Error("not the least recently used pages dropped")
	}
	c.put(&cachedPage{key: "huge", body: make([]byte, 20<<10)})
	if c.get("huge") != nil {
		t.Error("kept a page larger than the cache")
	}
}

// BenchmarkCachedPage is a kept page's cost inside psu (no network): the
// middleware, the version (read from the database when its last read is
// no longer fresh), the look-up and the write.
func BenchmarkCachedPage(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ts := newTestServer(b, db)
	body := []byte(strings.Repeat("<p>Samaritans 116 123</p>\n", 2000))
	read := db.Read(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	v := NewVersion(func(ctx context.Context) (string, error) {
		var s string
		err := store.Scan(read.QueryRowContext(ctx), &s)
		return s, err
	}, db.Writes)
	ts.Router.Handle("GET /bench", Public, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}, Cached(v))
	h := ts.Handler()
	b.ReportAllocs()
	b.SetParallelism(16) // as many at once as wrk's 32 connections on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/bench?q=stress", nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
}
