package directory

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html templates/partials.tmpl
var templates embed.FS

//go:embed static/directory.css
var stylesheet []byte

// cssURL carries a hash of the stylesheet, so it can be cached for a year
// and still change the moment a new build ships.
var cssURL = func() string {
	sum := sha256.Sum256(stylesheet)
	return "/directory.css?v=" + hex.EncodeToString(sum[:6])
}()

// handlers are the directory's pages and API, as methods on their
// dependencies.
type handlers struct {
	srv     *web.Server
	db      *store.DB
	outbox  *mail.Outbox
	limiter *ratelimit.Limiter
	sealer  *seal.Sealer
	index   *Index
}

// Register loads the embedded seed on a database that has never had a
// directory, builds the search index, then adds the directory's pages and
// the HSDS API to srv.
func Register(ctx context.Context, srv *web.Server, outbox *mail.Outbox, limiter *ratelimit.Limiter, sealer *seal.Sealer) error {
	loaded, err := LoadSeed(ctx, srv.DB)
	if err != nil {
		return err
	}
	if loaded {
		srv.Log.Info("support directory loaded from the embedded seed")
	}
	pages, err := pageFiles()
	if err != nil {
		return err
	}
	if err := srv.AddPages("directory", pages); err != nil {
		return err
	}
	h := &handlers{srv: srv, db: srv.DB, outbox: outbox, limiter: limiter, sealer: sealer, index: NewIndex()}
	// Build the search index now, so that the first person to search
	// does not wait for it.
	if _, err := h.index.current(ctx, srv.DB); err != nil {
		return err
	}
	h.routes()
	return nil
}

// pageFiles is each page template with the shared partials appended, since
// the renderer parses every page on its own.
func pageFiles() (fs.FS, error) {
	partials, err := templates.ReadFile("templates/partials.tmpl")
	if err != nil {
		return nil, err
	}
	shared := strings.ReplaceAll(string(partials), "DIRECTORY_CSS_URL", cssURL)
	files, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, f := range files {
		b, err := templates.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(f, "templates/")] = &fstest.MapFile{Data: append(b, shared...)}
	}
	return out, nil
}

// routes is the directory's route table. Everything is public: the
// directory is for anyone, and the API is open data.
func (h *handlers) routes() {
	rt := h.srv.Router
	h.srv.SetListCounter(func(r *http.Request) int { return len(h.myList(r)) })
	rt.Handle("GET /services", web.Public, h.search, web.Cached(h.pageVersion()))
	rt.Handle("GET /services/{id}", web.Public, h.show)
	rt.Handle("GET /services/{id}/report-a-problem", web.Public, h.reportForm)
	rt.Handle("POST /services/{id}/report-a-problem", web.Public, h.report)
	rt.Handle("GET /reading", web.Public, h.reading)
	rt.Handle("GET /my-list", web.Public, h.list)
	rt.Handle("POST /my-list", web.Public, h.update)
	rt.Handle("GET /my-list/print", web.Public, h.print)
	rt.Handle("POST /my-list/email", web.Public, h.email)
	rt.Handle("GET /directory.css", web.Public, serveCSS)
	rt.Handle("GET /admin/settings/search", web.Administrator, h.placeSettings)
	rt.Handle("POST /admin/settings/search", web.Administrator, h.savePlaceSettings)
	h.apiRoutes()
}

// pageVersion is what a search page depends on besides its address: the
// directory's generation and the unit's settings (its regions and own
// service rank the results).
// Both are read in one prepared statement.
func (h *handlers) pageVersion() *web.Version {
	read := h.db.Read(`SELECT COALESCE((SELECT value FROM dir_stats WHERE name = ?), 0), ` + settings.VersionSQL)
	return web.NewVersion(func(ctx context.Context) (string, error) {
		var gen int64
		var v string
		if err := read.QueryRowContext(ctx, generationKey).Scan(&gen, &v); err != nil {
			return "", fmt.Errorf("directory: versions: %w", err)
		}
		return strconv.FormatInt(gen, 36) + "/" + v, nil
	}, h.db.Writes)
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(stylesheet)
}

// StylesheetURL is the address of the directory's stylesheet (with its
// content hash), for the editor's pages.
func StylesheetURL() string { return cssURL }
