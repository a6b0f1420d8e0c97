package web

import (
	"net/http"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// ClientAddr is the address of the person making a request, as far as the
// connection and the trusted proxies tell: an IP address or, when a trusted
// proxy named the client in a form that is not one (nginx writes "unknown"
// for a Unix socket), that text as an opaque value. Either way it is one
// client's, never the proxy's own address standing in for everyone behind it.
type ClientAddr struct {
	ip     netip.Addr
	opaque string
}

// maxOpaque bounds an opaque address kept from a header.
const maxOpaque = 64

// opaqueAddr keeps at most maxOpaque bytes of s as UTF-8 text, cut between
// characters: it goes into the audit trail, and PostgreSQL refuses text
// that is not UTF-8 (header values may hold any byte above 0x7f).
func opaqueAddr(s string) ClientAddr {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD")
	if len(s) > maxOpaque {
		i := maxOpaque
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	return ClientAddr{opaque: s}
}

// IP returns the client's IP address; ok is false for an opaque value.
func (c ClientAddr) IP() (ip netip.Addr, ok bool) {
	if !c.ip.IsValid() {
		return netip.Addr{}, false
	}
	return c.ip, true
}

// String is the address as text, for rate-limit buckets: the IP address, or
// "opaque:" and what the proxy wrote (which no IP address can equal).
func (c ClientAddr) String() string {
	if !c.ip.IsValid() {
		return "opaque:" + c.opaque
	}
	return c.ip.String()
}

// ClientIP is the address of the person making r. When the connection's
// peer is a trusted proxy, X-Forwarded-For (every line of it, in order, as
// one list) is walked from the right, stepping over trusted proxies only:
// the first address that is not one is the client. Everything to its left
// was written by the client and is ignored. A hop that is not an address
// ends the walk as the client's opaque value, because the proxy that wrote
// it is trusted and a stranger's text cannot sit to its right.
func ClientIP(r *http.Request, trusted []netip.Prefix) ClientAddr {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return opaqueAddr(r.RemoteAddr)
	}
	client := ClientAddr{ip: peer}
	if !inAny(peer, trusted) {
		return client
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			return opaqueAddr(hops[i])
		}
		client = ClientAddr{ip: a}
		if !inAny(a, trusted) {
			return client
		}
	}
	// Only trusted addresses: a proxy (or a host in its range) asking for
	// itself, such as a load balancer's health check.
	return client
}

// forwardedFor is every X-Forwarded-For line joined into one list of hops,
// leftmost first.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, line := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(line, ",")...)
	}
	return hops
}

// parseHop reads an address as proxies and RemoteAddr write it: "192.0.2.1",
// "2001:db8::1", "[2001:db8::1]", with or without a port.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
				return netip.Addr{}, false
			}
			if a, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil {
				return netip.Addr{}, false
			}
		} else {
			a = ap.Addr()
		}
	}
	return a.Unmap().WithZone(""), true
}

func inAny(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientHeaders are the headers proxies use to name the client they
// forward.
var clientHeaders = []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip", "True-Client-Ip",
	"Cf-Connecting-Ip", "X-Client-Ip", "X-Cluster-Client-Ip", "Fastly-Client-Ip"}

// FromLoopback reports whether r was made on this machine: the connection's
// peer is a loopback address and no forwarding header names anyone else. A
// reverse proxy on the same machine connects from loopback on behalf of
// strangers, and says so in those headers; a header alone never makes a
// request local, whatever the trusted proxies.
func FromLoopback(r *http.Request) bool {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !peer.IsLoopback() {
		return false
	}
	for _, name := range clientHeaders {
		for _, line := range r.Header.Values(name) {
			for _, v := range namedClients(name, line) {
				if a, ok := parseHop(v); !ok || !a.IsLoopback() {
					return false
				}
			}
		}
	}
	return true
}

// namedClients lists the clients one header line names: the for= values of
// RFC 7239 Forwarded, or the comma-separated values of the others.
func namedClients(header, line string) []string {
	if header != "Forwarded" {
		return strings.Split(line, ",")
	}
	var out []string
	for _, elem := range strings.Split(line, ",") {
		for _, pair := range strings.Split(elem, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
				out = append(out, strings.Trim(strings.TrimSpace(v), `"`))
			}
		}
	}
	return out
}
