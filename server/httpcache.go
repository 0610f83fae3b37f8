package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
)

// ETag returns a strong entity tag for body.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

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

// Rendered is a cached representation of a resource.
type Rendered struct {
	Body         []byte
	ETag         string
	LastModified time.Time
	ContentType  string
}

// writeRendered answers a GET or HEAD with conditional-request support:
// 304 for a matching If-None-Match, or (without one) for an If-Modified-Since
// not older than Last-Modified (RFC 9110 §13.2.2 precedence).
func writeRendered(w http.ResponseWriter, r *http.Request, rep Rendered, maxAge time.Duration) {
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

// checkNotModified implements conditional Connect GETs: when the request's
// If-None-Match matches etag it returns Connect's not-modified error (a 304
// on the wire); otherwise it sets ETag on the response header.
func checkNotModified(reqHeader, respHeader http.Header, etag string) error {
	respHeader.Set("ETag", etag)
	if etagMatch(reqHeader.Get("If-None-Match"), etag) {
		return connect.NewNotModifiedError(respHeader)
	}
	return nil
}

// cache keeps rendered representations and rebuilds one only when the
// version of the data it was built from changes.
type cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	version string
	rep     Rendered
}

func newCache() *cache { return &cache{entries: map[string]cacheEntry{}} }

// get returns the cached representation for key if it was built at version,
// else builds, stores and returns a new one. Concurrent misses may build
// twice; both results are identical, so that is harmless and lock-free.
func (c *cache) get(key, version string, build func() (Rendered, error)) (Rendered, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.version == version {
		return e.rep, nil
	}
	rep, err := build()
	if err != nil {
		return Rendered{}, err
	}
	if rep.ETag == "" {
		rep.ETag = ETag(rep.Body)
	}
	c.mu.Lock()
	c.entries[key] = cacheEntry{version: version, rep: rep}
	c.mu.Unlock()
	return rep, nil
}
