package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Most watchers of a live meeting come over HTTP/1.1 with the Connect
// protocol (the console in a browser behind a proxy; curl): for them a
// change costs one write system call each, of bytes made once for all.
// connect-go, over net/http's HTTP/1 response, writes a large message in
// three system calls (its buffers hold 2 and 4 KB) and copies it twice per
// stream; so such a stream is taken over (hijacked) once its request is
// read and admitted, and each message goes out as one HTTP chunk holding
// one Connect envelope, built once per snapshot and encoding. Every other
// stream (HTTP/2, gRPC, gRPC-Web, a compressed request) and every error
// before the stream starts is connect-go's (watchHandler), as before.
// Written by hand: neither net/http nor connect-go writes a shared,
// pre-framed message to many connections.

// watchFrames are a snapshot's message, framed once per encoding as an
// HTTP/1.1 chunk holding one Connect envelope.
type watchFrames struct {
	msg         *alescov1.WatchMinutesResponse
	binary, txt sync.Once
	bin, json   []byte
}

// frame returns the message's chunk in the encoding asked for.
func (f *watchFrames) frame(json bool) []byte {
	if json {
		f.txt.Do(func() { f.json = chunk(0, mustJSON(f.msg)) })
		return f.json
	}
	f.binary.Do(func() { b, _ := proto.Marshal(f.msg); f.bin = chunk(0, b) })
	return f.bin
}

func mustJSON(m proto.Message) []byte {
	b, _ := protojson.Marshal(m)
	return b
}

// chunk frames payload as one Connect envelope (flags, big-endian length)
// in one HTTP/1.1 chunk.
func chunk(flags byte, payload []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%x\r\n", 5+len(payload))
	b.WriteByte(flags)
	binary.Write(&b, binary.BigEndian, uint32(len(payload)))
	b.Write(payload)
	b.WriteString("\r\n")
	return b.Bytes()
}

// keepAliveFrames are the keep-alive's chunks, by encoding.
var keepAliveFrames = (&watchFrames{msg: keepAlive})

// endOfStream ends a Connect stream without error (flag 2, an empty JSON
// object), then the chunked body.
var endOfStream = append(chunk(2, []byte("{}")), "0\r\n\r\n"...)

// watchFramesOf is a snapshot's frames, made once for all its watchers.
func watchFramesOf(s *app.Snapshot) *watchFrames {
	return s.Memo(func(s *app.Snapshot) any { return &watchFrames{msg: watchMessage(s).(*alescov1.WatchMinutesResponse)} }).(*watchFrames)
}

// fastWatch serves an HTTP/1.1 Connect WatchMinutes stream itself when it
// can: it reports false, with the request's body as it was, when
// connect-go must (another protocol, a request it cannot read, a meeting
// that does not exist, a limit reached: connect-go answers the error).
func (s *Server) fastWatch(w http.ResponseWriter, r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	json := ct == "application/connect+json"
	if r.ProtoMajor != 1 || (!json && ct != "application/connect+proto") || r.Header.Get("Connect-Content-Encoding") != "" {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || len(body) < 5 || body[0] != 0 || int(binary.BigEndian.Uint32(body[1:5])) != len(body)-5 {
		return false
	}
	var req alescov1.WatchMinutesRequest
	if json {
		err = protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(body[5:], &req)
	} else {
		err = proto.Unmarshal(body[5:], &req)
	}
	if err != nil || req.MeetingId == "" {
		return false
	}
	leave, err := s.watchers.enter(s.proxies.ClientAddr(r))
	if err != nil {
		return false
	}
	defer leave()
	watcher, err := s.app.Watch(r.Context(), req.MeetingId)
	if err != nil {
		return false
	}
	defer watcher.Close()
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Time{})
	if s.metrics != nil {
		defer s.metrics.WatchStream()()
	}
	s.streamTo(conn, rw.Reader, w.Header(), watcher, json)
	return true
}

// streamTo writes the stream's head, then each snapshot the watcher gets,
// a keep-alive when nothing changed for a while, and the end of the
// stream when the server stops; it returns when the client goes away or a
// message cannot leave within the send timeout.
func (s *Server) streamTo(conn net.Conn, in *bufio.Reader, h http.Header, w *app.Watcher, json bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// The client sends nothing more: a read returns when it leaves.
		in.Discard(1)
		cancel()
	}()
	lim := s.watchers.limits
	var head strings.Builder
	head.WriteString("HTTP/1.1 200 OK\r\n")
	h.Set("Content-Type", "application/connect+proto")
	if json {
		h.Set("Content-Type", "application/connect+json")
	}
	h.Set("Transfer-Encoding", "chunked")
	h.Write(&head)
	head.WriteString("\r\n")
	send := func(b []byte) bool {
		conn.SetWriteDeadline(time.Now().Add(lim.SendTimeout))
		_, err := conn.Write(b)
		return err == nil
	}
	if !send([]byte(head.String())) {
		return
	}
	idle := time.NewTimer(lim.KeepAlive)
	defer idle.Stop()
	for {
		var b []byte
		select {
		case <-ctx.Done():
			return
		case <-s.stopping:
			send(endOfStream)
			return
		case <-w.Ready():
			b = watchFramesOf(w.Latest()).frame(json)
		case <-idle.C:
			b = keepAliveFrames.frame(json)
		}
		if !send(b) {
			return
		}
		idle.Reset(lim.KeepAlive)
	}
}
