package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates
var baseTemplates embed.FS

// Renderer holds every page template, parsed once at start-up. A page is
// rendered into a buffer first, so a template error becomes a clean 500 page
// and never half a page.
type Renderer struct {
	base  *template.Template
	pages map[string]*template.Template
	funcs template.FuncMap
}

var london = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return l
}

func newRenderer(assetURL func(string) string, has func(string) bool) (*Renderer, error) {
	rd := &Renderer{pages: map[string]*template.Template{}}
	rd.funcs = template.FuncMap{
		"asset": assetURL,
		"has":   has,
		"tel":   TelHref,
		"field": newField,
		"dict":  dict,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(london).Format("2 January 2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(london).Format("2 January 2006 at 3:04pm")
		},
	}
	base, err := template.New("base").Funcs(rd.funcs).ParseFS(baseTemplates, "templates/base/*.html")
	if err != nil {
		return nil, err
	}
	rd.base = base
	if err := rd.AddPages("web", mustSub(baseTemplates, "templates/pages")); err != nil {
		return nil, err
	}
	return rd, nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// AddPages parses every *.html in fsys as a page named prefix/file, each on
// top of the layout, the shared partials, and the package's own partials
// (every *.tmpl in fsys). A page defines "main".
func (rd *Renderer) AddPages(prefix string, fsys fs.FS) error {
	files, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return err
	}
	base := rd.base
	if parts, _ := fs.Glob(fsys, "*.tmpl"); len(parts) > 0 {
		if base, err = rd.base.Clone(); err != nil {
			return err
		}
		if base, err = base.ParseFS(fsys, "*.tmpl"); err != nil {
			return fmt.Errorf("web: partials of %s: %w", prefix, err)
		}
	}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(fsys, f); err != nil {
			return fmt.Errorf("web: template %s/%s: %w", prefix, f, err)
		}
		rd.pages[prefix+"/"+f] = t
	}
	return nil
}

// Page is what every page template receives.
type Page struct {
	Title     string
	Principal Principal
	Path      string
	Form      *Form
	// Data is the page's own content.
	Data any
	// Bare drops navigation and panels, for print views.
	Bare bool
	// Demo marks a database filled by psu demo: staff pages say so.
	Demo bool
	// ListCount is how many services the visitor's "My list" holds; the
	// header links to it once there is one (see SetListCounter).
	ListCount int
	// ServiceName is the unit's own name, for the header and the title
	// (see SetServiceName); the layout says "Professional Support Unit"
	// when it is empty.
	ServiceName string
}

func (rd *Renderer) render(name string, p Page) ([]byte, error) {
	t, ok := rd.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dict builds a map from alternating keys and values, so a page can hand
// a partial template several things: {{template "x" (dict "Form" .Form "Name" "note")}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("web: dict needs pairs, got %d values", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("web: dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// TelHref turns a phone number as printed ("020 3049 4505") into a tel: URL.
func TelHref(number string) template.URL {
	var b strings.Builder
	for _, r := range number {
		if r >= '0' && r <= '9' || r == '+' {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}

// Render writes page name with status. It sets the page's principal and path.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	p.Principal = PrincipalFrom(r)
	p.Path = r.URL.Path
	p.Demo = s.demo.Load()
	if f := s.listCounter.Load(); f != nil && !p.Bare {
		p.ListCount = (*f)(r)
	}
	if f := s.serviceName.Load(); f != nil {
		p.ServiceName = (*f)(r)
	}
	body, err := s.renderer.render(name, p)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// SetListCounter gives the header a way to count the services on the
// visitor's list (the directory owns the list).
func (s *Server) SetListCounter(f func(*http.Request) int) { s.listCounter.Store(&f) }

// SetServiceName gives the header a way to read the unit's name (the
// settings own it); an empty name leaves the layout's own.
func (s *Server) SetServiceName(f func(*http.Request) string) { s.serviceName.Store(&f) }

// SetDemo says whether the database holds psu demo's made-up data, so every
// staff page can say so.
func (s *Server) SetDemo(on bool) { s.demo.Store(on) }

// AddPages registers a domain's page templates; see Renderer.AddPages.
func (s *Server) AddPages(prefix string, fsys fs.FS) error { return s.renderer.AddPages(prefix, fsys) }

// Field is what the "input" partial needs to draw one labelled field with
// its hint, error and the value typed so far.
type Field struct {
	Name, Label, Type, Hint, Autocomplete, Width, Value, Error, Inputmode string
}

// newField builds a Field from a form; opts are "key=value" pairs for type,
// hint, autocomplete, width and inputmode.
func newField(f *Form, name, label string, opts ...string) Field {
	fd := Field{Name: name, Label: label, Type: "text"}
	if f != nil {
		fd.Value, fd.Error = f.Values.Get(name), f.Error(name)
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			fd.Type = v
		case "hint":
			fd.Hint = v
		case "autocomplete":
			fd.Autocomplete = v
		case "width":
			fd.Width = v
		case "inputmode":
			fd.Inputmode = v
		default:
			panic("web: unknown field option " + k)
		}
	}
	if fd.Type == "password" {
		fd.Value = ""
	}
	return fd
}
