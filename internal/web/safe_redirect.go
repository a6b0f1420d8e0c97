package web

import (
	"net/url"
	"path"
	"strings"
)

// SafeRedirectTarget returns target as a path on this site, escaped and
// ready for a Location header, or "/" when it is anything else. Every
// redirect to a place named by a request (sign-in's next=, a form's back=,
// the page a visitor was sent away from) goes through it.
//
// It judges target as a browser will read it, not as Go parses it. Before
// it decides whether "//host" makes a reference an address on another site,
// a browser strips leading and trailing spaces and control characters,
// removes every tab and newline, and reads a backslash as a slash; so
// "/\t/evil.example" and "\/evil.example" both mean "//evil.example". The
// same cleaning is done here first. Layers between psu and the browser (a
// proxy, or next= passed through a second redirect) may decode
// percent-escapes again, so the path must stay on this site after every
// decoding too: "/%2f%2fevil.example" and "/%252f%252fevil.example" are
// refused, not only "//evil.example". What is returned is rebuilt from the
// parsed path (cleaned of dot segments and doubled slashes) and the query,
// escaped, so the browser receives exactly what was judged; a fragment is
// dropped.
func SafeRedirectTarget(target string) string {
	const fallback = "/"
	s := browserClean(target)
	if !pathOnSite(s) {
		return fallback
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	if !staysOnSiteDecoded(u.Path) {
		return fallback
	}
	p := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	// Cleaning can bring a backslash up to the first slash ("/./\" becomes
	// "/\", sent as "/%5C", which a layer that decodes it again reads as
	// "//"): judge the path that is sent, too.
	if !staysOnSiteDecoded(p) {
		return fallback
	}
	out := (&url.URL{Path: p}).EscapedPath()
	if q := escapeQuery(u.RawQuery); q != "" {
		out += "?" + q
	}
	if !pathOnSite(browserClean(out)) { // cannot happen; a last guard all the same
		return fallback
	}
	return out
}

// browserClean does to s what a browser's URL parser does before anything
// else: trim leading and trailing C0 controls and spaces, drop every tab,
// line feed and carriage return, and read backslashes as slashes (as it
// does for http and https addresses).
func browserClean(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= 0x20 })
	if strings.ContainsAny(s, "\t\n\r\\") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\r':
				return -1
			case '\\':
				return '/'
			}
			return r
		}, s)
	}
	return s
}

// pathOnSite reports whether a cleaned reference is a path on this site:
// it begins with one slash, not two (which would name another host).
func pathOnSite(s string) bool {
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
}

// staysOnSiteDecoded reports whether p (already decoded once) stays a path
// on this site however many more times it is decoded and cleaned.
func staysOnSiteDecoded(p string) bool {
	for range 8 {
		if !pathOnSite(browserClean(p)) {
			return false
		}
		next, err := url.PathUnescape(p)
		if err != nil || next == p {
			// Nothing more to decode: a stray "%" is left alone by
			// browsers and proxies alike.
			return true
		}
		p = next
	}
	return false // still changing after eight decodings: no real link does that
}

// escapeQuery keeps a query as it came, escaping only what may not appear
// in one (spaces, quotes, angle brackets, non-ASCII, a "%" that starts no
// escape), so parameters keep their order and meaning.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
			b.WriteByte(c)
		case queryChar(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// queryChar reports whether c may stand unescaped in a query (RFC 3986
// unreserved and sub-delims, ":", "@", "/" and "?"), leaving out "'", which
// some pages' attributes would have to escape.
func queryChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&()*+,;=:@/?", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
