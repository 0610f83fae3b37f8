// Package github keeps a committee's proposals in step with its GitHub
// repository: a fetcher that reads pull requests with conditional requests
// (ETag / If-None-Match) for the application's sync use case to store, and
// a webhook handler that verifies and decodes pull_request deliveries and
// hands them to the application's ApplyDelivery. It writes nothing of the
// committee's record itself; its own bookkeeping (GitHub's answers) goes
// through ResponseCache. It uses go-github for the REST API and webhook
// parsing.
package github

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/almalinux/alesco"
)

// maxResponseBytes caps one GitHub answer kept for replay.
const maxResponseBytes = 16 << 20

// CacheHeader marks a response replayed from the cache after a 304.
const CacheHeader = "X-Alesco-Cache"

// cachingTransport makes every GET conditional. go-github has no built-in
// conditional cache (its docs point at third-party HTTP caches, which would
// keep their own store and follow Cache-Control rather than always
// revalidate), so this small RoundTripper keeps each URL's ETag, Link header
// and body — loaded from and saved to SQLite by the syncer — sends
// If-None-Match, and turns a 304 back into the stored 200 for go-github to
// decode. A sync where nothing changed thus costs one request per page,
// each answered 304, which GitHub does not count against the rate limit.
//
// It also honours rate limiting: after a Retry-After (secondary limit) or an
// exhausted primary limit (X-RateLimit-Remaining: 0 with X-RateLimit-Reset)
// it refuses to send anything before the time GitHub named.
type cachingTransport struct {
	base http.RoundTripper
	now  func() time.Time

	mu          sync.Mutex
	loaded      bool
	entries     map[string]CachedResponse
	dirty       map[string]CachedResponse
	requests    int
	notModified int
	notBefore   time.Time
}

// RateLimitedError says GitHub asked us to wait.
type RateLimitedError struct {
	Until time.Time
}

// Error implements error.
func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("GitHub rate limit: not sending requests before %s", e.Until.UTC().Format(time.RFC3339))
}

func newCachingTransport(base http.RoundTripper, now func() time.Time) *cachingTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &cachingTransport{base: base, now: now, entries: map[string]CachedResponse{}, dirty: map[string]CachedResponse{}}
}

// load fills the cache from the store once.
func (t *cachingTransport) load(ctx context.Context, db ResponseCache) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loaded {
		return nil
	}
	entries, err := db.CachedResponses(ctx)
	if err != nil {
		return err
	}
	t.entries, t.loaded = entries, true
	return nil
}

// begin resets the counters for one sync; it fails while rate limited.
func (t *cachingTransport) begin() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests, t.notModified = 0, 0
	if now := t.now(); now.Before(t.notBefore) {
		return &RateLimitedError{Until: t.notBefore}
	}
	return nil
}

// finish returns the counters and the answers to save.
func (t *cachingTransport) finish() (requests, notModified int, dirty []CachedResponse) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.dirty {
		dirty = append(dirty, e)
	}
	t.dirty = map[string]CachedResponse{}
	return t.requests, t.notModified, dirty
}

// RoundTrip implements http.RoundTripper.
func (t *cachingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	if until := t.notBefore; t.now().Before(until) {
		t.mu.Unlock()
		return nil, &RateLimitedError{Until: until}
	}
	key := req.URL.String()
	cached, haveCached := t.entries[key]
	t.requests++
	t.mu.Unlock()

	if req.Method != http.MethodGet {
		haveCached = false
	} else if haveCached {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", cached.ETag)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	t.observeLimits(resp)
	switch {
	case resp.StatusCode == http.StatusNotModified && haveCached:
		resp.Body.Close()
		t.mu.Lock()
		t.notModified++
		t.mu.Unlock()
		h := resp.Header.Clone()
		if h.Get("Link") == "" && cached.Link != "" {
			h.Set("Link", cached.Link)
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set(CacheHeader, "revalidated")
		return &http.Response{
			Status: "200 OK", StatusCode: http.StatusOK, Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
			Header: h, Body: io.NopCloser(bytes.NewReader(cached.Body)), ContentLength: int64(len(cached.Body)), Request: req,
		}, nil
	case resp.StatusCode == http.StatusOK && req.Method == http.MethodGet && resp.Header.Get("ETag") != "":
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("github: read %s: %w", req.URL.Path, err)
		}
		if len(body) <= maxResponseBytes {
			e := CachedResponse{URL: key, ETag: resp.Header.Get("ETag"), Link: resp.Header.Get("Link"), Body: body, FetchedAt: t.now()}
			t.mu.Lock()
			t.entries[key], t.dirty[key] = e, e
			t.mu.Unlock()
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// observeLimits records when GitHub wants us to wait: Retry-After (seconds
// or an HTTP date) on a 403/429, or an exhausted primary limit.
func (t *cachingTransport) observeLimits(resp *http.Response) {
	var until time.Time
	now := t.now()
	if ra := resp.Header.Get("Retry-After"); ra != "" && (resp.StatusCode == 403 || resp.StatusCode == 429 || resp.StatusCode == 503) {
		if secs, err := strconv.Atoi(ra); err == nil && secs >= 0 {
			until = now.Add(time.Duration(secs) * time.Second)
		} else if at, err := http.ParseTime(ra); err == nil {
			until = at
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			if at := time.Unix(reset, 0); at.After(until) {
				until = at
			}
		}
	}
	if until.After(now) {
		t.mu.Lock()
		if until.After(t.notBefore) {
			t.notBefore = until
		}
		t.mu.Unlock()
	}
}

// errUnavailable wraps an upstream failure as a domain error a chair reads.
func errUnavailable(err error) error {
	return &unavailable{err: err}
}

type unavailable struct{ err error }

func (u *unavailable) Error() string { return "github: " + u.err.Error() }

// PublicError is what the proposals page may say of the failure (see
// publicError).
func (u *unavailable) PublicError() string { return u.err.Error() }
func (u *unavailable) Unwrap() []error {
	return []error{u.err, alesco.Errorf(alesco.EUNAVAILABLE, "GitHub is unreachable or refused the sync (%v); the proposals synced before are kept", u.err)}
}
