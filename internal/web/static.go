package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"sync"

	"crypto/sha256"
	"embed"
	"encoding/hex"
	"github.com/andybalholm/brotli"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed static
var staticFS embed.FS

// assets serves embedded files under content-hashed URLs
// (/static/<hash>/<path>), so they can be cached for a year and still
// change the moment a new build ships.
type assets struct {
	files map[string]asset // by path below static/
}

type asset struct {
	hash string
	body []byte
	ct   string
	br   []byte // Brotli, when it is smaller than body
	gz   []byte // gzip, when it is smaller than body
}

// loadAssets reads the embedded files and compresses each that gains from
// it, once per process: every Server in one process (tests build many)
// shares the result, which is never changed after it is built.
func loadAssets() (*assets, error) {
	assetsOnce.Do(func() { loaded, loadErr = readAssets() })
	return loaded, loadErr
}

var (
	assetsOnce sync.Once
	loaded     *assets
	loadErr    error
)

// brotliLevel: 11 would save another 2 KB on the NHS.UK stylesheet
// (23.5 KB against 25.4 KB) but takes 0.8 s at start-up against 0.05 s.
const brotliLevel = 9

func readAssets() (*assets, error) {
	a := &assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		f := asset{hash: hex.EncodeToString(sum[:6]), body: b, ct: ct}
		if compressible(ct) && len(b) >= compressMin {
			f.br, f.gz, err = precompress(b)
			if err != nil {
				return fmt.Errorf("web: compressing %s: %w", p, err)
			}
		}
		a.files[p[len("static/"):]] = f
		return nil
	})
	return a, err
}

// precompress returns b in Brotli and in gzip, each only if it is at
// least a tenth smaller than b.
func precompress(b []byte) (br, gz []byte, err error) {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, brotliLevel)
	if _, err := bw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	if buf.Len() < len(b)*9/10 {
		br = bytes.Clone(buf.Bytes())
	}
	buf.Reset()
	gw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := gw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := gw.Close(); err != nil {
		return nil, nil, err
	}
	if buf.Len() < len(b)*9/10 {
		gz = bytes.Clone(buf.Bytes())
	}
	return br, gz, nil
}

// url returns the hashed URL of an embedded asset; an unknown name panics at
// template execution, which the renderer turns into a logged 500 (and tests
// catch).
func (a *assets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("web: no static asset " + name)
	}
	return "/static/" + f.hash + "/" + name
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files[r.PathValue("path")]
	if !ok || f.hash != r.PathValue("hash") {
		s.Error(w, r, http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	s.serveBytes(w, r, f)
}

// The NHS.UK stylesheet refers to its icons at /assets/images/, unhashed.
func (s *Server) serveNHSImage(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files["vendor/nhsuk-frontend/assets/images/"+r.PathValue("name")]
	if !ok {
		s.Error(w, r, http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	s.serveBytes(w, r, f)
}

func (s *Server) serveFavicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	s.serveBytes(w, r, s.assets.files["vendor/nhsuk-frontend/assets/images/favicon.ico"])
}

var buildTime = time.Now()

// serveBytes sends f in the best encoding the client accepts, Brotli
// before gzip. Each encoding has its own ETag, as its bytes differ.
func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, f asset) {
	h := w.Header()
	h.Set("Content-Type", f.ct)
	body, tag := f.body, f.hash
	if f.br != nil || f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		ae := r.Header.Get("Accept-Encoding")
		switch {
		case f.br != nil && accepts(ae, "br"):
			body, tag = f.br, f.hash+"-br"
			h.Set("Content-Encoding", "br")
		case f.gz != nil && accepts(ae, "gzip"):
			body, tag = f.gz, f.hash+"-gz"
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, "", buildTime, bytes.NewReader(body))
}
