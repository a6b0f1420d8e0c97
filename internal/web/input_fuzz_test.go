package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// trustedSets are the PSU_TRUSTED_PROXIES a fuzz input chooses between:
// none, a load balancer's private range, loopback and private ranges, and
// everything (a misconfiguration that must still not break the walk).
var trustedSets = [][]netip.Prefix{
	nil,
	{netip.MustParsePrefix("10.0.0.0/8")},
	{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("fc00::/7")},
	{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")},
}

// FuzzClientIP walks X-Forwarded-For as a stranger (and, behind a trusted
// proxy, the proxy) may write it. ClientIP must never panic; an untrusted
// peer is the client whatever the headers say; an address found is the
// peer's or one of the hops, never one from the left of the first
// untrusted hop, and a trusted address only when every hop is trusted; the
// text kept for rate limits and the audit trail is short and storable.
// FromLoopback must only say yes when the peer and every address any
// forwarding header names are loopback.
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzClientIP$' -fuzztime 10m
func FuzzClientIP(f *testing.F) {
	for _, s := range []struct {
		remote, xff string
		trusted     uint8
	}{
		{"192.0.2.7:51234", "", 0},
		{"10.0.0.5:443", "198.51.100.9", 1},
		{"10.0.0.5:443", "203.0.113.66, 198.51.100.9, 10.0.0.4", 1},
		{"10.0.0.5:443", "1.2.3.4\n198.51.100.9", 1},
		{"10.0.0.5:443", "unknown", 1},
		{"10.0.0.5:443", "[2001:db8::1]:8080, 10.1.1.1", 1},
		{"[::ffff:10.0.0.5]:443", "::ffff:192.0.2.1", 1},
		{"127.0.0.1:9000", "127.0.0.1", 2},
		{"[::1]:9000", "fe80::1%eth0", 2},
		{"192.0.2.1:1", "10.0.0.1, 10.0.0.2", 3},
		{"@", "198.51.100.9", 3},
		{"10.0.0.5:443", strings.Repeat("é", 40), 1},
		{"10.0.0.5:443", "x" + strings.Repeat("é", 40), 1}, // cut short inside a character
		{"10.0.0.5:443", "\xff\xfe", 1},
	} {
		f.Add(s.remote, s.xff, s.trusted)
	}
	f.Fuzz(func(t *testing.T, remote, xff string, which uint8) {
		trusted := trustedSets[int(which)%len(trustedSets)]
		if !validHeaderValue(remote) {
			return // RemoteAddr is the connection's address, as net/http writes it
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		var lines []string
		if xff != "" {
			lines = strings.Split(xff, "\n")
		}
		for _, line := range lines {
			if !validHeaderValue(line) {
				return // net/http refuses such a request before psu sees it
			}
			r.Header.Add("X-Forwarded-For", line)
		}
		got := ClientIP(r, trusted)

		s := got.String()
		if len(s) > len("opaque:")+maxOpaque {
			t.Fatalf("client address %q is longer than a rate-limit key or audit entry should hold", s)
		}
		if utf8.ValidString(remote) && utf8.ValidString(xff) && (!utf8.ValidString(s) || strings.ContainsRune(s, 0)) {
			t.Fatalf("client address %q is not text PostgreSQL can store", s)
		}
		peer, peerOK := parseHop(remote)
		if peerOK && !inAny(peer, trusted) {
			if ip, ok := got.IP(); !ok || ip != peer {
				t.Fatalf("untrusted peer %s, but the client was taken to be %s", peer, s)
			}
			return
		}
		ip, ok := got.IP()
		if !ok {
			return
		}
		if ip.Zone() != "" || ip.Is4In6() {
			t.Fatalf("client address %s keeps a zone or an IPv4-mapped form", ip)
		}
		var hops []netip.Addr
		for _, line := range lines {
			for _, h := range strings.Split(line, ",") {
				a, ok := parseHop(h)
				if !ok {
					a = netip.Addr{}
				}
				hops = append(hops, a)
			}
		}
		// The client is the first hop from the right that is not a trusted
		// proxy; everything to its left was written by the client.
		want := peer
		for i := len(hops) - 1; i >= 0 && inAny(want, trusted); i-- {
			if !hops[i].IsValid() {
				t.Fatalf("hop %d is not an address, yet the client was taken to be %s", i, s)
			}
			want = hops[i]
		}
		if ip != want {
			t.Fatalf("peer %s, hops %v, trusted %v: client %s, want %s", peer, hops, trusted, ip, want)
		}
	})
}

// FuzzFromLoopback: a request only counts as made on this machine when the
// connection comes from loopback and no forwarding header names anyone
// else, whatever the headers contain.
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzFromLoopback$' -fuzztime 10m
func FuzzFromLoopback(f *testing.F) {
	header := func(name string) uint8 {
		for i, h := range clientHeaders {
			if h == name {
				return uint8(i)
			}
		}
		panic(name)
	}
	f.Add("127.0.0.1:9000", header("X-Forwarded-For"), "")
	f.Add("127.0.0.1:9000", header("X-Forwarded-For"), "127.0.0.1, ::1")
	f.Add("127.0.0.1:9000", header("Forwarded"), `for="[::1]:80";proto=https, for=127.0.0.2`)
	f.Add("127.0.0.1:9000", header("Forwarded"), `For=192.0.2.60;proto=http;by=203.0.113.43`)
	f.Add("[::1]:9000", header("X-Real-Ip"), "198.51.100.1")
	f.Add("[::ffff:127.0.0.1]:1", header("Cf-Connecting-Ip"), "unknown")
	f.Add("192.0.2.1:80", header("X-Forwarded-For"), "127.0.0.1")
	f.Fuzz(func(t *testing.T, remote string, which uint8, value string) {
		if !validHeaderValue(value) {
			return
		}
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = remote
		name := clientHeaders[int(which)%len(clientHeaders)]
		r.Header.Set(name, value)
		if !FromLoopback(r) {
			return
		}
		if peer, ok := parseHop(remote); !ok || !peer.IsLoopback() {
			t.Fatalf("peer %q is not loopback, but the request counted as local", remote)
		}
		for _, v := range namedClients(name, value) {
			if a, ok := parseHop(v); !ok || !a.IsLoopback() {
				t.Fatalf("%s: %q names %q, but the request counted as local", name, value, v)
			}
		}
	})
}

// validHeaderValue is what net/http lets through as a header value: no
// control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzParseForm posts any body, with any content type, to a handler that
// reads it as every psu form handler does (Server.ParseForm under the
// default body limit, then NewForm). Nothing may panic; a body it cannot
// read is answered 400 or 413 with the calm error page, never 500; what it
// reads survives being written into a link and read again, and NewForm
// holds a copy, so a handler that changes what it re-renders does not
// change what was posted.
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzParseForm$' -fuzztime 10m
func FuzzParseForm(f *testing.F) {
	for _, s := range []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "email=a%40example.com&name=+Ann+&concern=exams&concern=other"},
		{"application/x-www-form-urlencoded", "answer=london&return=check"},
		{"application/x-www-form-urlencoded; charset=utf-8", "situation=line+one%0D%0Aline+two&later=1"},
		{"application/x-www-form-urlencoded", "a=%zz"},
		{"application/x-www-form-urlencoded", "a=1;b=2"},
		{"application/x-www-form-urlencoded", "=&&=x&%00=%00"},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"},
		{"text/plain", "email=a@example.com"},
		{"", "a=b"},
		{"application/x-www-form-urlencoded", strings.Repeat("a=b&", 20000)},
	} {
		f.Add(s.ct, []byte(s.body), "q=1")
	}
	const limit = 64 << 10
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, contentType string, body []byte, query string) {
		if !validHeaderValue(contentType) || strings.ContainsAny(query, " #") {
			return
		}
		w := httptest.NewRecorder()
		r, err := http.NewRequest("POST", "http://psu.example/apply/about-you?"+query, bytes.NewReader(body))
		if err != nil {
			return // not a request line any client could send
		}
		r.Header.Set("Content-Type", contentType)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if !srv.ParseForm(w, r) {
			if w.Code != http.StatusBadRequest && w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("a body that could not be read was answered %d", w.Code)
			}
			if w.Code == http.StatusRequestEntityTooLarge && len(body) <= limit {
				t.Fatalf("%d bytes refused as too large", len(body))
			}
			if !strings.Contains(w.Body.String(), "</html>") {
				t.Fatalf("the %d answer is not the error page: %.200q", w.Code, w.Body.String())
			}
			return
		}
		if w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("ParseForm reported success but answered %d", w.Code)
		}
		if len(body) > limit && strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
			t.Fatalf("read a form of %d bytes past the %d-byte limit", len(body), limit)
		}
		posted := cloneValues(r.PostForm)
		again, err := url.ParseQuery(posted.Encode())
		if err != nil || !reflect.DeepEqual(nilIfEmpty(again), nilIfEmpty(posted)) {
			t.Fatalf("posted values %q, written into a link and read again: %q (%v)", posted, again, err)
		}
		form := NewForm(r.PostForm)
		for k, vs := range r.PostForm {
			if got := form.Get(k); got != strings.TrimSpace(vs[0]) {
				t.Fatalf("Get(%q) = %q from %q", k, got, vs)
			}
			form.Values[k][0] = "changed"
			form.Fail(k, "Enter "+k)
			form.Fail(k, "a second message")
		}
		if !reflect.DeepEqual(r.PostForm, posted) {
			t.Fatal("changing the form changed what was posted")
		}
		if len(form.Summary()) != len(r.PostForm) || form.Valid() != (len(r.PostForm) == 0) {
			t.Fatalf("summary %v for %d fields", form.Summary(), len(r.PostForm))
		}
		for _, fe := range form.Summary() {
			if fe.Message != "Enter "+fe.Field || form.Error(fe.Field) != fe.Message {
				t.Fatalf("field %q: summary says %q, beside the field %q", fe.Field, fe.Message, form.Error(fe.Field))
			}
		}
	})
}

func nilIfEmpty(v url.Values) url.Values {
	if len(v) == 0 {
		return nil
	}
	return v
}

// fuzzServer is a Server on a fresh SQLite database, made once for all of
// a fuzz run's inputs.
func fuzzServer(f *testing.F) *Server {
	f.Helper()
	db := storetest.Open(f, store.SQLite)
	dir := f.TempDir()
	cfg, err := config.Load(func(k string) string {
		if k == "PSU_DATA_DIR" {
			return dir
		}
		return ""
	})
	if err != nil {
		f.Fatal(err)
	}
	srv, err := New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	return srv
}
