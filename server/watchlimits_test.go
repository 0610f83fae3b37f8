package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/server"
)

// watchServer serves env's app over HTTP/1 and h2c with the given limits,
// timeouts and trusted proxies.
func watchServer(t *testing.T, env *alescotest.Env, o server.Options) string {
	t.Helper()
	o.App, o.Logger = env.App, slog.New(slog.DiscardHandler)
	srv, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return serveServer(t, srv)
}

// openWatch opens a stream as the client a proxy names in X-Forwarded-For
// ("" for none) and returns it with the error of its first message.
func openWatch(t *testing.T, ctx context.Context, addr, meetingID, forwardedFor string) (*connect.ServerStreamForClient[alescov1.WatchMinutesResponse], error) {
	t.Helper()
	client := v1.NewMinutesServiceClient(&http.Client{}, "http://"+addr)
	req := connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: meetingID})
	if forwardedFor != "" {
		req.Header().Set("X-Forwarded-For", forwardedFor)
	}
	stream, err := client.WatchMinutes(ctx, req)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { stream.Close() })
	if !stream.Receive() {
		return stream, stream.Err()
	}
	return stream, nil
}

// TestWatchLimits: past --max-watchers or --max-watchers-per-client a
// stream is refused with resource_exhausted naming the limit; the client
// is the X-Forwarded-For entry of a trusted proxy, and the connection's
// address otherwise (a header from anyone else is not believed); a
// stream that ends makes room.
func TestWatchLimits(t *testing.T) {
	env := alescotest.New(t)
	id := alescotest.NextMeeting(t).ID
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a bound on a broken stream
	defer cancel()
	limited := func(err error, flag string) {
		t.Helper()
		if alescotest.CodeOf(err) != connect.CodeResourceExhausted || !strings.Contains(err.Error(), flag) {
			t.Fatalf("got %v, want resource_exhausted naming %s", err, flag)
		}
	}

	proxies, err := server.ParseTrustedProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	addr := watchServer(t, env, server.Options{TrustedProxies: proxies, Watch: server.WatchLimits{Max: 3, PerClient: 2}})
	first, err := openWatch(t, ctx, addr, id, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openWatch(t, ctx, addr, id, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	_, err = openWatch(t, ctx, addr, id, "192.0.2.1")
	limited(err, "--max-watchers-per-client")
	if !strings.Contains(err.Error(), "192.0.2.1") {
		t.Errorf("the refusal does not name the client: %v", err)
	}
	if _, err := openWatch(t, ctx, addr, id, "192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	_, err = openWatch(t, ctx, addr, id, "192.0.2.3")
	limited(err, "--max-watchers")
	first.Close()
	alescotest.Eventually(t, 10*time.Second, "a stream after one ended", func() bool {
		s, err := openWatch(t, ctx, addr, id, "192.0.2.3")
		if err == nil {
			s.Close()
		}
		return err == nil
	})

	// No trusted proxy: X-Forwarded-For is anyone's word, and every
	// stream comes from 127.0.0.1.
	addr = watchServer(t, env, server.Options{Watch: server.WatchLimits{Max: 10, PerClient: 2}})
	for i := range 2 {
		if _, err := openWatch(t, ctx, addr, id, fmt.Sprintf("192.0.2.%d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	_, err = openWatch(t, ctx, addr, id, "192.0.2.9")
	limited(err, "127.0.0.1")
}

// TestWatchUnknownMeeting: a stream of a meeting that does not exist is
// NotFound, and takes no room.
func TestWatchUnknownMeeting(t *testing.T) {
	env := alescotest.New(t)
	addr := watchServer(t, env, server.Options{Watch: server.WatchLimits{PerClient: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 3 {
		_, err := openWatch(t, ctx, addr, alescotest.DayID(alescotest.NextMeeting(t).Date.AddDays(1)), "")
		if alescotest.CodeOf(err) != connect.CodeNotFound {
			t.Fatalf("no such meeting: %v, want NotFound", err)
		}
	}
	if n := env.App.Watching(); n != 0 {
		t.Errorf("%d watchers after refused streams", n)
	}
}

// TestWatchBodyMustArrive: a stream's request that trickles or never ends
// is answered deadline_exceeded within the body timeout: the stream's
// timeouts are lifted only once its request is in.
func TestWatchBodyMustArrive(t *testing.T) {
	env := alescotest.New(t)
	addr := watchServer(t, env, server.Options{Timeouts: server.Timeouts{Header: 200 * time.Millisecond, Body: 300 * time.Millisecond}})
	msg := `{"meetingId":"` + alescotest.NextMeeting(t).ID + `"}`
	frame := fmt.Sprintf("\x00\x00\x00\x00%c%s", len(msg), msg)
	for name, send := range map[string]func(net.Conn){
		// The whole message, in a chunked body that never ends.
		"never ends": func(c net.Conn) { fmt.Fprintf(c, "%x\r\n%s\r\n", len(frame), frame) },
		// One byte at a time, forever.
		"trickles": func(c net.Conn) {
			for i := 0; ; i++ {
				if _, err := fmt.Fprintf(c, "1\r\n%c\r\n", frame[i%len(frame)]); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(alescotest.Deadline(30 * time.Second))
			io.WriteString(conn, "POST "+v1.MinutesServiceWatchMinutesProcedure+" HTTP/1.1\r\nHost: alesco\r\nContent-Type: application/connect+json\r\n"+
				"Connect-Protocol-Version: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
			go send(conn)
			resp, err := http.ReadResponse(bufioReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := readRPC(t, resp); got.code != "deadline_exceeded" {
				t.Fatalf("%s: %s %q, want deadline_exceeded", name, got.code, got.message)
			}
		})
	}
	if n := env.App.Watching(); n != 0 {
		t.Errorf("%d watchers after bodies that never came", n)
	}
}

// TestWatchKeepAlive: a stream that has nothing new sends keep-alives.
func TestWatchKeepAlive(t *testing.T) {
	env := alescotest.New(t)
	addr := watchServer(t, env, server.Options{Watch: server.WatchLimits{KeepAlive: 50 * time.Millisecond}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, err := openWatch(t, ctx, addr, alescotest.NextMeeting(t).ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if stream.Msg().KeepAlive || stream.Msg().Minutes == nil {
		t.Fatalf("first message: %v, want the record", stream.Msg())
	}
	for range 2 {
		if !stream.Receive() || !stream.Msg().KeepAlive || stream.Msg().Minutes != nil {
			t.Fatalf("then %v (%v), want a keep-alive", stream.Msg(), stream.Err())
		}
	}
}

// TestWatchDropsClientThatReadsNothing: a client that stops reading is
// dropped once a message cannot leave within the send timeout, and the
// others keep getting every change meanwhile.
func TestWatchDropsClientThatReadsNothing(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.Start.Add(2 * time.Minute))
	addr := watchServer(t, env, server.Options{Watch: server.WatchLimits{SendTimeout: 300 * time.Millisecond}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	good, err := openWatch(t, ctx, addr, next.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	// The deaf client: a small receive window, and it never reads.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	deaf, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer deaf.Close()
	msg := `{"meetingId":"` + next.ID + `"}`
	fmt.Fprintf(deaf, "POST %s HTTP/1.1\r\nHost: alesco\r\nContent-Type: application/connect+json\r\nContent-Length: %d\r\n\r\n\x00\x00\x00\x00%c%s",
		v1.MinutesServiceWatchMinutesProcedure, 5+len(msg), len(msg), msg)
	alescotest.Eventually(t, 10*time.Second, "two watchers", func() bool { return env.App.Watching() == 2 })

	admin := alescotest.Admin(ctx)
	if _, _, _, err := env.App.StartMeeting(admin, next.ID); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("A long note to fill the deaf client's buffers. ", 40)
	for i := 0; env.App.Watching() == 2; i++ {
		if i == 300 {
			t.Fatal("the client that reads nothing is still watching after 300 changes")
		}
		if _, err := env.App.AddNote(admin, next.ID, alesco.Note{Topic: "Load", Text: fmt.Sprintf("%d %s", i, text)}); err != nil {
			t.Fatal(err)
		}
		// The good watcher sees the latest record, whatever the deaf one does.
		for {
			m := receive(t, good)
			if n := len(m.Notes); n > 0 && strings.HasPrefix(m.Notes[n-1].Text, fmt.Sprintf("%d ", i)) {
				break
			}
		}
	}
	if n := env.App.Watching(); n != 1 {
		t.Errorf("%d watchers, want the good one alone", n)
	}
}
