// Package githubtest is a fake GitHub REST API for tests: it serves the
// snapshot of the RFC repository kept in package demo (pull-request pages
// with Link headers, changed files, file contents), answers conditional
// requests with ETags and 304s, and counts every request it sees. Tests
// may change served files, take GitHub down or make it rate-limit.
package githubtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco/demo"
)

// Request is one request the fake saw.
type Request struct {
	Path        string // path and query
	IfNoneMatch string
	Status      int
}

// Server is the fake API.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	api      *demo.GitHub
	requests []Request
	// Down makes every request fail with 503.
	down bool
	// retryAfter answers the next request 429 with this Retry-After.
	retryAfter string
}

// New serves the demo snapshot until the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	api, err := demo.NewGitHub()
	if err != nil {
		t.Fatalf("githubtest: %v", err)
	}
	s := &Server{api: api}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// BaseURL is the API base URL to configure the client with.
func (s *Server) BaseURL() string { return s.URL + "/" }

// SetFile replaces (or adds) a served file, e.g. to simulate a change.
func (s *Server) SetFile(name string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.Files[name] = body
}

// File returns a served file's body.
func (s *Server) File(name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.api.Files[name]
}

// SetDown makes the fake fail every request with 503 (GitHub unreachable).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// RetryAfterNext answers the next request 429 with Retry-After: value.
func (s *Server) RetryAfterNext(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = value
}

// Requests returns the requests seen so far and forgets them.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests
	s.requests = nil
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := Request{Path: r.URL.RequestURI(), IfNoneMatch: r.Header.Get("If-None-Match")}
	rec.Status = s.answer(w, r)
	s.requests = append(s.requests, rec)
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request) int {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4990")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if s.down {
		http.Error(w, `{"message":"Service Unavailable"}`, http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	if s.retryAfter != "" {
		h.Set("Retry-After", s.retryAfter)
		s.retryAfter = ""
		http.Error(w, `{"message":"You have exceeded a secondary rate limit"}`, http.StatusTooManyRequests)
		return http.StatusTooManyRequests
	}
	return s.api.Answer(w, r, s.URL)
}
