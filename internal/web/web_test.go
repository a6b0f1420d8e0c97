package web

import (
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct{ remote, xff, want string }{
		{"203.0.113.5:1234", "", "203.0.113.5"},
		{"203.0.113.5:1234", "198.51.100.1", "203.0.113.5"},                  // untrusted peer: header ignored
		{"10.0.0.2:1234", "198.51.100.1", "198.51.100.1"},                    // one proxy
		{"10.0.0.2:1234", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"}, // spoofed first hop ignored
		{"10.0.0.2:1234", "garbage", "10.0.0.2"},
		{"[::ffff:10.0.0.2]:1234", "198.51.100.1", "198.51.100.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ClientIP(r, trusted).String(); got != tc.want {
			t.Errorf("%s / %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

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
