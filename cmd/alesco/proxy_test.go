package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/internal/alescotest"
)

// fromLoopback is a client whose connections come from another loopback
// address than 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo), dialing
// addr whatever the URL's host: the client a proxy on 127.0.0.1 stands in
// front of. With tlsConf it speaks HTTP/2 over TLS, else h2c.
func fromLoopback(local, addr string, tlsConf *tls.Config) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	var p http.Protocols
	if tlsConf == nil {
		p.SetUnencryptedHTTP2(true)
	} else {
		p.SetHTTP2(true)
	}
	return &http.Client{Transport: &http.Transport{DialContext: dial, TLSClientConfig: tlsConf, Protocols: &p}}
}

// awaitLog waits for the served alesco's (buffered) log to hold a line
// with every part.
func awaitLog(t *testing.T, logs *syncBuffer, parts ...string) {
	t.Helper()
	alescotest.Eventually(t, 10*time.Second, fmt.Sprintf("a log line with %q", parts), func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			found := true
			for _, p := range parts {
				found = found && strings.Contains(l, p)
			}
			if found {
				return true
			}
		}
		return false
	})
}

func getWith(t *testing.T, client *http.Client, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestServeTrustedProxies: serve --trusted-proxies decides whose
// X-Forwarded-For the access log believes: a trusted proxy's names the
// client; anyone else's is ignored; without the flag, everyone's is.
func TestServeTrustedProxies(t *testing.T) {
	t.Parallel()
	baseURL, _, logs := startServe(t, "--trusted-proxies", "127.0.0.1,::1")
	plainURL, _, plainLogs := startServe(t)
	addr := strings.TrimPrefix(baseURL, "http://")
	getWith(t, fromLoopback("127.0.0.1", addr, nil), baseURL+"/healthz?from=proxy", "X-Forwarded-For", "192.0.2.66, 203.0.113.7")
	getWith(t, fromLoopback("127.0.0.3", addr, nil), baseURL+"/agenda/x.md", "X-Forwarded-For", "203.0.113.8")
	getWith(t, fromLoopback("127.0.0.1", strings.TrimPrefix(plainURL, "http://"), nil), plainURL+"/healthz", "X-Forwarded-For", "203.0.113.9")
	// The logs are written out every second.
	awaitLog(t, logs, "path=/healthz", "client=203.0.113.7")
	awaitLog(t, logs, "path=/agenda/x.md", "client=127.0.0.3")
	awaitLog(t, plainLogs, "path=/healthz", "client=127.0.0.1")

	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	err := m.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "a.db"), "--trusted-proxies", "10.0.0.0/33"})
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "10.0.0.0/33") {
		t.Errorf("a bad --trusted-proxies: %v, want a usage error naming it", err)
	}
}

// pastMeeting is the last meeting of ALESCo's series that started before
// Epoch, and a member on its roster: its minutes may be written on the
// tests' clock (from an hour before a meeting until they are finalized).
func pastMeeting(t *testing.T) (id, member string) {
	t.Helper()
	cs, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := alesco.NewCommittees(cs).List()[0]
	var last *alesco.Meeting
	for _, m := range c.Schedule(alescotest.Epoch.AddDate(0, -2, 0), alescotest.Epoch, nil, nil, alescotest.Epoch) {
		if m.Start.Before(alescotest.Epoch) {
			last = &m
		}
	}
	if last == nil {
		t.Fatalf("ALESCo met in none of the two months before %s", alescotest.Epoch)
	}
	for _, mem := range c.Members {
		if _, err := c.FindMember(mem.ID, alesco.DateIn(last.Start, last.Location)); err == nil {
			return last.ID, mem.ID
		}
	}
	t.Fatalf("nobody is on the roster of %s", last.ID)
	return "", ""
}

// chairToken makes a chair's token in the database at db.
func chairToken(t *testing.T, db string) string {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	if err := m.Run(context.Background(), []string{"token", "create", "--db", db, "--committee", "alesco", "--role", "chair"}); err != nil {
		t.Fatalf("token create: %v\n%s", err, errb.String())
	}
	return strings.TrimSpace(out.String())
}
