package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// terminal is `alesco meeting run --server` running in this process, fed
// line by line.
type terminal struct {
	in     *io.PipeWriter
	lines  chan string
	stderr *syncBuffer
	done   chan error
}

func startTerminal(t *testing.T, url, token, meetingID string) *terminal {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	term := &terminal{in: inW, lines: make(chan string, 100), stderr: &syncBuffer{}, done: make(chan error, 1)}
	m := &Main{Stdin: inR, Stdout: outW, Stderr: term.stderr, Now: testNow,
		Getenv: func(k string) string {
			if k == "ALESCO_TOKEN" {
				return token
			}
			return ""
		}}
	go func() {
		term.done <- m.Run(context.Background(), []string{"meeting", "run", meetingID, "--server", url})
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			term.lines <- sc.Text()
		}
		close(term.lines)
	}()
	return term
}

// send types a line and returns the next line the terminal prints that
// starts with want.
func (term *terminal) send(t *testing.T, line, want string) string {
	t.Helper()
	if _, err := io.WriteString(term.in, line+"\n"); err != nil {
		t.Fatal(err)
	}
	return term.await(t, want)
}

func (term *terminal) await(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-term.lines:
			if !ok {
				t.Fatalf("the terminal ended before printing %q: %s", want, term.stderr.String())
			}
			if strings.HasPrefix(l, want) {
				return l
			}
		case <-deadline:
			t.Fatalf("the terminal did not print %q; stderr: %s", want, term.stderr.String())
		}
	}
}

// TestTerminalSurvivesKill9: the server running a meeting is killed with
// SIGKILL while the chair types in the terminal; the command typed while it
// is down waits, the terminal says "reconnecting…", and once the server is
// back on the same database and port, it says "back", the command runs,
// and the terminal goes on printing what another front end changes. The
// record holds every acknowledged command once.
func TestTerminalSurvivesKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	next := alescotest.NextMeeting(t)
	db := emptyDB(t)
	var tokens [2]string
	for i := range tokens {
		out, _, err := runCLI(t, "token", "create", "--db", db, "--committee", "alesco", "--role", "chair")
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = strings.TrimSpace(out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args, _ := json.Marshal([]string{"serve", "--addr", addr, "--db", db, "--sync-interval", "0", "--outbox-interval", "0"})
	env := []string{"ALESCO_SERVE_CHILD=" + string(args), "ALESCO_SERVE_CHILD_NOW=" + next.Start.Add(2*time.Minute).Format(time.RFC3339)}
	c := startChild(t, env, "")
	defer func() { c.cmd.Process.Kill() }()

	term := startTerminal(t, c.url, tokens[0], next.ID)
	term.send(t, "startmeeting", "meeting "+next.ID+" started")
	term.send(t, "present andrew, ben, jonathan, neal", "present:")
	term.send(t, "topic Kernels", "topic:")
	term.send(t, "info Before the crash", "noted")

	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.killed(t)
	io.WriteString(term.in, "info While it was down\n")
	alescotest.Eventually(t, 30*time.Second, "the terminal says it reconnects", func() bool {
		return strings.Contains(term.stderr.String(), "reconnecting…")
	})
	c = startChild(t, env, "")
	term.await(t, "noted")
	alescotest.Eventually(t, 30*time.Second, "the terminal says it is back", func() bool {
		return strings.Contains(term.stderr.String(), "back\n")
	})
	term.send(t, "info After the restart", "noted")

	// Another chair, in another front end: the terminal tells of it.
	other := v1.NewMinutesServiceClient(h2cClient(), c.url, alescotest.WithToken(tokens[1]))
	if _, err := other.RunCommand(context.Background(), connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: next.ID, Line: "info From the console"})); err != nil {
		t.Fatal(err)
	}
	term.await(t, `· noted under "Kernels": From the console`)

	term.in.Close()
	if err := <-term.done; err != nil {
		t.Fatalf("the terminal: %v\n%s", err, term.stderr.String())
	}
	resp, err := other.GetMinutes(context.Background(), connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: next.ID}))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range resp.Msg.Minutes.Notes {
		count[n.Text]++
	}
	for _, text := range []string{"Before the crash", "While it was down", "After the restart", "From the console"} {
		if count[text] != 1 {
			t.Errorf("%q is %d times in the record, want once: %v", text, count[text], count)
		}
	}
	if got := resp.Msg.Minutes.MembersPresent; got != 4 {
		t.Errorf("%d present", got)
	}
}
