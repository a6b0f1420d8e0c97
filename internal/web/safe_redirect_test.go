package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Known ways past redirect checks: each must come back as a path on this
// site (most as the safe default "/").
func TestSafeRedirectTargetRefusesKnownBypasses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Paths on this site are kept, query and all.
		{"/account", "/account"},
		{"/services?q=mental%20health&need=money", "/services?q=mental%20health&need=money"},
		{"/services?q=100%25", "/services?q=100%25"},
		{"/admin/advisers/", "/admin/advisers/"},
		{"/a/./b/../c", "/a/c"},
		{"/services#results", "/services"},
		{"", "/"},
		{"/", "/"},

		// Tabs and newlines, which browsers delete.
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/%09/evil.example", "/"}, // as it arrives when a layer has not decoded it yet
		{"/%0a/evil.example", "/"},
		{"/%0d%0a/evil.example", "/"},

		// Backslashes, which browsers read as slashes.
		{"\\\\evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"/%5cevil.example", "/"},
		{"/%5C%5Cevil.example", "/"},

		// Encoded slashes, decoded by some layer on the way.
		{"/%2fevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"%2f%2fevil.example", "/"},
		{"/%252f%252fevil.example", "/"},
		{"/%25252f/evil.example", "/"},

		// Protocol-relative and absolute addresses, and schemes.
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"////evil.example/x", "/"},
		{"https://evil.example", "/"},
		{"http://evil.example/account", "/"},
		{"HTTPS://evil.example", "/"},
		{"https:evil.example", "/"},
		{"https:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JaVaScRiPt:alert(1)", "/"},
		{"java\tscript:alert(1)", "/"},
		{"data:text/html,<script>alert(1)</script>", "/"},
		{"vbscript:msgbox(1)", "/"},

		// Userinfo tricks.
		{"//psu.example@evil.example", "/"},
		{"https://psu.example@evil.example/", "/"},
		{"/@evil.example", "/@evil.example"}, // a path, not a host
		{"@evil.example", "/"},

		// Leading spaces and controls, which browsers trim.
		{" //evil.example", "/"},
		{"  /\\evil.example", "/"},
		{"\x00//evil.example", "/"},
		{"\x1f/\\evil.example", "/"},
		{"%20//evil.example", "/"},
		{"/%20//evil.example", "/%20/evil.example"}, // a space then a path: still here, doubled slash cleaned

		// Relative references and odd shapes.
		{"evil.example", "/"},
		{".//evil.example", "/"},
		{"/.//evil.example", "/evil.example"},
		{"/../..//evil.example", "/evil.example"},
		{"?next=//evil.example", "/"},
		{"#//evil.example", "/"},
		{"/%zz", "/"},
		{"/\u3000/evil.example", "/%E3%80%80/evil.example"},
	} {
		got := SafeRedirectTarget(tc.in)
		if got != tc.want {
			t.Errorf("SafeRedirectTarget(%q) = %q, want %q", tc.in, got, tc.want)
		}
		assertSameSitePath(t, tc.in, got)
	}
}

// assertSameSitePath checks out as every reader of a Location header would
// read it: a browser (cleaning, then resolving against the page), a layer
// that decodes it again, and http.Redirect itself.
func assertSameSitePath(t *testing.T, in, out string) {
	t.Helper()
	if !pathOnSite(out) {
		t.Fatalf("SafeRedirectTarget(%q) = %q: not a path on this site", in, out)
	}
	for i := 0; i < len(out); i++ {
		if c := out[i]; c <= 0x20 || c >= 0x7f || strings.IndexByte("\\\"'<>`{|}^", c) >= 0 {
			t.Fatalf("SafeRedirectTarget(%q) = %q: unescaped byte %q", in, out, c)
		}
	}
	base, _ := url.Parse("https://psu.example/sign-in/code")
	ref, err := url.Parse(out)
	if err != nil {
		t.Fatalf("SafeRedirectTarget(%q) = %q does not parse: %v", in, out, err)
	}
	if got := base.ResolveReference(ref); got.Host != "psu.example" || got.Scheme != "https" || got.User != nil {
		t.Fatalf("SafeRedirectTarget(%q) = %q resolves to %s", in, out, got)
	}
	for d, i := out, 0; i < 10; i++ {
		if !pathOnSite(browserClean(d)) {
			t.Fatalf("SafeRedirectTarget(%q) = %q leaves the site once decoded %d times: %q", in, out, i, d)
		}
		next, err := url.PathUnescape(d)
		if err != nil || next == d {
			break
		}
		d = next
	}
	if again := SafeRedirectTarget(out); again != out {
		t.Fatalf("SafeRedirectTarget is not stable: %q → %q → %q", in, out, again)
	}
	w := httptest.NewRecorder()
	http.Redirect(w, httptest.NewRequest("GET", "/sign-in/code", nil), out, http.StatusSeeOther)
	loc := w.Header().Get("Location")
	if !pathOnSite(browserClean(loc)) {
		t.Fatalf("SafeRedirectTarget(%q) = %q: http.Redirect wrote Location %q", in, out, loc)
	}
}

func FuzzSafeRedirect(f *testing.F) {
	for _, s := range []string{
		"/account", "/services?q=a%20b", "//evil.example", "/\t/evil.example", "/%09/evil.example",
		"/\\evil.example", "\\/evil.example", "/%2f%2fevil.example", "/%5c%5cevil.example",
		"https://evil.example", "javascript:alert(1)", " //evil.example", "//a@evil.example",
		"/%252f%252fevil.example", "/.//x", "/a/../..//b", "/\u3000/x", "?x=//y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		assertSameSitePath(t, in, SafeRedirectTarget(in))
	})
}
