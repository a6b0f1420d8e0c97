package pages_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The home page is calm, complete and accessible with JavaScript on and off,
// and every link on it leads somewhere.
func TestHomePageInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t)
	for _, tc := range []struct {
		name string
		opts []webtest.Option
	}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}, {"phone", []webtest.Option{webtest.Phone()}}} {
		t.Run(tc.name, func(t *testing.T) {
			tab := b.Tab(t, tc.opts...)
			tab.Visit(in.URL + "/")
			if got := tab.Text("h1"); got != "Support for healthcare professionals in training" {
				t.Errorf("h1 = %q", got)
			}
			help := tab.Text("#need-help-now")
			if help != "Help at any time" {
				t.Errorf("need-help panel heading = %q", help)
			}
			html := tab.HTML()
			for _, want := range []string{`href="tel:999"`, `href="tel:111"`, `href="tel:08459200169"`, `href="tel:01455254189"`, `href="tel:03704445163"`, `Skip to main content`, `href="/privacy"`, `href="/confidentiality"`, `href="/accessibility"`, `href="/contact"`} {
				if !strings.Contains(html, want) {
					t.Errorf("home page lacks %s", want)
				}
			}
			// The header names the service and carries the menu; staff
			// sign in from the footer only; no word meant for developers.
			header, main, footer := tab.Text("header"), tab.Text("main"), tab.Text("footer")
			for _, want := range []string{"Professional Support Unit", "Find support", "Apply", "For referrers", "About us"} {
				if !strings.Contains(header, want) {
					t.Errorf("the header lacks %q: %q", want, header)
				}
			}
			for _, want := range []string{"Contact the unit", "Accessibility statement", "Privacy notice", "Cookies", "Staff sign in"} {
				if !strings.Contains(footer, want) {
					t.Errorf("the footer lacks %q: %q", want, footer)
				}
			}
			for _, not := range []string{"sign in", "psu", "API", "HSDS", "localhost", "TODO"} {
				if strings.Contains(strings.ToLower(header+main), strings.ToLower(not)) {
					t.Errorf("the header or main part says %q", not)
				}
			}
			if got := tab.Text("main a.nhsuk-button"); got != "Get support" {
				t.Errorf("the main action is %q", got)
			}
			if ran := tab.ScriptsRan(); ran == (tc.name == "javascript off") {
				t.Errorf("page scripts ran = %v", ran)
			}
			tab.Axe()
		})
	}

	c := in.Client(t)
	tab := b.Tab(t)
	tab.Visit(in.URL + "/")
	for _, link := range tab.Links() {
		u, err := url.Parse(link)
		if err != nil {
			t.Errorf("bad link %q", link)
			continue
		}
		if strings.HasPrefix(link, "tel:") || strings.HasPrefix(link, "sms:") {
			continue
		}
		if u.Host != strings.TrimPrefix(in.URL, "http://") {
			t.Errorf("link leaves the site: %s", link)
			continue
		}
		if res := c.Get(u.RequestURI()); res.StatusCode != http.StatusOK {
			t.Errorf("link %s → %d", u.RequestURI(), res.StatusCode)
		}
	}
}

// Each page the footer links to is accessible too.
func TestFooterPagesInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	tab := webtest.New(t).Tab(t, webtest.NoJS())
	for _, path := range []string{"/privacy", "/confidentiality", "/accessibility", "/contact", "/cookies", "/sign-in"} {
		tab.Visit(in.URL + path)
		if tab.Text("h1") == "" {
			t.Errorf("%s has no heading", path)
		}
		tab.Axe()
	}
}

// Every error page a person can meet is in the layout, plain and accessible.
func TestErrorPagesInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	in.App.Web.Router.Handle("GET /test/error/{status}", web.Public, func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(r.PathValue("status"))
		in.App.Web.Error(w, r, status)
	})
	tab := webtest.New(t).Tab(t)
	for _, status := range []int{400, 403, 404, 405, 413, 422, 429, 500} {
		tab.Visit(in.URL + "/test/error/" + strconv.Itoa(status))
		h1 := tab.Text("h1")
		if h1 == "" || !strings.Contains(tab.Text("main"), "Error code "+strconv.Itoa(status)) {
			t.Errorf("%d: h1 %q, main %q", status, h1, tab.Text("main"))
		}
		tab.Axe()
	}
	// The real ones, reached the way a person would.
	tab.Visit(in.URL + "/no/such/page")
	if tab.Text("h1") != "Page not found" {
		t.Errorf("404 page h1 = %q", tab.Text("h1"))
	}
	tab.Visit(in.URL + "/sign-out")
	if tab.Text("h1") != "That action is not possible here" {
		t.Errorf("405 page h1 = %q", tab.Text("h1"))
	}
}

// Staff sign-in works in a real browser, and its error state is accessible.
func TestSignInPageErrorsInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	tab := webtest.New(t).Tab(t)
	tab.Visit(in.URL + "/sign-in")
	tab.Fill("#email", "not-an-address")
	tab.Click("form[action='/sign-in'] button")
	if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "Enter an e-mail address in the right format") {
		t.Errorf("error summary = %q", got)
	}
	if v := tab.HTML(); !strings.Contains(v, `value="not-an-address"`) {
		t.Error("typed e-mail address lost after the error")
	}
	tab.Axe()
}
