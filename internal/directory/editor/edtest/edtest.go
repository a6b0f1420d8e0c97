// Package edtest helps tests drive the directory editor as a browser
// would: it reads the forms on a page and posts them back with changes.
package edtest

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/web"
)

var (
	formRE     = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	inputRE    = regexp.MustCompile(`<input([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea([^>]*)>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?s)<select([^>]*)>(.*?)</select>`)
	optionRE   = regexp.MustCompile(`<option([^>]*)>`)
	attrRE     = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// Form returns the values a browser would send from the form on page
// whose action is action.
func Form(t testing.TB, page, action string) url.Values {
	t.Helper()
	for _, m := range formRE.FindAllStringSubmatch(page, -1) {
		if html.UnescapeString(m[1]) != action {
			continue
		}
		v := url.Values{}
		body := m[2]
		for _, in := range inputRE.FindAllStringSubmatch(body, -1) {
			a := attrs(in[1])
			name := a["name"]
			if name == "" {
				continue
			}
			_, checked := a["checked"]
			switch a["type"] {
			case "checkbox", "radio":
				if checked {
					v.Add(name, a["value"])
				}
			default:
				v.Add(name, a["value"])
			}
		}
		for _, ta := range textareaRE.FindAllStringSubmatch(body, -1) {
			v.Add(attrs(ta[1])["name"], html.UnescapeString(strings.TrimPrefix(ta[2], "\n")))
		}
		for _, sel := range selectRE.FindAllStringSubmatch(body, -1) {
			for _, o := range optionRE.FindAllStringSubmatch(sel[2], -1) {
				if a := attrs(o[1]); a["selected"] != "" || strings.Contains(o[1], " selected") {
					v.Add(attrs(sel[1])["name"], a["value"])
				}
			}
		}
		return v
	}
	t.Fatalf("no form posting to %s on the page:\n%s", action, page)
	return nil
}

// Submit posts the form on page to action, with changes applied (a nil
// value removes the field).
func Submit(t testing.TB, c *apptest.Client, page, action string, changes map[string][]string) apptest.Response {
	t.Helper()
	v := Form(t, page, action)
	for k, vs := range changes {
		if vs == nil {
			v.Del(k)
		} else {
			v[k] = vs
		}
	}
	return c.Post(action, v)
}

// Follow fetches where a redirect points.
func Follow(t testing.TB, c *apptest.Client, res apptest.Response) apptest.Response {
	t.Helper()
	if res.StatusCode != 303 {
		t.Fatalf("want a redirect, got %d:\n%s", res.StatusCode, res.Body)
	}
	return c.Get(res.Header.Get("Location"))
}

// Editor is a new directory editor, signed in.
func Editor(t testing.TB, in *apptest.Instance) (*apptest.Client, apptest.Staff) {
	t.Helper()
	s := in.CreateStaff(t, web.RoleDirectoryEditor)
	c := in.Client(t)
	c.SignIn(s)
	return c, s
}

// Expect checks a response's status and that its body holds each of wants.
func Expect(t testing.TB, what string, res apptest.Response, status int, wants ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, res.Body)
	}
	for _, w := range wants {
		if !strings.Contains(res.Body, w) {
			t.Errorf("%s: page lacks %q", what, w)
		}
	}
}
