package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/almalinux/alesco/config"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// testNow is the clock of a command-line alesco in the tests: the tests'
// now (alescotest.Epoch), standing still. A served alesco runs from it
// (alescotest.Running), as its timers must see time pass.
func testNow() time.Time { return alescotest.Epoch }

// testMain is a command-line alesco as the tests run it: its output to
// stdout and stderr, an empty environment, the tests' clock.
func testMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }, Now: testNow}
}

// h2cClient speaks cleartext HTTP/2 with prior knowledge, like grpcurl
// -plaintext.
func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `alesco serve` exactly as the binary does, on a temp
// database and a free port, and returns its base URL.
func startServe(t *testing.T, args ...string) (baseURL, dbPath string, logs *syncBuffer) {
	t.Helper()
	return startServeAt(t, alescotest.Running(alescotest.Epoch), args...)
}

// startServeAt is startServe on the clock now.
func startServeAt(t *testing.T, now func() time.Time, args ...string) (baseURL, dbPath string, logs *syncBuffer) {
	t.Helper()
	dbPath = filepath.Join(t.TempDir(), "alesco.db")
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	logs = &syncBuffer{}
	m := &Main{Stdout: io.Discard, Stderr: logs, Ready: func(addr string) { addrc <- addr }, Now: now}
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--sync-interval", "0"}, args...))
	}()
	select {
	case addr := <-addrc:
		baseURL = "http://" + addr
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return baseURL, dbPath, logs
}

func TestServeEndToEnd(t *testing.T) {
	baseURL, dbPath, logs := startServe(t)
	ctx := context.Background()
	client := h2cClient()

	if !strings.Contains(logs.String(), "alesco listening") {
		t.Errorf("no listening line in logs:\n%s", logs)
	}

	// Health over the gRPC protocol, as a load balancer would.
	health := grpchealth.NewClient(client, baseURL, connect.WithGRPC())
	st, err := health.Check(ctx, &grpchealth.CheckRequest{})
	if err != nil || st.Status != grpchealth.StatusServing {
		t.Fatalf("health = %v, %v", st, err)
	}

	// Reflection lists the services (what grpcurl list does).
	stream := grpcreflect.NewClient(client, baseURL).NewStream(ctx)
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	stream.Close()
	for _, want := range []string{"alesco.v1.CommitteeService", "alesco.v1.MeetingService", "alesco.v1.MinutesService", "grpc.health.v1.Health"} {
		if !slices.ContainsFunc(names, func(n protoreflect.FullName) bool { return string(n) == want }) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}

	for name, opts := range map[string][]connect.ClientOption{
		"connect":     nil,
		"connect-get": {connect.WithHTTPGet()},
		"grpc":        {connect.WithGRPC()},
		"grpc-web":    {connect.WithGRPCWeb()},
	} {
		t.Run(name, func(t *testing.T) {
			c := v1.NewCommitteeServiceClient(client, baseURL, opts...)
			resp, err := c.GetCommittee(ctx, connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
			if err != nil {
				t.Fatal(err)
			}
			got := resp.Msg.Committee
			if got.CurrentChairName != "Andrew Lukoshko" || got.QuorumRequired != 4 || got.RosterSize != 5 {
				t.Fatalf("committee: chair %q quorum %d roster %d", got.CurrentChairName, got.QuorumRequired, got.RosterSize)
			}
		})
	}

	// Plain Connect JSON over HTTP/1.1, as curl sends it.
	resp, err := http.Post(baseURL+"/alesco.v1.CommitteeService/GetCommittee", "application/json", strings.NewReader(`{"committeeId":"alesco"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"currentChairName":"Andrew Lukoshko"`) {
		t.Fatalf("curl-style call: %d %s", resp.StatusCode, body)
	}

	// A token made by the CLI while the server runs on the same database
	// is accepted by the server at once; a wrong one is not.
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: io.Discard, Now: testNow}
	if err := m.Run(ctx, []string{"token", "create", "--db", dbPath, "--committee", "alesco", "--role", "member", "--member", "neal-gompa"}); err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(out.String())
	meetings := func(tok string) error {
		c := v1.NewMeetingServiceClient(client, baseURL, connect.WithGRPC())
		req := connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: alescotest.DecisionMeeting, Reason: "test"})
		if tok != "" {
			req.Header().Set("Authorization", "Bearer "+tok)
		}
		_, err := c.CancelMeeting(ctx, req)
		return err
	}
	if err := meetings("alesco_wrong"); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("bad token: %v, want Unauthenticated", err)
	}
	if err := meetings(secret); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("member token on a chair RPC: %v, want PermissionDenied", err)
	}
}

func TestCLIErrors(t *testing.T) {
	ctx := context.Background()
	db := emptyDB(t)
	for _, args := range [][]string{
		{"nope"},
		{"token", "create", "--db", db, "--committee", "alesco", "--role", "wizard"},
		{"token", "create", "--db", db, "--committee", "nope", "--role", "chair"},
		{"token", "create", "--db", db, "--committee", "alesco", "--role", "member"},
		{"token", "create", "--db", db, "--committee", "alesco", "--role", "member", "--member", "nobody"},
		{"token", "revoke", "--db", db, "42"},
		{"config", "check", filepath.Join(t.TempDir(), "missing.yaml")},
	} {
		var stderr bytes.Buffer
		m := &Main{Stdout: io.Discard, Stderr: &stderr, Now: testNow}
		if err := m.Run(ctx, args); err == nil {
			t.Errorf("alesco %s: no error", strings.Join(args, " "))
		}
	}
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: io.Discard, Now: testNow}
	if err := m.Run(ctx, []string{"audit", "verify", "--db", db}); err != nil || !strings.Contains(out.String(), "chain intact") {
		t.Fatalf("audit verify: %v %s", err, out.String())
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: alescotest.Running(alescotest.Epoch)}
	err := m.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "a.db"), "--config", filepath.Join(t.TempDir(), "none.yaml")})
	if err == nil {
		t.Fatal("serve started without its config")
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		t.Fatalf("failed for the wrong reason: %v", err)
	}
}

// TestServeReloadsOnSIGHUP: a changed configuration is served after SIGHUP;
// one that does not validate is refused, logged, and the one in force stays.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alesco.yaml")
	orig := config.DefaultYAML()
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	url, _, logs := startServe(t, "--config", path)
	client := v1.NewCommitteeServiceClient(http.DefaultClient, url)
	name := func() string {
		resp, err := client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
		if err != nil {
			t.Fatal(err)
		}
		return resp.Msg.Committee.ShortName
	}
	// waitFor polls until cond holds; the deadline bounds a broken reload
	// and measures nothing.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		alescotest.Eventually(t, 10*time.Second, what+" did not happen\n"+logs.String(), cond)
	}
	if name() != "ALESCo" {
		t.Fatalf("short name %q", name())
	}
	changed := bytes.Replace(orig, []byte("short_name: ALESCo"), []byte("short_name: ALESCo (reloaded)"), 1)
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("the reload", func() bool { return name() == "ALESCo (reloaded)" })
	// The log is buffered (written out every second).
	waitFor("the reload's log line", func() bool { return strings.Contains(logs.String(), "configuration reloaded") })
	broken := bytes.Replace(changed, []byte("time_zone: America/New_York"), []byte("time_zone: Mars/Olympus_Mons"), 1)
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("the refusal", func() bool { return strings.Contains(logs.String(), "configuration not reloaded") })
	if !strings.Contains(logs.String(), `unknown time zone \"Mars/Olympus_Mons\"`) {
		t.Errorf("the log does not say what is wrong:\n%s", logs)
	}
	if name() != "ALESCo (reloaded)" {
		t.Errorf("after a bad reload the committee is %q, want the one in force", name())
	}
}
