package web

import (
	"bufio"
	"compress/gzip"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Pages are compressed as they are sent; static assets were compressed
// once when the process started (see loadAssets) and are chosen, not
// compressed again, here.

// compressMin is the smallest body worth compressing: below it the gzip
// header and a round of CPU cost more than the bytes they save.
const compressMin = 1024

// gzipLevel trades a few per cent of size for speed: a 40 KB results page
// compresses to within 3% of the best level at about twice the speed.
const gzipLevel = 5

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzipLevel)
	return w
}}

// compressible reports whether a body of this Content-Type gains from
// compression. PDFs, zips, images other than SVG and fonts are already
// compressed.
func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	switch {
	case strings.HasPrefix(ct, "text/"):
		return true
	case ct == "application/json", ct == "application/javascript", ct == "application/xml",
		ct == "image/svg+xml", ct == "image/x-icon", ct == "image/vnd.microsoft.icon",
		strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	return false
}

// accepts reports whether an Accept-Encoding header accepts coding, with
// a q-value above zero (explicitly, or through "*").
func accepts(header, coding string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(strings.ToLower(name))
		if name != coding && name != "*" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if name == coding {
			return q > 0
		}
		star = q > 0
	}
	return star
}

// compress gzips responses whose type gains from it, for clients that
// accept gzip. It waits for the first compressMin bytes (or the end of
// the response) before deciding, so tiny bodies go out as they are.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compressWriter{ResponseWriter: w,
			gzipOK: r.Method != http.MethodHead && accepts(r.Header.Get("Accept-Encoding"), "gzip")}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

type compressWriter struct {
	http.ResponseWriter
	gzipOK  bool   // the client accepts gzip
	status  int    // what the handler asked for; sent when decided
	decided bool   // the header has gone out
	buf     []byte // held back while undecided
	gz      *gzip.Writer
}

func (w *compressWriter) WriteHeader(code int) {
	if w.decided || w.status != 0 {
		return
	}
	if code >= 100 && code < 200 { // informational: pass it on, keep waiting
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	if code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent {
		w.decide(false)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		if !w.eligible() {
			w.decide(false)
		} else {
			w.buf = append(w.buf, b...)
			if len(w.buf) < compressMin {
				return len(b), nil
			}
			pending := w.buf
			w.buf = nil
			w.decide(true)
			if _, err := w.gz.Write(pending); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// eligible reports whether the response, as its handler has described it
// so far, may be compressed.
func (w *compressWriter) eligible() bool {
	h := w.ResponseWriter.Header()
	if !w.gzipOK || h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return false
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n < compressMin {
			return false
		}
	}
	return true
}

// decide sends the header, compressed or not; held-back bytes are the
// caller's to send.
func (w *compressWriter) decide(gz bool) {
	w.decided = true
	h := w.ResponseWriter.Header()
	if compressible(h.Get("Content-Type")) && !varyAcceptEncoding(h) {
		// Whether or not this client took gzip, a cache must not hand
		// this answer to one that asks differently.
		h.Add("Vary", "Accept-Encoding")
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("ETag", "W/"+etag) // the bytes differ from the plain ones
		}
		w.gz = gzipWriters.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
}

func varyAcceptEncoding(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

func (w *compressWriter) finish() {
	if !w.decided {
		if w.status == 0 && len(w.buf) == 0 {
			return // the handler wrote nothing: net/http sends its own 200
		}
		pending := w.buf
		w.buf = nil
		w.decide(false)
		if len(pending) > 0 {
			w.ResponseWriter.Write(pending)
		}
		return
	}
	if w.gz != nil {
		w.gz.Close()
		w.gz.Reset(nil)
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

// Flush sends what has been written so far: a handler that flushes wants
// the client to see it now, so the decision cannot wait.
func (w *compressWriter) Flush() {
	if !w.decided {
		pending := w.buf
		w.buf = nil
		w.decide(len(pending) > 0 && w.eligible())
		if w.gz != nil {
			w.gz.Write(pending)
		} else if len(pending) > 0 {
			w.ResponseWriter.Write(pending)
		}
	}
	if w.gz != nil {
		w.gz.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}
