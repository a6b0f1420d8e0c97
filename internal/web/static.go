package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
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
}

func loadAssets() (*assets, error) {
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
		a.files[p[len("static/"):]] = asset{hash: hex.EncodeToString(sum[:6]), body: b, ct: ct}
		return nil
	})
	return a, err
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

func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, f asset) {
	w.Header().Set("Content-Type", f.ct)
	w.Header().Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, "", buildTime, bytes.NewReader(f.body))
}
