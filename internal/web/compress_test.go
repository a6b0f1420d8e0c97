package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// fetch GETs url with Accept-Encoding set as given (none when empty),
// without the transport's own decoding, and returns the response with its
// raw body.
func fetch(t *testing.T, url, acceptEncoding string, header ...string) (*http.Response, []byte) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

func unbrotli(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("bad brotli: %v", err)
	}
	return out
}

func varies(res *http.Response) bool { return varyAcceptEncoding(res.Header) }

// Static assets were compressed once, at start-up; each request gets the
// encoding it asks for (Brotli first), the same bytes once decoded, and a
// Vary header so a cache keeps them apart.
func TestStaticAssetsArePrecompressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		hs := ts.start(t)
		for _, name := range []string{"vendor/nhsuk-frontend/nhsuk-frontend.min.css", "vendor/nhsuk-frontend/nhsuk-frontend.min.js", "css/psu.css"} {
			want := ts.assets.files[name].body
			url := hs.URL + ts.assets.url(name)
			for _, c := range []struct {
				accept, encoding string
				decode           func(*testing.T, []byte) []byte
			}{
				{"br", "br", unbrotli},
				{"gzip, deflate, br, zstd", "br", unbrotli},
				{"gzip", "gzip", gunzip},
				{"br;q=0, gzip", "gzip", gunzip},
				{"", "", nil},
				{"identity", "", nil},
			} {
				res, body := fetch(t, url, c.accept)
				if res.StatusCode != 200 {
					t.Fatalf("%s (%q): status %d", name, c.accept, res.StatusCode)
				}
				if got := res.Header.Get("Content-Encoding"); got != c.encoding {
					t.Errorf("%s (%q): Content-Encoding %q, want %q", name, c.accept, got, c.encoding)
				}
				if !varies(res) {
					t.Errorf("%s (%q): no Vary: Accept-Encoding", name, c.accept)
				}
				if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
					t.Errorf("%s: Cache-Control %q", name, res.Header.Get("Cache-Control"))
				}
				if c.decode != nil {
					if len(body) >= len(want) {
						t.Errorf("%s (%q): %d bytes sent for %d", name, c.accept, len(body), len(want))
					}
					body = c.decode(t, body)
				}
				if !bytes.Equal(body, want) {
					t.Errorf("%s (%q): the decoded body differs from the file", name, c.accept)
				}
			}
			// A repeat visit that revalidates gets 304 for its own encoding.
			res, _ := fetch(t, url, "br")
			res2, _ := fetch(t, url, "br", "If-None-Match", res.Header.Get("ETag"))
			if res2.StatusCode != http.StatusNotModified {
				t.Errorf("%s: revalidation status %d, want 304", name, res2.StatusCode)
			}
		}
	})
}

// Pages are gzipped as they are sent when the client accepts it; tiny
// bodies and types that are compressed already (PDF, zip, images) go as
// they are.
func TestResponsesAreCompressedOnTheFly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		page := []byte("<!DOCTYPE html><title>t</title>" + strings.Repeat("<p>Samaritans 116 123</p>\n", 400))
		serve := func(ct string, body []byte) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", ct)
				w.Write(body)
			}
		}
		ts.Router.Handle("GET /test/page", Public, serve("text/html; charset=utf-8", page))
		ts.Router.Handle("GET /test/tiny", Public, serve("text/html; charset=utf-8", []byte("<p>hello</p>")))
		ts.Router.Handle("GET /test/pdf", Public, serve("application/pdf", page))
		ts.Router.Handle("GET /test/zip", Public, serve("application/zip", page))
		ts.Router.Handle("GET /test/png", Public, serve("image/png", page))
		ts.Router.Handle("GET /test/pieces", Public, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			for range 100 {
				w.Write([]byte("a,b,c,d,e,f,g,h\n"))
			}
		})
		hs := ts.start(t)

		res, body := fetch(t, hs.URL+"/test/page", "gzip, deflate, br")
		if res.Header.Get("Content-Encoding") != "gzip" || !varies(res) {
			t.Fatalf("page: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Values("Vary"))
		}
		if len(body) >= len(page)/4 {
			t.Errorf("page: %d bytes sent for %d", len(body), len(page))
		}
		if !bytes.Equal(gunzip(t, body), page) {
			t.Error("page: the decoded body differs")
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("Cache-Control") != "no-store" {
			t.Error("page: the security headers are missing")
		}

		res, body = fetch(t, hs.URL+"/test/page", "")
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, page) || !varies(res) {
			t.Errorf("page without Accept-Encoding: Content-Encoding %q, plain %v, Vary %v",
				res.Header.Get("Content-Encoding"), bytes.Equal(body, page), varies(res))
		}
		res, body = fetch(t, hs.URL+"/test/page", "gzip;q=0")
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, page) {
			t.Error("page with gzip;q=0 came compressed")
		}

		for _, p := range []string{"/test/tiny", "/test/pdf", "/test/zip", "/test/png"} {
			res, body := fetch(t, hs.URL+p, "gzip")
			if res.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: compressed (%q)", p, res.Header.Get("Content-Encoding"))
			}
			if p != "/test/tiny" && !bytes.Equal(body, page) {
				t.Errorf("%s: body changed", p)
			}
		}

		res, body = fetch(t, hs.URL+"/test/pieces", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" || string(gunzip(t, body)) != strings.Repeat("a,b,c,d,e,f,g,h\n", 100) {
			t.Error("a body written in small pieces did not arrive whole and compressed")
		}

		// HEAD and the not-found page.
		res, body = fetch(t, hs.URL+"/no/such/page", "gzip")
		if res.StatusCode != 404 {
			t.Fatalf("not found: %d", res.StatusCode)
		}
		if res.Header.Get("Content-Encoding") == "gzip" {
			body = gunzip(t, body)
		}
		if !bytes.Contains(body, []byte("</html>")) {
			t.Error("the not-found page did not arrive whole")
		}
	})
}

func TestAccepts(t *testing.T) {
	for _, c := range []struct {
		header, coding string
		want           bool
	}{
		{"gzip", "gzip", true},
		{"GZIP", "gzip", true},
		{"deflate, gzip;q=0.5", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"gzip; q=0.0", "gzip", false},
		{"*", "br", true},
		{"*;q=0, gzip", "br", false},
		{"*;q=0, gzip", "gzip", true},
		{"", "gzip", false},
		{"gzipped", "gzip", false},
		{"br", "gzip", false},
	} {
		if got := accepts(c.header, c.coding); got != c.want {
			t.Errorf("accepts(%q, %q) = %v, want %v", c.header, c.coding, got, c.want)
		}
	}
}
