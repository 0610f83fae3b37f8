package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/live"
)

// remote is a meeting run from the terminal through a server's API. It
// outlives the server: a command that cannot reach it is sent again, under
// the same command id (so the server runs it once), with a growing pause,
// until it is answered; the record streams in beside the commands, and
// every change another front end makes (a chair in the console, a vote in
// chat) is printed as one line.
type remote struct {
	meetingID string
	minutes   v1.MinutesServiceClient
	out, errw io.Writer

	mu   sync.Mutex
	down bool // a call failed to reach the server; "back" is due
	// base is the record as the stream last sent it, and baseIDs the
	// commands whose changes it holds; sent are the ids of this
	// terminal's commands: a record that holds one more of them holds
	// this terminal's own change, which its reply told already.
	base    *alescov1.Minutes
	baseIDs []string
	sent    map[string]bool
}

// retry pauses: from the first to the longest.
const (
	firstRetry = 250 * time.Millisecond
	lastRetry  = 5 * time.Second
)

// lockedWriter serializes the writes of the command loop and the stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// transient reports an error a server that restarts or a network that
// drops gives: the command is sent again.
func transient(err error) bool {
	var netErr *net.OpError
	switch {
	case connect.CodeOf(err) == connect.CodeUnavailable, connect.CodeOf(err) == connect.CodeUnknown:
		return true
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	return false
}

// pause waits d or until ctx ends, and returns the next pause.
func pause(ctx context.Context, d time.Duration) time.Duration {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return min(2*d, lastRetry)
}

func (r *remote) lost() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.down {
		r.down = true
		fmt.Fprintln(r.errw, "reconnecting…")
	}
}

func (r *remote) back() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		r.down = false
		fmt.Fprintln(r.errw, "back")
	}
}

// newCommandID is a command's id, random: the same on every retry.
func newCommandID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// run sends one command until the server answers it.
func (r *remote) run(ctx context.Context, line string) (string, error) {
	req := &alescov1.RunCommandRequest{MeetingId: r.meetingID, Line: line, CommandId: newCommandID()}
	r.mu.Lock()
	r.sent[req.CommandId] = true
	r.mu.Unlock()
	for d := firstRetry; ; {
		resp, err := r.minutes.RunCommand(ctx, connect.NewRequest(req))
		if err == nil {
			r.back()
			return resp.Msg.Reply, nil
		}
		if !transient(err) || ctx.Err() != nil {
			return "", err
		}
		r.lost()
		d = pause(ctx, d)
	}
}

// seen takes a record the stream sent, and prints what another front end
// changed since the last one, one line each. A record that holds a change
// of this terminal's (one more of its command ids) is taken silently.
func (r *remote) seen(m *alescov1.Minutes, ids []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	own := false
	for _, id := range ids {
		if r.sent[id] && !slices.Contains(r.baseIDs, id) {
			own = true
		}
	}
	if r.base != nil && !own {
		for _, l := range changes(r.base, m) {
			fmt.Fprintln(r.out, "· "+live.Plain(l))
		}
	}
	r.base, r.baseIDs = m, ids
}

// watch streams the record until ctx ends, reconnecting with a growing
// pause when the stream breaks.
func (r *remote) watch(ctx context.Context) {
	for d := firstRetry; ctx.Err() == nil; {
		stream, err := r.minutes.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: r.meetingID}))
		if err == nil {
			for stream.Receive() {
				d = firstRetry
				r.back()
				if msg := stream.Msg(); !msg.KeepAlive && msg.Minutes != nil {
					r.seen(msg.Minutes, msg.CommandIds)
				}
			}
			err = stream.Err()
			stream.Close()
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil && !transient(err) && !errors.Is(err, io.ErrUnexpectedEOF) {
			fmt.Fprintf(r.errw, "the live record stopped: %s\n", commandError(err))
			return
		}
		r.lost()
		d = pause(ctx, d)
	}
}
