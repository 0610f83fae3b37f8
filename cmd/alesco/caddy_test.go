package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// caddy is Debian's caddy serving deploy/Caddyfile for localhost.
type caddy struct {
	url    string       // https://localhost:PORT
	client *http.Client // trusts Caddy's CA, connects from 127.0.0.2
	http1  *http.Client // the same, speaking HTTP/1.1
	log    *syncBuffer  // Caddy's output
}

// startCaddy runs caddy with deploy/Caddyfile in front of upstream, for
// the site localhost:PORT: Caddy's own CA issues its certificate, nothing
// is fetched. Test-only global options come first: no admin endpoint (its
// port 2019 is shared), no change to the machine's trust store, ports of
// our own.
func startCaddy(t *testing.T, upstream string) *caddy {
	t.Helper()
	bin, err := exec.LookPath("caddy")
	if err != nil {
		alescotest.External(t, "caddy is not installed (Debian: apt-get install caddy)")
	}
	dir := t.TempDir()
	port, httpPort := freePort(t), freePort(t)
	wrapper := filepath.Join(dir, "Caddyfile")
	text := fmt.Sprintf("{\n\tadmin off\n\tskip_install_trust\n\thttp_port %d\n\tauto_https disable_redirects\n}\nimport %s\n",
		httpPort, alescotest.Path("deploy/Caddyfile"))
	if err := os.WriteFile(wrapper, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &caddy{url: fmt.Sprintf("https://localhost:%d", port), log: &syncBuffer{}}
	cmd := exec.Command(bin, "run", "--config", wrapper, "--adapter", "caddyfile")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		fmt.Sprintf("ALESCO_SITE=localhost:%d", port), "ALESCO_UPSTREAM="+upstream)
	cmd.Stdout, cmd.Stderr = c.log, c.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	root := filepath.Join(dir, "data", "caddy", "pki", "authorities", "local", "root.crt")
	alescotest.Eventually(t, 30*time.Second, "Caddy makes its CA and serves the site", func() bool {
		pem, err := os.ReadFile(root)
		if err != nil {
			return false
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tlsConf := &tls.Config{RootCAs: pool, ServerName: "localhost"}
		c.client = fromLoopback("127.0.0.2", fmt.Sprintf("127.0.0.1:%d", port), tlsConf)
		c.http1 = fromLoopback("127.0.0.2", fmt.Sprintf("127.0.0.1:%d", port), tlsConf.Clone())
		c.http1.Transport.(*http.Transport).Protocols = new(http.Protocols)
		c.http1.Transport.(*http.Transport).Protocols.SetHTTP1(true)
		resp, err := c.client.Get(c.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return c
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestBehindCaddy serves alesco through deploy/Caddyfile as the public
// reaches it: HTTPS, HTTP/2 to the client and h2c to alesco. The feed
// keeps its ETag and Cache-Control and revalidates to a 304; gRPC works;
// a WatchMinutes stream sees a write made through the proxy at once; the
// access log names the client, not Caddy; /metrics stays inside.
func TestBehindCaddy(t *testing.T) {
	t.Parallel()
	baseURL, dbPath, logs := startServe(t, "--trusted-proxies", "127.0.0.1,::1")
	c := startCaddy(t, strings.TrimPrefix(baseURL, "http://"))
	defer func() {
		if t.Failed() {
			t.Logf("caddy:\n%s\nalesco:\n%s", c.log, logs)
		}
	}()

	direct := getWith(t, h2cClient(), baseURL+"/calendar/alesco.ics")
	feed := getWith(t, c.client, c.url+"/calendar/alesco.ics")
	etag := feed.Header.Get("ETag")
	if feed.StatusCode != 200 || feed.ProtoMajor != 2 || etag == "" || etag != direct.Header.Get("ETag") ||
		feed.Header.Get("Cache-Control") != direct.Header.Get("Cache-Control") {
		t.Errorf("feed through Caddy: %d %s, ETag %q Cache-Control %q; direct: ETag %q Cache-Control %q", feed.StatusCode, feed.Proto,
			etag, feed.Header.Get("Cache-Control"), direct.Header.Get("ETag"), direct.Header.Get("Cache-Control"))
	}
	if again := getWith(t, c.client, c.url+"/calendar/alesco.ics", "If-None-Match", etag); again.StatusCode != http.StatusNotModified ||
		again.Header.Get("ETag") != etag {
		t.Errorf("revalidation through Caddy: %d, ETag %q; want 304 with %q", again.StatusCode, again.Header.Get("ETag"), etag)
	}
	awaitLog(t, logs, "path=/calendar/alesco.ics", "status=304", "proto=HTTP/2.0", "client=127.0.0.2")
	if m := getWith(t, c.client, c.url+"/metrics"); m.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics through Caddy: %d, want 404 (Prometheus scrapes alesco where it listens)", m.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	committee, err := v1.NewCommitteeServiceClient(c.client, c.url, connect.WithGRPC()).GetCommittee(ctx,
		connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
	if err != nil || committee.Msg.Committee.GetName() == "" {
		t.Fatalf("gRPC GetCommittee through Caddy: %v", err)
	}

	watchThroughCaddy(t, c, baseURL, chairToken(t, dbPath))
}

// watchThroughCaddy opens two WatchMinutes streams through Caddy, gRPC
// over HTTP/2 and Connect over HTTP/1.1, writes to the meeting through
// Caddy too, and measures when each stream shows it; when the clients
// leave, the streams end on alesco (upstream) too.
func watchThroughCaddy(t *testing.T, c *caddy, upstream, token string) {
	t.Helper()
	meeting, member := pastMeeting(t)
	// A bound on a broken stream, not a measurement.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ways := map[string]*connect.ServerStreamForClient[alescov1.WatchMinutesResponse]{}
	for name, client := range map[string]v1.MinutesServiceClient{
		"gRPC over HTTP/2":      v1.NewMinutesServiceClient(c.client, c.url, connect.WithGRPC()),
		"Connect over HTTP/1.1": v1.NewMinutesServiceClient(c.http1, c.url),
	} {
		stream, err := client.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: meeting}))
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if !stream.Receive() || len(stream.Msg().Minutes.GetAttendees()) != 0 {
			t.Fatalf("%s: the stream's first record: %v, %v", name, stream.Msg(), stream.Err())
		}
		ways[name] = stream
	}
	elapsed := alescotest.Stopwatch()
	seen := make(chan string, len(ways))
	for name, stream := range ways {
		go func() {
			if !stream.Receive() {
				seen <- fmt.Sprintf("%s: the stream did not show the write within 10 s: %v", name, stream.Err())
				return
			}
			if n := len(stream.Msg().Minutes.GetAttendees()); n != 1 {
				seen <- fmt.Sprintf("%s: the stream shows %d present, want 1", name, n)
				return
			}
			seen <- fmt.Sprintf("%s saw the write %s after it was sent", name, elapsed().Round(time.Millisecond))
		}()
	}
	writer := v1.NewMinutesServiceClient(c.client, c.url, alescotest.WithToken(token))
	if _, err := writer.ChangeAttendance(ctx, connect.NewRequest(&alescov1.ChangeAttendanceRequest{MeetingId: meeting,
		Action: alescov1.AttendanceAction_ATTENDANCE_ACTION_PRESENT, Who: member})); err != nil {
		t.Fatalf("ChangeAttendance through Caddy: %v", err)
	}
	t.Logf("the write through Caddy was acknowledged after %s", elapsed().Round(time.Millisecond))
	for range ways {
		if msg := <-seen; strings.Contains(msg, "saw the write") {
			t.Log("WatchMinutes through Caddy: " + msg)
		} else {
			t.Error(msg)
		}
	}
	// The clients leave: Caddy ends their streams on alesco too.
	cancel() // before the streams close: closing an HTTP/1.1 stream reads it to its end
	for _, stream := range ways {
		stream.Close()
	}
	// They end at once; a bound, not a measurement, but short of the ~10 s
	// they stayed with flush_interval -1 in the Caddyfile (caddy#4952).
	alescotest.Eventually(t, 5*time.Second, "alesco's streams end when their clients leave Caddy", func() bool {
		g := scrape(t, upstream+"/metrics")["alesco_watch_streams"]
		return g != nil && len(g.Metric) == 1 && g.Metric[0].GetGauge().GetValue() == 0
	})
}
