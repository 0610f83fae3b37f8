package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// Timeouts bound how long a client may take; zero fields take the
// defaults (DefaultTimeouts).
type Timeouts struct {
	// Header: to send a request's headers (HTTP/1), and how long an HTTP/2
	// connection may stay silent before it must answer a PING (HTTP/2
	// has no header timeout of its own: a connection that sent only its
	// preface would otherwise be kept until Idle).
	Header time.Duration
	// Body: to send a request's body; a slower client gets 408.
	Body time.Duration
	// Idle: how long a connection between requests is kept, HTTP/1 and 2.
	Idle time.Duration
	// Write: to write a response (HTTP/1; per frame on HTTP/2).
	Write time.Duration
}

// DefaultTimeouts are the server's timeouts.
var DefaultTimeouts = Timeouts{Header: 10 * time.Second, Body: 30 * time.Second, Idle: 120 * time.Second, Write: 120 * time.Second}

func (t Timeouts) orDefault() Timeouts {
	d := DefaultTimeouts
	if t.Header > 0 {
		d.Header = t.Header
	}
	if t.Body > 0 {
		d.Body = t.Body
	}
	if t.Idle > 0 {
		d.Idle = t.Idle
	}
	if t.Write > 0 {
		d.Write = t.Write
	}
	return d
}

// guard answers two kinds of malformed request before the handlers see
// them, because connect-go answers both as a server failure (its read of
// the request happens before any interceptor): a Connect GET whose base64
// message does not decode (500 "unknown"), and a body that does not arrive
// in time (504 "deadline_exceeded", which blames this server). It reads
// whole, within the body timeout, every body that is one message: Connect
// unary calls and plain HTTP (bounded by MaxRequestBytes). The bodies of
// the streaming protocols (gRPC, gRPC-Web and Connect streaming, unary
// calls included) are read by connect-go as they come, through a
// frameReader that holds them to the same rules (frames).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Most GETs (feeds, pages) carry no query: parse one only when it
		// may ask for base64.
		if r.Method == http.MethodGet && strings.Contains(r.URL.RawQuery, "base64") && r.URL.Query().Get("base64") == "1" {
			if err := checkBase64(r.URL.Query().Get("message")); err != nil {
				writeProtocolError(w, r, http.StatusBadRequest, "invalid_argument", 3, "message is not URL-safe base64: "+err.Error())
				return
			}
		}
		// A WatchMinutes stream's request is one message too, read whole
		// before the stream lifts its timeouts (streamControl).
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 && (!streaming(r) || r.URL.Path == v1.MinutesServiceWatchMinutesProcedure) {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(s.timeouts.Body))
			body, err := io.ReadAll(r.Body)
			_ = rc.SetReadDeadline(time.Time{})
			var tooBig *http.MaxBytesError
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				w.Header().Set("Connection", "close")
				writeProtocolError(w, r, http.StatusRequestTimeout, "deadline_exceeded", 4,
					fmt.Sprintf("the request body did not arrive within %s", s.timeouts.Body))
				return
			case errors.As(err, &tooBig):
				w.Header().Set("Connection", "close")
				writeProtocolError(w, r, http.StatusRequestEntityTooLarge, "resource_exhausted", 8,
					fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
				return
			case err != nil:
				writeProtocolError(w, r, http.StatusBadRequest, "invalid_argument", 3, "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		s.frames(w, r)
		next.ServeHTTP(w, r)
	})
}

// streaming reports a request of a protocol whose body is a stream of
// messages.
func streaming(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/grpc") || strings.HasPrefix(ct, "application/connect+")
}

// checkBase64 decodes a Connect GET message as connect-go does (URL-safe,
// padded when its length says so).
func checkBase64(msg string) error {
	enc := base64.RawURLEncoding
	if len(msg)%4 == 0 {
		enc = base64.URLEncoding
	}
	_, err := enc.DecodeString(msg)
	return err
}

// writeProtocolError answers with an error in the request's own protocol:
// a gRPC status (HTTP 200, trailers-only) for gRPC and gRPC-Web, a Connect
// error body for Connect and JSON, plain text otherwise.
func writeProtocolError(w http.ResponseWriter, r *http.Request, status int, code string, grpcCode int, msg string) {
	ct := r.Header.Get("Content-Type")
	h := w.Header()
	switch {
	case strings.HasPrefix(ct, "application/grpc"):
		h.Set("Content-Type", ct)
		h.Set("Grpc-Status", fmt.Sprint(grpcCode))
		h.Set("Grpc-Message", msg)
		w.WriteHeader(http.StatusOK)
	case strings.HasPrefix(ct, "application/") || r.URL.Query().Has("encoding"):
		body, _ := json.Marshal(map[string]string{"code": code, "message": msg})
		h.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	default:
		http.Error(w, msg, status)
	}
}
