package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/rendercache"
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
func writeRendered(w http.ResponseWriter, r *http.Request, rep rendercache.Rendered, cc cacheControl) {
	hv := headersOf(rep)
	// Canonical keys and values made once per representation: a cached
	// feed is served in a few microseconds, and Header.Set's allocations
	// and key canonicalization were a fifth of that.
	h := w.Header()
	h["Etag"] = hv.etag
	if hv.lastModified != nil {
		h["Last-Modified"] = hv.lastModified
	}
	h["Cache-Control"] = cc
	h["Vary"] = varyEncoding
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
	h["Content-Type"] = hv.contentType
	h["Content-Length"] = hv.contentLength
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(rep.Body)
	}
}

// cacheControl is a Cache-Control header value, made once per route.
type cacheControl []string

func cacheControlFor(maxAge time.Duration) cacheControl {
	return cacheControl{"public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))}
}

// Header values shared by every response that carries them. Each slice
// is full (len == cap), so an Add by a later handler copies it instead of
// writing into it.
var varyEncoding = []string{"Accept-Encoding"}

// renderedHeaders are a representation's header values, made once.
type renderedHeaders struct {
	etag, lastModified, contentType, contentLength []string
}

type headersKey struct {
	etag, contentType string
	lastModified      time.Time
	length            int
}

// renderedHeaderMemo keeps the header values of the representations
// served lately; it starts over when full, which bounds it whatever is
// asked.
var renderedHeaderMemo struct {
	sync.Mutex
	m map[headersKey]*renderedHeaders
}

func headersOf(rep rendercache.Rendered) *renderedHeaders {
	k := headersKey{rep.ETag, rep.ContentType, rep.LastModified, len(rep.Body)}
	memo := &renderedHeaderMemo
	memo.Lock()
	defer memo.Unlock()
	if hv, ok := memo.m[k]; ok {
		return hv
	}
	hv := &renderedHeaders{etag: []string{rep.ETag}, contentType: []string{rep.ContentType},
		contentLength: []string{strconv.Itoa(len(rep.Body))}}
	if !rep.LastModified.IsZero() {
		hv.lastModified = []string{rep.LastModified.UTC().Format(http.TimeFormat)}
	}
	if len(memo.m) >= 1024 || memo.m == nil {
		memo.m = make(map[headersKey]*renderedHeaders, 64)
	}
	memo.m[k] = hv
	return hv
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
		etag = rendercache.ETag(body)
	}
	resp := connect.NewResponse(msg)
	resp.Header().Set("ETag", etag)
	if etagMatch(req.Header().Get("If-None-Match"), etag) {
		return nil, connect.NewNotModifiedError(resp.Header())
	}
	return resp, nil
}

// cachedRead answers a public read from the server's cache: the
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
	// Fields this server does not know change nothing in the answer: they
	// do not make a new key (nor a big one).
	in.ProtoReflect().SetUnknown(nil)
	key, err := proto.MarshalOptions{Deterministic: true}.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("server: marshal: %w", err)
	}
	rep, err := s.cache.Get(procedure+"?"+string(key), s.app.Version(), s.app.Now(), func() (rendercache.Rendered, time.Time, error) {
		msg, until, err := build()
		if err != nil {
			return rendercache.Rendered{}, time.Time{}, err
		}
		body, err := proto.MarshalOptions{Deterministic: true}.Marshal(any(msg).(proto.Message))
		if err != nil {
			return rendercache.Rendered{}, time.Time{}, fmt.Errorf("server: marshal: %w", err)
		}
		// A decoded message holds about three times its wire size.
		return rendercache.Rendered{Value: msg, Size: 3 * len(body), ETag: rendercache.ETag(body)}, until, nil
	})
	if err != nil {
		return nil, err
	}
	return respond(req, rep.Value.(*Resp), rep.ETag)
}

// keep returns what a use case rendered, from the cache when it was kept
// at the data's version and still holds, else by calling render and
// keeping its result until the time the use case said (errors are never
// kept).
func (s *Server) keep(key string, render func() (app.Document, error)) (rendercache.Rendered, error) {
	return s.cache.Get(key, s.app.Version(), s.app.Now(), func() (rendercache.Rendered, time.Time, error) {
		d, err := render()
		if err != nil {
			return rendercache.Rendered{}, time.Time{}, err
		}
		return rendercache.Rendered{Body: d.Body, ContentType: d.ContentType, LastModified: d.LastModified}, d.Until, nil
	})
}
