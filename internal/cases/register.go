// Package cases is the back office's case work: the queue, the case record,
// and everything staff do on a case until it closes. A case is the unit's
// work with one trainee; it opens when their application or a referrer's
// notice arrives (see intake.go).
//
// Who may see a case is decided in one place, Store.Authorize, which also
// writes every view and every refusal to the audit trail; every page and
// download that shows a case goes through it, and every change re-checks
// the same rules inside its transaction (Store.act).
package cases

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html templates/*.tmpl
var templates embed.FS

// handlers holds the case pages' dependencies.
type handlers struct {
	srv       *web.Server
	cases     *Store
	apps      *application.Store
	signposts func(ctx context.Context) ([]string, error)
	now       func() time.Time
	messages  map[string]string // success messages by code
	panels    []Panel
}

// Register adds the back office's case pages to srv and returns the Gate
// through which the other rooms of case work reach a case. signposts lists
// the directory services a lead may point a trainee to when a case is not
// eligible.
func Register(ctx context.Context, srv *web.Server, cs *Store, apps *application.Store, signposts func(ctx context.Context) ([]string, error)) (*Gate, error) {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	if err := srv.AddPages("cases", sub); err != nil {
		return nil, err
	}
	if _, err := cs.Backfill(ctx, apps); err != nil {
		return nil, err
	}
	h := &handlers{srv: srv, cases: cs, apps: apps, signposts: signposts, now: store.Now, messages: map[string]string{}}
	for k, v := range flashes {
		h.messages[k] = v
	}
	r := srv.Router
	r.Handle("GET /staff", web.Staff, h.staffHome)
	r.Handle("GET /cases", web.Adviser, h.queue)
	r.Handle("POST /cases/alerts", web.TriageLead, h.setAlerts)
	r.Handle("GET /cases/erasure-requests", web.TriageLead, h.erasureList)
	r.Handle("POST /cases/erasure-requests", web.TriageLead, h.erasureDecide)
	r.Handle("GET /cases/{ref}", web.Adviser, h.show)
	r.Handle("GET /cases/{ref}/documents/{id}", web.Adviser, h.document)
	r.Handle("GET /cases/{ref}/open", web.Adviser, h.breakGlassForm)
	r.Handle("POST /cases/{ref}/open", web.Adviser, h.breakGlass)
	r.Handle("GET /cases/{ref}/conflict", web.Adviser, h.conflictForm)
	r.Handle("POST /cases/{ref}/conflict", web.Adviser, h.conflict)
	r.Handle("POST /cases/{ref}/notes", web.Adviser, h.addNote)
	r.Handle("POST /cases/{ref}/contacted", web.Adviser, h.contacted)
	r.Handle("POST /cases/{ref}/resume", web.Adviser, h.resume)
	r.Handle("POST /cases/{ref}/restrict", web.TriageLead, h.restrict)
	for _, a := range actionPages {
		r.Handle("GET /cases/{ref}/"+a.slug, a.perm, h.actionForm(a))
		r.Handle("POST /cases/{ref}/"+a.slug, a.perm, h.action(a))
	}
	return &Gate{h: h}, nil
}

// viewer is the member of staff making r.
func (h *handlers) viewer(r *http.Request) Viewer {
	return ViewerOf(r, h.srv.Config.TrustedProxies)
}
