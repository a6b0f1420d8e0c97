package feedback

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

//go:embed templates
var templates embed.FS

// Store holds the feedback given.
type Store struct {
	DB     *store.DB
	Sealer *seal.Sealer
	now    func() time.Time
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now().UTC()
	}
	return store.Now()
}

type handlers struct {
	srv     *web.Server
	s       *Store
	limiter *ratelimit.Limiter
}

// Route is the form's address; plans sends requests only once a build
// serves it.
const Route = "/feedback/{token}"

// Register adds the feedback form and its thanks to srv.
func Register(srv *web.Server, s *Store, limiter *ratelimit.Limiter) error {
	pagesFS, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("feedback", pagesFS); err != nil {
		return err
	}
	h := &handlers{srv: srv, s: s, limiter: limiter}
	srv.Router.Handle("GET "+Route, web.Public, h.feedbackForm)
	srv.Router.Handle("POST "+Route, web.Public, h.giveFeedback)
	srv.Router.Handle("GET /feedback-sent", web.Public, h.feedbackSent)
	return nil
}

func (h *handlers) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.srv.Config.TrustedProxies).String()
}

// london is the unit's time zone.
var london = workdays.London

// Comments are the comments given in the months from through to (each
// "2006-01"), opened, oldest month first; for leads only.
func (s *Store) Comments(ctx context.Context, from, to string) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, comments FROM feedback WHERE comments IS NOT NULL AND month >= ? AND month <= ?
		ORDER BY month, id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("feedback: comments: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			return nil, err
		}
		text, err := s.Sealer.OpenString(sealed, "feedback.comments:"+id)
		if err != nil {
			return nil, fmt.Errorf("feedback: comment %s: %w", id, err)
		}
		out = append(out, strings.TrimSpace(text))
	}
	return out, rows.Err()
}
