package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/almalinux/alesco/server"
)

func TestTrustedProxiesClient(t *testing.T) {
	// Caddy on the machine (127.0.0.1, ::1) and a load balancer network
	// (10.0.0.0/8) are trusted.
	trusted, err := server.ParseTrustedProxies("127.0.0.1,::1", "10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		proxies server.TrustedProxies
		remote  string
		xff     []string
		want    string
	}{
		{"no proxy trusted: the header is ignored", nil, "127.0.0.1:5000", []string{"203.0.113.7"}, "127.0.0.1"},
		{"an untrusted peer's header is ignored", trusted, "198.51.100.9:5000", []string{"203.0.113.7"}, "198.51.100.9"},
		{"a trusted proxy's header names the client", trusted, "127.0.0.1:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"no header from a trusted proxy: the proxy", trusted, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"IPv6 loopback proxy", trusted, "[::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"a client's forged entry is left of the one the proxy added", trusted, "127.0.0.1:5000", []string{"192.0.2.66, 203.0.113.7"}, "203.0.113.7"},
		{"a chain of trusted proxies is walked", trusted, "127.0.0.1:5000", []string{"203.0.113.7, 10.1.2.3, 10.9.9.9"}, "203.0.113.7"},
		{"the chain stops at the first untrusted hop", trusted, "127.0.0.1:5000", []string{"192.0.2.66, 198.51.100.9, 10.1.2.3"}, "198.51.100.9"},
		{"header lines are one list, last line last", trusted, "127.0.0.1:5000", []string{"192.0.2.66", "203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"all trusted: the left-most", trusted, "127.0.0.1:5000", []string{"10.1.2.3, 10.9.9.9"}, "10.1.2.3"},
		{"an entry with a port", trusted, "127.0.0.1:5000", []string{"203.0.113.7:4711"}, "203.0.113.7"},
		{"an IPv6 entry with a port", trusted, "127.0.0.1:5000", []string{"[2001:db8::7]:4711"}, "2001:db8::7"},
		{"IPv4-mapped peer", trusted, "[::ffff:127.0.0.1]:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"garbage stops at the proxy that passed it", trusted, "127.0.0.1:5000", []string{"203.0.113.7, unknown"}, "127.0.0.1"},
		{"garbage further left stops at the last trusted hop", trusted, "127.0.0.1:5000", []string{"evil, 10.1.2.3"}, "10.1.2.3"},
		{"an empty entry is garbage", trusted, "127.0.0.1:5000", []string{"203.0.113.7,,"}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.xff {
				h.Add("X-Forwarded-For", v)
			}
			if got := tc.proxies.Client(tc.remote, h); got.String() != tc.want {
				t.Errorf("client = %s, want %s", got, tc.want)
			}
			r, err := http.NewRequest("GET", "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.RemoteAddr, r.Header = tc.remote, h
			if got := tc.proxies.ClientAddr(r); got.String() != tc.want {
				t.Errorf("ClientAddr = %s, want %s", got, tc.want)
			}
		})
	}
	if a := trusted.Client("@", http.Header{"X-Forwarded-For": {"203.0.113.7"}}); a.IsValid() {
		t.Errorf("a Unix socket peer gave %s, want no address", a)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	p, err := server.ParseTrustedProxies("127.0.0.1, 10.1.2.3/8", "::1,fd00::/8", "")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, x := range p {
		got = append(got, x.String())
	}
	if strings.Join(got, " ") != "127.0.0.1/32 10.0.0.0/8 ::1/128 fd00::/8" {
		t.Errorf("parsed %v", got)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "fe80::1%eth0", "1.2.3"} {
		if _, err := server.ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: err = %v, want one naming it", bad, err)
		}
	}
}
