package web

import (
	"net/url"
	"testing"
)

func TestSafeRedirectTargetStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/account": "/account", "/services?q=x": "/services?q=x", "": "/",
		"//evil.example": "/", "/\\evil.example": "/", "https://evil.example": "/", "javascript:alert(1)": "/",
	} {
		if got := SafeRedirectTarget(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestTelHref(t *testing.T) {
	if got := TelHref("020 3049 4505"); got != "tel:02030494505" {
		t.Errorf("got %s", got)
	}
}

func TestFormKeepsInputAndOrdersErrors(t *testing.T) {
	v := url.Values{"name": {"  Ada "}, "password": {"secret"}}
	f := NewForm(v)
	f.Values.Del("password")
	if v.Get("password") != "secret" {
		t.Error("NewForm shares the caller's values")
	}
	f.Require("email", "Enter your e-mail address")
	f.Fail("name", "first")
	f.Fail("name", "second")
	if f.Valid() || f.Get("name") != "Ada" || f.Error("name") != "first" {
		t.Errorf("form %+v", f)
	}
	if s := f.Summary(); len(s) != 2 || s[0].Field != "email" || s[1].Field != "name" {
		t.Errorf("summary %+v", s)
	}
}

func TestRouteWithoutPermissionOrMethodPanics(t *testing.T) {
	rt := newRouter(nil)
	for _, tc := range []struct {
		pattern string
		perm    Permission
	}{{"/no-method", Public}, {"GET /no-permission", ""}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%q with %q registered without complaint", tc.pattern, tc.perm)
				}
			}()
			rt.Handle(tc.pattern, tc.perm, nil)
		}()
	}
}
