package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco/app"
	"google.golang.org/protobuf/proto"
)

// Conditional requests, for plain HTTP and Connect GET alike: an entity tag
// over the exact bytes served, compared with If-None-Match by etagMatch.

// etagMatch reports whether an If-None-Match header value matches etag
// (RFC 9110 §13.1.2: weak comparison, a list, or "*").
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// writeRendered answers a GET or HEAD with conditional-request support:
// 304 for a matching If-None-Match, or (without one) for an If-Modified-Since
// not older than Last-Modified (RFC 9110 §13.2.2 precedence).
func writeRendered(w http.ResponseWriter, r *http.Request, rep app.Rendered, maxAge time.Duration) {
	h := w.Header()
	h.Set("ETag", rep.ETag)
	if !rep.LastModified.IsZero() {
		h.Set("Last-Modified", rep.LastModified.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge.Seconds())))
	h.Set("Vary", "Accept-Encoding")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etagMatch(inm, rep.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" && !rep.LastModified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !rep.LastModified.Truncate(time.Second).After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Type", rep.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(rep.Body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(rep.Body)
	}
}

// respond answers a Connect read with msg, tagged with etag (the tag of
// its exact encoding when etag is empty); a request whose If-None-Match
// already has it gets Connect's not-modified error (a 304 on the wire).
func respond[Req, Resp any](req *connect.Request[Req], msg *Resp, etag string) (*connect.Response[Resp], error) {
	if etag == "" {
		pm, ok := any(msg).(proto.Message)
		if !ok {
			return nil, fmt.Errorf("server: %T is not a message", msg)
		}
		body, err := proto.MarshalOptions{Deterministic: true}.Marshal(pm)
		if err != nil {
			return nil, fmt.Errorf("server: marshal: %w", err)
		}
		etag = app.ETag(body)
	}
	resp := connect.NewResponse(msg)
	resp.Header().Set("ETag", etag)
	if etagMatch(req.Header().Get("If-None-Match"), etag) {
		return nil, connect.NewNotModifiedError(resp.Header())
	}
	return resp, nil
}

// cachedRead answers a public read from the application's cache: the
// message build makes (reading the store) is kept, with its entity tag,
// until the data changes or the time build returns (zero: until the data
// changes), and shared read-only by every request asking the same thing.
// A warm read so touches no SQLite and encodes the message only once, on
// the wire. procedure and the request's exact encoding make the key.
func cachedRead[Req, Resp any](s *Server, procedure string, req *connect.Request[Req], build func() (*Resp, time.Time, error)) (*connect.Response[Resp], error) {
	in, ok := any(req.Msg).(proto.Message)
	if !ok {
		return nil, fmt.Errorf("server: %T is not a message", req.Msg)
	}
	key, err := proto.MarshalOptions{Deterministic: true}.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("server: marshal: %w", err)
	}
	rep, err := s.app.Cache.Get(procedure+"?"+string(key), s.app.CacheVersion(), s.app.Now(), func() (app.Rendered, time.Time, error) {
		msg, until, err := build()
		if err != nil {
			return app.Rendered{}, time.Time{}, err
		}
		body, err := proto.MarshalOptions{Deterministic: true}.Marshal(any(msg).(proto.Message))
		if err != nil {
			return app.Rendered{}, time.Time{}, fmt.Errorf("server: marshal: %w", err)
		}
		// A decoded message holds about three times its wire size.
		return app.Rendered{Value: msg, Size: 3 * len(body), ETag: app.ETag(body)}, until, nil
	})
	if err != nil {
		return nil, err
	}
	return respond(req, rep.Value.(*Resp), rep.ETag)
}
