// Package pages serves the public pages that explain the service: the home
// page, how the Individual Support Team works, guidance for applicants, the
// adviser biographies (which advisers write and administrators publish), and the privacy,
// confidentiality, accessibility and contact pages.
package pages

import (
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

//go:embed templates/*.html templates/*.tmpl
var templates embed.FS

// PSUPhone is the unit's phone number as the source documents give it.
// The contact and privacy pages show the one set at /admin/settings/unit.
const PSUPhone = settings.DefaultPhone

type pages struct{ srv *web.Server }

// Register adds the pages' templates and routes to srv.
func Register(srv *web.Server) error {
	sub, _ := fs.Sub(templates, "templates")
	if err := srv.AddPages("pages", sub); err != nil {
		return err
	}
	p := pages{srv}
	for _, pg := range []struct{ path, file, title string }{
		{"/confidentiality", "confidentiality.html", "Confidentiality"},
		{"/cookies", "cookies.html", "Cookies"},
		{"/guidance/applicants", "guidance_applicants.html", "Before you apply: what helps us understand your situation"},
	} {
		srv.Router.Handle("GET "+pg.path, web.Public, p.static(pg.file, pg.title))
	}
	// These show the unit's own details, as an administrator set them.
	srv.Router.Handle("GET /contact", web.Public, p.unitPage("contact.html", "Contact the unit"))
	srv.Router.Handle("GET /privacy", web.Public, p.unitPage("privacy.html", "Privacy notice"))
	srv.Router.Handle("GET /how-it-works", web.Public, p.unitPage("how_it_works.html", "How the Individual Support Team works"))
	srv.Router.Handle("GET /accessibility", web.Public, p.unitPage("accessibility.html", "Accessibility statement"))
	// The home page shows the unit's name and region (and every page's
	// header its name), so it is kept in the page cache under the settings'
	// version.
	srv.Router.Handle("GET /{$}", web.Public, p.unitPage("home.html", "Support for healthcare professionals in training"),
		web.Cached(settings.PageVersion(srv.DB)))

	srv.Router.Handle("GET /advisers", web.Public, p.advisersPage)
	srv.Router.Handle("GET /advisers/{id}/photo", web.Public, p.publicPhoto)
	// An adviser's own biography: the route names no account, so nobody
	// reaches another's.
	srv.Router.Handle("GET /account/biography", web.Adviser, p.biographyForm)
	srv.Router.Handle("POST /account/biography", web.Adviser, p.saveBiography, web.MaxBody(MaxPhotoSize+1<<20))
	srv.Router.Handle("GET /account/biography/photo", web.Adviser, p.ownPhoto)
	srv.Router.Handle("GET /admin/advisers", web.Administrator, p.adminAdvisers)
	srv.Router.Handle("GET /admin/advisers/{id}/photo", web.Administrator, p.adminPhoto)
	srv.Router.Handle("POST /admin/advisers/{id}/publish", web.Administrator, p.publishBio)
	srv.Router.Handle("POST /admin/advisers/{id}/unpublish", web.Administrator, p.unpublishBio)
	srv.Router.Handle("GET /admin/advisers/{id}/delete", web.Administrator, p.deleteAdviserForm)
	srv.Router.Handle("POST /admin/advisers/{id}/delete", web.Administrator, p.deleteAdviser)
	return nil
}

// AccessibilityStatementDate is when the accessibility statement's text
// was prepared. Change it whenever the statement's substance changes.
const AccessibilityStatementDate = "4 December 2026"

// unitView is what the pages about the unit itself show.
type unitView struct {
	Unit           settings.Unit
	RetentionYears int
	Reply          string // how soon the unit aims to reply: "14 days", "10 working days"
	StatementDate  string
}

func (p pages) unitPage(file, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := settings.UnitDetails(r.Context(), p.srv.DB)
		if err != nil {
			p.srv.ServerError(w, r, err)
			return
		}
		years, err := settings.RetentionYears(r.Context(), p.srv.DB)
		if err != nil {
			p.srv.ServerError(w, r, err)
			return
		}
		clock, err := settings.Clock(r.Context(), p.srv.DB)
		if err != nil {
			p.srv.ServerError(w, r, err)
			return
		}
		p.srv.Render(w, r, http.StatusOK, "pages/"+file, web.Page{Title: title,
			Data: unitView{Unit: u, RetentionYears: years, Reply: replyWords(clock), StatementDate: AccessibilityStatementDate}})
	}
}

func (p pages) static(file, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.srv.Render(w, r, http.StatusOK, "pages/"+file, web.Page{Title: title, Data: PSUPhone})
	}
}

// replyWords says the first-response target as a person reads it.
func replyWords(c settings.ClockSettings) string {
	unit := "days"
	if c.Mode == workdays.Working {
		unit = "working days"
	}
	if c.Days == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return strconv.Itoa(c.Days) + " " + unit
}
