package server

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the reverse proxies in front of alesco (serve
// --trusted-proxies): the X-Forwarded-For header is believed only as far
// as they wrote it. Empty, nothing is believed and a request's client is
// the address it came from, so no client can pick its own address by
// sending the header.
//
// Only X-Forwarded-For is read: Caddy, nginx, HAProxy and the cloud load
// balancers all send it, and the RFC 7239 Forwarded header would only be
// a second way to say the same thing, to be kept consistent with the first.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads addresses and CIDR prefixes ("127.0.0.1",
// "10.0.0.0/8", "::1"), each of which may hold several, separated by
// commas: what serve --trusted-proxies takes.
func ParseTrustedProxies(list ...string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, item := range list {
		for _, s := range strings.Split(item, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if p, err := netip.ParsePrefix(s); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("server: trusted proxy %q is neither an address nor a CIDR prefix (e.g. 127.0.0.1, 10.0.0.0/8, ::1)", s)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}

// Trusts reports whether a is the address of a trusted proxy.
func (p TrustedProxies) Trusts(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, prefix := range p {
		if prefix.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address of the client that sent r (Client on its
// remote address and headers).
func (p TrustedProxies) ClientAddr(r *http.Request) netip.Addr {
	return p.Client(r.RemoteAddr, r.Header)
}

// Client returns the address of the client behind a connection from
// remote ("host:port", as http.Request.RemoteAddr and connect's
// Peer().Addr give it) that sent header h: remote itself, unless it is a
// trusted proxy; then, walking X-Forwarded-For from the right (each proxy
// appends the address it was reached from), the first entry not a trusted
// proxy, or the left-most when all are. An entry that is not an address
// stops the walk at the trusted proxy that passed it on: what lies to its
// left cannot be told from what a client made up. The result is invalid
// only when remote is not an address (a Unix socket).
func (p TrustedProxies) Client(remote string, h http.Header) netip.Addr {
	client := hopAddr(remote)
	if len(p) == 0 || !client.IsValid() || !p.Trusts(client) {
		return client
	}
	values := h.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		v := values[i]
		for v != "" {
			entry := v
			if j := strings.LastIndexByte(v, ','); j >= 0 {
				entry, v = v[j+1:], v[:j]
			} else {
				v = ""
			}
			a := hopAddr(strings.TrimSpace(entry))
			if !a.IsValid() {
				return client
			}
			client = a
			if !p.Trusts(a) {
				return client
			}
		}
	}
	return client
}

// hopAddr reads one hop's address: "192.0.2.1", "2001:db8::1",
// "192.0.2.1:443" or "[2001:db8::1]:443" (some proxies keep the port),
// IPv4-mapped IPv6 as IPv4, without an IPv6 zone.
func hopAddr(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone("")
}

// clientString is the client's address as the access log shows it: the
// remote address as it came when it is not an IP address.
func (p TrustedProxies) clientString(r *http.Request) string {
	if a := p.ClientAddr(r); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}
