package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// countingBody is a request body that counts how much of it the server
// reads.
type countingBody struct {
	r io.Reader
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *countingBody) Close() error { return nil }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// bodyOf is n bytes of filler.
func bodyOf(n int64) *countingBody { return &countingBody{r: io.LimitReader(zeroReader{}, n)} }

const uploadLimit = 1 << 20

// limitServer has a form route (default limit), an upload route (1 MiB)
// and a JSON route; each handler reads its whole body as real ones do.
func limitServer(t *testing.T) *testServer {
	ts := newTestServer(t, storetest.Open(t, store.SQLite))
	readAll := func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			ts.Error(w, r, http.StatusRequestEntityTooLarge)
		case err != nil:
			ts.Error(w, r, http.StatusBadRequest)
		default:
			fmt.Fprintf(w, "read %d", n)
		}
	}
	ts.Router.Handle("POST /form", Public, func(w http.ResponseWriter, r *http.Request) {
		if ts.ParseForm(w, r) {
			fmt.Fprintf(w, "fields %d", len(r.PostForm))
		}
	})
	ts.Router.Handle("POST /upload", Public, readAll, MaxBody(uploadLimit))
	ts.Router.Handle("POST /api/thing", Public, readAll)
	return ts
}

// A body over its route's limit is refused with 413 before any of it is
// read when its length is declared, and as soon as the limit is passed when
// it is not, whatever its Content-Type: a multipart body gets no more room
// on a route that does not take documents.
func TestBodyLimitIsPerRouteAndRefusedBeforeReading(t *testing.T) {
	ts := limitServer(t)
	h := ts.Handler()
	const big = 100 << 20
	for _, tc := range []struct {
		name, path, contentType string
		size                    int64
		chunked                 bool
		status                  int
		maxRead                 int64 // most of the body the server may read
	}{
		{"form, declared 100 MiB multipart", "/form", "multipart/form-data; boundary=x", big, false, 413, 0},
		{"form, declared 100 MiB urlencoded", "/form", "application/x-www-form-urlencoded", big, false, 413, 0},
		{"form, declared one byte over", "/form", "application/x-www-form-urlencoded", DefaultMaxBody + 1, false, 413, 0},
		{"form, chunked 100 MiB", "/form", "application/x-www-form-urlencoded", big, true, 413, DefaultMaxBody + 1},
		{"form, at the limit", "/form", "application/x-www-form-urlencoded", DefaultMaxBody, false, 200, DefaultMaxBody},
		{"upload, declared 100 MiB", "/upload", "multipart/form-data; boundary=x", big, false, 413, 0},
		{"upload, chunked 100 MiB", "/upload", "multipart/form-data; boundary=x", big, true, 413, uploadLimit + 1},
		{"upload, 512 KiB", "/upload", "multipart/form-data; boundary=x", 512 << 10, false, 200, 512 << 10},
		{"upload, 512 KiB chunked", "/upload", "multipart/form-data; boundary=x", 512 << 10, true, 200, 512 << 10},
		{"api, declared 100 MiB", "/api/thing", "application/json", big, false, 413, 0},
		{"api, chunked 100 MiB", "/api/thing", "application/json", big, true, 413, DefaultMaxBody + 1},
		{"no such route, declared 100 MiB", "/nowhere", "multipart/form-data; boundary=x", big, false, 413, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := bodyOf(tc.size)
			r := httptest.NewRequest(http.MethodPost, tc.path, body)
			r.Header.Set("Content-Type", tc.contentType)
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			r.ContentLength = tc.size
			if tc.chunked {
				r.ContentLength = -1
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
			if body.n > tc.maxRead {
				t.Errorf("server read %d bytes of the body, want at most %d", body.n, tc.maxRead)
			}
			if w.Code != http.StatusRequestEntityTooLarge {
				return
			}
			if strings.HasPrefix(tc.path, "/api/") {
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("API 413 as %s", ct)
				}
			} else if !strings.Contains(w.Body.String(), "What you sent is too large") {
				t.Errorf("413 without the calm page: %s", w.Body)
			}
		})
	}
}

// Over a real connection, a client sending a large declared body gets the
// 413 page rather than a broken connection, though the server never reads
// the body.
func TestDeclaredOversizeBodyGets413OverTheWire(t *testing.T) {
	hs := limitServer(t).start(t)
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/form", io.LimitReader(zeroReader{}, 100<<20))
	req.ContentLength = 100 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	res, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "What you sent is too large") {
		t.Fatalf("status %d: %s", res.StatusCode, b)
	}
}

// The route table says what each route accepts, so tests can walk it.
func TestRouteTableShowsEachRouteBodyLimit(t *testing.T) {
	ts := limitServer(t)
	want := map[string]int64{"POST /form": DefaultMaxBody, "POST /upload": uploadLimit, "POST /api/thing": DefaultMaxBody, "GET /healthz": DefaultMaxBody}
	for _, r := range ts.Router.Routes() {
		if n, ok := want[r.Pattern]; ok && r.MaxBody != n {
			t.Errorf("%s: MaxBody %d, want %d", r.Pattern, r.MaxBody, n)
		}
		delete(want, r.Pattern)
	}
	if len(want) > 0 {
		t.Errorf("routes missing from the table: %v", want)
	}
	defer func() {
		if recover() == nil {
			t.Error("a route with a body limit of 0 was registered")
		}
	}()
	ts.Router.Handle("POST /zero", Public, nil, MaxBody(0))
}

// Bodies to large-body routes share LargeBodyBudget: when it is spent, the
// next one waits, unread, until another finishes; if its client leaves
// first, or the wait runs out (a 503 with Retry-After), it is never read.
func TestLargeBodiesWaitForTheirShareOfTheBudget(t *testing.T) {
	ts := newTestServer(t, storetest.Open(t, store.SQLite))
	inside := make(chan struct{}, 100)
	release := make(chan struct{})
	ts.Router.Handle("POST /upload", Public, func(w http.ResponseWriter, r *http.Request) {
		inside <- struct{}{}
		<-release
		io.Copy(io.Discard, r.Body)
	}, MaxBody(uploadLimit))
	h := ts.Handler()
	post := func(ctx context.Context, body *countingBody) *httptest.ResponseRecorder {
		r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/upload", body)
		r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		r.ContentLength = uploadLimit
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	const fit = LargeBodyBudget / uploadLimit
	done := make(chan int, fit+1)
	for i := 0; i < fit; i++ {
		go func() { done <- post(context.Background(), bodyOf(uploadLimit)).Code }()
	}
	for i := 0; i < fit; i++ {
		<-inside
	}
	// The budget is spent: one more waits outside the handler, unread,
	// until its client gives up.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	extra := bodyOf(uploadLimit)
	if w := post(ctx, extra); w.Code != StatusClientClosedRequest || extra.n != 0 {
		t.Errorf("over budget: %d, %d bytes read; want %d and none", w.Code, extra.n, StatusClientClosedRequest)
	}
	// One that waits longer than it may is asked, calmly, to try again.
	ts.Router.largeWait = 100 * time.Millisecond
	busy := bodyOf(uploadLimit)
	w := post(context.Background(), busy)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || busy.n != 0 ||
		!strings.Contains(w.Body.String(), "Sorry, the service is unavailable") {
		t.Errorf("waited too long: %d, Retry-After %q, %d bytes read", w.Code, w.Header().Get("Retry-After"), busy.n)
	}
	ts.Router.largeWait = largeBodyWait
	select {
	case <-inside:
		t.Fatal("a body over the budget reached its handler")
	default:
	}
	// Another waits and goes in as soon as one finishes.
	waiting := make(chan int, 1)
	go func() { waiting <- post(context.Background(), bodyOf(uploadLimit)).Code }()
	time.Sleep(100 * time.Millisecond)
	select {
	case <-inside:
		t.Fatal("a body over the budget reached its handler")
	default:
	}
	release <- struct{}{}
	if code := <-done; code != http.StatusOK {
		t.Errorf("first upload: %d", code)
	}
	<-inside
	close(release)
	for i := 1; i < fit; i++ {
		if code := <-done; code != http.StatusOK {
			t.Errorf("upload: %d", code)
		}
	}
	if code := <-waiting; code != http.StatusOK {
		t.Errorf("upload that waited: %d", code)
	}
}
