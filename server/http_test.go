package server_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/server"
)

// TestMalformedRequests: every malformed request is answered 4xx with the
// Connect code that says what is wrong, never 5xx.
func TestMalformedRequests(t *testing.T) {
	env := alescotest.New(t)
	get := v1.CommitteeServiceGetCommitteeProcedure
	cases := []struct {
		name, method, path, contentType, body string
		status                                int
		code                                  string
	}{
		{"bad base64", "GET", get + "?encoding=json&base64=1&message=!!!", "", "", 400, "invalid_argument"},
		{"bad base64 proto", "GET", get + "?encoding=proto&base64=1&message=%25%25", "", "", 400, "invalid_argument"},
		{"truncated JSON in a GET", "GET", get + "?encoding=json&message=%7B", "", "", 400, "invalid_argument"},
		{"no encoding", "GET", get + "?message=x", "", "", 415, ""},
		{"bad JSON", "POST", get, "application/json", `{"committeeId":`, 400, "invalid_argument"},
		{"JSON not UTF-8", "POST", get, "application/json", "{\"committeeId\":\"\xff\"}", 400, "invalid_argument"},
		{"bad protobuf", "POST", get, "application/proto", "\xff\xff\xff", 400, "invalid_argument"},
		{"unknown enum number", "POST", v1.ProposalServiceListProposalsProcedure, "application/json", `{"committeeId":"alesco","states":[99]}`, 400, "invalid_argument"},
		{"unknown committee", "POST", get, "application/json", `{"committeeId":"nope"}`, 404, "not_found"},
		{"body too large", "POST", get, "application/json", `{"committeeId":"` + strings.Repeat("a", server.MaxRequestBytes) + `"}`, 413, "resource_exhausted"},
		{"a write by GET", "GET", v1.MeetingServiceCancelMeetingProcedure + "?encoding=json&message=%7B%7D", "", "", 405, ""},
		{"unknown procedure", "POST", "/alesco.v1.CommitteeService/Nope", "application/json", "{}", 404, ""},
		{"text body", "POST", get, "text/plain", "hi", 415, ""},
		{"unsigned webhook", "POST", "/webhooks/github", "application/json", "{}", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, env.URL+tc.path, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := env.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.code != "" {
				var e struct{ Code string }
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tc.code {
					t.Fatalf("body %s, want code %q", body, tc.code)
				}
			}
		})
	}
}

// serve runs the server as `alesco serve` does, with the given timeouts,
// on a free port of the loopback interface.
func serve(t *testing.T, a *app.App, timeouts server.Timeouts) string {
	t.Helper()
	srv, err := server.New(server.Options{App: a, Timeouts: timeouts, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestSlowBodyIs408: a client that does not send the body it announced is
// told it was too slow (408 Request Timeout), not that the server was
// (504); the Connect error says so too.
func TestSlowBodyIs408(t *testing.T) {
	env := alescotest.New(t)
	addr := serve(t, env.App, server.Timeouts{Body: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(alescotest.Deadline(30 * time.Second))
	io.WriteString(conn, "POST "+v1.CommitteeServiceGetCommitteeProcedure+" HTTP/1.1\r\nHost: alesco\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"committeeId\"")
	resp, err := http.ReadResponse(bufioReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), `"code":"deadline_exceeded"`) {
		t.Fatalf("slow body: %d %s", resp.StatusCode, body)
	}
}

// TestH2CPrefaceOnlyIsClosed: a cleartext HTTP/2 connection that sends its
// preface and nothing more is closed within the header timeout's bounds,
// not kept for the idle timeout (an hour here).
func TestH2CPrefaceOnlyIsClosed(t *testing.T) {
	env := alescotest.New(t)
	addr := serve(t, env.App, server.Timeouts{Header: 200 * time.Millisecond, Idle: time.Hour})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The client preface (RFC 9113 §3.4): the magic, then an empty SETTINGS frame.
	conn.Write([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"))
	conn.SetReadDeadline(alescotest.Deadline(30 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a connection that sent only its preface")
	}
	// A real client still gets answers on the same server.
	client := v1.NewCommitteeServiceClient(h2c(), "http://"+addr, connect.WithGRPC())
	if _, err := client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatal(err)
	}
}

func h2c() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

// TestSyncErrorIsPublic: a failed sync tells the public what failed, not
// the server's network (the resolver's address and port stay in the log);
// an error stored by an earlier release is shown without its addresses.
func TestSyncErrorIsPublic(t *testing.T) {
	dnsFailure := roundTripper(func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.github.com", Server: "10.0.0.53:53"}}
	})
	env := alescotest.New(t, alescotest.WithApp(func(o *app.Options) {
		s, err := github.NewSyncer(github.Options{Store: o.Store.(github.Store), Transport: dnsFailure, Now: o.Now, Logger: o.Logger})
		if err != nil {
			t.Fatal(err)
		}
		o.Syncer = s
	}))
	_, err := env.App.SyncProposals(alescotest.Admin(context.Background()), "alesco")
	if alesco.ErrorCode(err) != alesco.EUNAVAILABLE || strings.Contains(alesco.ErrorMessage(err), "10.0.0.53") {
		t.Fatalf("sync: %v", err)
	}
	list := func() string {
		t.Helper()
		resp, err := v1.NewProposalServiceClient(env.Client, env.URL).ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
		if err != nil {
			t.Fatal(err)
		}
		return resp.Msg.SyncError
	}
	if got := list(); got != "GitHub could not be reached: its host name did not resolve" {
		t.Fatalf("sync_error %q", got)
	}
	raw, err := sql.Open("sqlite", "file:"+env.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE github_sync SET last_error = ?`,
		`github: list pull requests: Get "https://github-proxy.internal:8443/repos/AlmaLinux/ALESCo/pulls": dial tcp: lookup github-proxy.internal on 10.0.0.53:53: no such host`); err != nil {
		t.Fatal(err)
	}
	env.App.Cache.Clear()
	if got := list(); strings.Contains(got, "10.0.0.53") || strings.Contains(got, "8443") || !strings.Contains(got, "no such host") {
		t.Fatalf("a stored raw error is shown as %q", got)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
