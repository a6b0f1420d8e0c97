package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// The client is found by walking X-Forwarded-For from the right over
// trusted proxies only; every line of the header counts, and a hop that is
// not an address is the client, as an opaque value, never the proxy.
func TestClientIPWalksForwardedForFromTheRight(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:aa::/48")}
	for _, tc := range []struct {
		name   string
		remote string
		xff    []string // header lines, in order
		want   string
	}{
		{"direct client", "203.0.113.5:1234", nil, "203.0.113.5"},
		{"untrusted peer: header ignored", "203.0.113.5:1234", []string{"198.51.100.1"}, "203.0.113.5"},
		{"one proxy", "10.0.0.2:1234", []string{"198.51.100.1"}, "198.51.100.1"},
		{"spoofed hops left of the client ignored", "10.0.0.2:1234", []string{"6.6.6.6, 198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"two trusted proxies", "10.0.0.2:1234", []string{"198.51.100.1, 10.1.1.1, 10.2.2.2"}, "198.51.100.1"},
		{"proxy adds its own line", "10.0.0.2:1234", []string{"127.0.0.1", "198.51.100.1"}, "198.51.100.1"},
		{"a trusted hop on a line of its own", "10.0.0.2:1234", []string{"198.51.100.1", "10.3.3.3"}, "198.51.100.1"},
		{"client's line naming a trusted range is stepped over to the real one", "10.0.0.2:1234", []string{"203.0.113.66", "198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"lines joined: rightmost untrusted wins across lines", "10.0.0.2:1234", []string{"1.1.1.1, 10.0.0.7", "10.0.0.8"}, "1.1.1.1"},
		{"unparseable hop is the client, opaque", "10.0.0.2:1234", []string{"unknown"}, "opaque:unknown"},
		{"unparseable hop behind a trusted hop", "10.0.0.2:1234", []string{"198.51.100.1, unknown, 10.0.0.9"}, "opaque:unknown"},
		{"empty hop is not skipped", "10.0.0.2:1234", []string{"198.51.100.1, "}, "opaque:"},
		{"hop with a port", "10.0.0.2:1234", []string{"198.51.100.1:4444"}, "198.51.100.1"},
		{"IPv6 hop in brackets with a port", "10.0.0.2:1234", []string{"[2001:db8::7]:4444"}, "2001:db8::7"},
		{"IPv6 hop in brackets", "10.0.0.2:1234", []string{"[2001:db8::7]"}, "2001:db8::7"},
		{"IPv6 trusted peer", "[2001:db8:aa::1]:1234", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.2]:1234", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped hop", "10.0.0.2:1234", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"trusted peer without header is itself", "10.0.0.2:1234", nil, "10.0.0.2"},
		{"only trusted hops: the leftmost", "10.0.0.2:1234", []string{"10.9.9.9, 10.0.0.3"}, "10.9.9.9"},
		{"peer that is not an address", "@", nil, "opaque:@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, line := range tc.xff {
				r.Header.Add("X-Forwarded-For", line)
			}
			got := ClientIP(r, trusted)
			if got.String() != tc.want {
				t.Errorf("%s %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
			}
			if ip, ok := got.IP(); ok != (ip.IsValid() && got.String() == ip.String()) {
				t.Errorf("IP() = %v, %v for %s", ip, ok, got)
			}
		})
	}
}

// An opaque address is bounded, so a proxy's odd text cannot make a huge
// rate-limit bucket.
func TestOpaqueClientIsBounded(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:1"
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	r.Header.Set("X-Forwarded-For", string(long))
	if got := ClientIP(r, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}).String(); len(got) > len("opaque:")+maxOpaque {
		t.Errorf("opaque address of %d bytes", len(got))
	}
}

// A request is local only when its TCP peer is loopback and no forwarding
// header names anyone else: a reverse proxy on the same machine forwards
// strangers from 127.0.0.1, and no header makes a remote peer local.
func TestFromLoopbackNeedsLoopbackPeerAndNoForeignClient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		remote  string
		headers [][2]string
		want    bool
	}{
		{"loopback, no headers", "127.0.0.1:5000", nil, true},
		{"IPv6 loopback", "[::1]:5000", nil, true},
		{"loopback naming loopback", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "127.0.0.1"}}, true},
		{"remote peer", "203.0.113.5:5000", nil, false},
		{"remote peer claiming loopback", "203.0.113.5:5000", [][2]string{{"X-Forwarded-For", "127.0.0.1"}}, false},
		{"local proxy forwarding a stranger", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.50"}}, false},
		{"stranger on a second line", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "127.0.0.1"}, {"X-Forwarded-For", "203.0.113.50"}}, false},
		{"stranger left of loopback", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.50, 127.0.0.1"}}, false},
		{"unparseable forwarded client", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "unknown"}}, false},
		{"X-Real-IP stranger", "127.0.0.1:5000", [][2]string{{"X-Real-Ip", "203.0.113.50"}}, false},
		{"Forwarded stranger", "127.0.0.1:5000", [][2]string{{"Forwarded", `for="[2001:db8::1]:4711";proto=https`}}, false},
		{"Forwarded obfuscated", "127.0.0.1:5000", [][2]string{{"Forwarded", "for=_hidden"}}, false},
		{"Forwarded loopback only", "127.0.0.1:5000", [][2]string{{"Forwarded", "for=127.0.0.1;proto=http, for=\"[::1]\""}}, true},
		{"Forwarded without for", "127.0.0.1:5000", [][2]string{{"Forwarded", "proto=https;host=psu.example"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.RemoteAddr = tc.remote
			for _, h := range tc.headers {
				r.Header.Add(h[0], h[1])
			}
			if got := FromLoopback(r); got != tc.want {
				t.Errorf("FromLoopback = %v, want %v", got, tc.want)
			}
		})
	}
}
