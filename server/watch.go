package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/protoconv"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// A live meeting's record is public, and the whole community may watch it:
// WatchMinutes streams share one read and one encoding per change (the
// app's broadcast gives every watcher the same snapshot, Memo turns it
// into one message, and the watch codec marshals that message once), are
// bounded in number (in all and per client) and drop a client that stops
// reading.

// Watch limits and keep-alive defaults (serve --max-watchers,
// --max-watchers-per-client).
const (
	DefaultMaxWatchers          = 5000
	DefaultMaxWatchersPerClient = 100
	// DefaultKeepAlive is how long a stream stays silent before a
	// keep-alive: under the idle timeouts of common proxies (Caddy keeps a
	// stream as long as it flows; nginx's proxy_read_timeout is 60 s).
	DefaultKeepAlive = 20 * time.Second
)

// WatchLimits bound the WatchMinutes streams; zero fields take the
// defaults.
type WatchLimits struct {
	// Max streams open at once, and per client (the remote address, or
	// the X-Forwarded-For entry a trusted proxy added).
	Max, PerClient int
	// KeepAlive: how long a stream may stay silent before a keep-alive.
	KeepAlive time.Duration
	// SendTimeout: how long one message may take to leave; a client that
	// reads nothing for that long is dropped (Timeouts.Write when zero).
	SendTimeout time.Duration
}

func (l WatchLimits) orDefault(t Timeouts) WatchLimits {
	if l.Max <= 0 {
		l.Max = DefaultMaxWatchers
	}
	if l.PerClient <= 0 {
		l.PerClient = DefaultMaxWatchersPerClient
	}
	if l.KeepAlive <= 0 {
		l.KeepAlive = DefaultKeepAlive
	}
	if l.SendTimeout <= 0 {
		l.SendTimeout = t.Write
	}
	return l
}

// watchers counts the open streams, in all and by client.
type watchers struct {
	limits   WatchLimits
	mu       sync.Mutex
	total    int
	byClient map[netip.Addr]int
}

// enter admits one more stream of client, or says which limit it meets.
func (ws *watchers) enter(client netip.Addr) (leave func(), err error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	switch {
	case ws.total >= ws.limits.Max:
		return nil, alesco.Errorf(alesco.ELIMIT, "this server already streams %d live records, its limit (serve --max-watchers); try again later, or read the minutes' page", ws.limits.Max)
	case ws.byClient[client] >= ws.limits.PerClient:
		return nil, alesco.Errorf(alesco.ELIMIT, "%s already has %d live records open, the limit per client (serve --max-watchers-per-client); close one first", client, ws.limits.PerClient)
	}
	if ws.byClient == nil {
		ws.byClient = map[netip.Addr]int{}
	}
	ws.total++
	ws.byClient[client]++
	return func() {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		ws.total--
		if ws.byClient[client]--; ws.byClient[client] <= 0 {
			delete(ws.byClient, client)
		}
	}, nil
}

// keepAlive is the message sent when nothing changed for a while (shared:
// immutable).
var keepAlive = &alescov1.WatchMinutesResponse{KeepAlive: true}

func (s *minutesService) WatchMinutes(ctx context.Context, req *connect.Request[alescov1.WatchMinutesRequest], stream *connect.ServerStream[alescov1.WatchMinutesResponse]) error {
	if req.Msg.MeetingId == "" {
		return alesco.Errorf(alesco.EINVALID, "meeting_id is required, e.g. alesco-2026-12-03")
	}
	leave, err := s.watchers.enter(s.proxies.Client(req.Peer().Addr, req.Header()))
	if err != nil {
		return err
	}
	defer leave()
	w, err := s.app.Watch(ctx, req.Msg.MeetingId)
	if err != nil {
		return err
	}
	defer w.Close()
	if s.metrics != nil {
		defer s.metrics.WatchStream()()
	}
	ctx, cancel := s.untilShutdown(ctx)
	defer cancel()
	rc, _ := ctx.Value(streamControlKey{}).(*http.ResponseController)
	lim := s.watchers.limits
	idle := time.NewTimer(lim.KeepAlive)
	defer idle.Stop()
	for {
		msg := keepAlive
		select {
		case <-ctx.Done():
			return nil
		case <-w.Ready():
			msg = watchFramesOf(w.Latest()).msg
		case <-idle.C:
		}
		if rc != nil {
			// A client that reads nothing is dropped when the deadline
			// passes; an error means the writer cannot have one (a test
			// recorder).
			_ = rc.SetWriteDeadline(time.Now().Add(lim.SendTimeout))
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
		idle.Reset(lim.KeepAlive)
	}
}

// watchMessage is a snapshot's message (made once for all its watchers:
// watchFramesOf).
func watchMessage(s *app.Snapshot) any {
	return &alescov1.WatchMinutesResponse{Minutes: protoconv.MinutesProto(s.Committee, s.Minutes), CommandIds: s.Commands}
}

// streamControlKey carries a WatchMinutes stream's ResponseController in
// its context (its per-message write deadline).
type streamControlKey struct{}

// streamControl lifts the server's write timeout for the WatchMinutes
// streams (it bounds ordinary requests, and would cut a watcher off after
// two minutes; each message gets its own deadline instead) and hands the
// stream its ResponseController, or serves it itself (fastWatch). The
// request body was read whole by then (the guard), within the body
// timeout.
func (s *Server) streamControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == v1.MinutesServiceWatchMinutesProcedure && r.Method == http.MethodPost {
			if s.fastWatch(w, r) {
				return
			}
			rc := http.NewResponseController(w)
			_ = rc.SetWriteDeadline(time.Time{})
			r = r.WithContext(context.WithValue(r.Context(), streamControlKey{}, rc))
		}
		next.ServeHTTP(w, r)
	})
}

// watchHandler serves WatchMinutes alone, with the codecs that marshal a
// message once for all its watchers, and no compression: compressing the
// same record once per watcher would cost more than everything else.
func watchHandler(svc v1.MinutesServiceHandler, opts ...connect.HandlerOption) (string, http.Handler) {
	opts = append(opts, connect.WithCompressMinBytes(math.MaxInt32),
		connect.WithCodec(&onceCodec{name: "proto", binary: true}),
		connect.WithCodec(&onceCodec{name: "json"}),
		connect.WithCodec(&onceCodec{name: "json; charset=utf-8"}))
	return v1.MinutesServiceWatchMinutesProcedure, connect.NewServerStreamHandler(
		v1.MinutesServiceWatchMinutesProcedure, svc.WatchMinutes,
		append([]connect.HandlerOption{connect.WithSchema(v1.MinutesServiceWatchMinutesProcedure), connect.WithIdempotency(connect.IdempotencyNoSideEffects)}, opts...)...)
}

// onceCodec is connect-go's protobuf codec (binary or JSON) that keeps the
// bytes of the last messages it marshalled, by identity: every watcher of
// a meeting sends the same immutable message, which is thus marshalled
// once. Written by hand: connect-go marshals per stream and has no such
// cache.
type onceCodec struct {
	name   string
	binary bool
	mu     sync.Mutex
	kept   [4]struct {
		msg   proto.Message
		bytes []byte
	}
	next int
}

func (c *onceCodec) Name() string { return c.name }

func (c *onceCodec) IsBinary() bool { return c.binary }

func (c *onceCodec) Marshal(msg any) ([]byte, error) { return c.MarshalAppend(nil, msg) }

// MarshalAppend appends msg's bytes to dst (connect-go reuses dst; the
// kept bytes are never handed out).
func (c *onceCodec) MarshalAppend(dst []byte, msg any) ([]byte, error) {
	m, ok := msg.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("server: %T is not a protobuf message", msg)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.kept {
		if k.msg == m {
			return append(dst, k.bytes...), nil
		}
	}
	var b []byte
	var err error
	if c.binary {
		b, err = proto.Marshal(m)
	} else {
		b, err = protojson.Marshal(m)
	}
	if err != nil {
		return nil, err
	}
	c.kept[c.next].msg, c.kept[c.next].bytes = m, b
	c.next = (c.next + 1) % len(c.kept)
	return append(dst, b...), nil
}

func (c *onceCodec) Unmarshal(data []byte, msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return fmt.Errorf("server: %T is not a protobuf message", msg)
	}
	if c.binary {
		return proto.Unmarshal(data, m)
	}
	return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(data, m)
}
