// Package githubtest is a fake GitHub REST API for tests: it serves the
// snapshot of the RFC repository kept in package demo (pull-request pages
// with Link headers, changed files, file contents), answers conditional
// requests with ETags and 304s, and counts every request it sees. Tests
// may change served files, take GitHub down or make it rate-limit. It also takes the
// writes alesco makes, the way GitHub does (status codes, ids, JSON shapes
// of the REST API docs): issue comments (list, create, edit), labels (add,
// remove; the pull-request pages then show them), requested reviewers, and
// for repositories added with AddRepo the Git data API (blobs, trees,
// commits, refs), file contents and pull requests (list by head, create,
// edit). Writes need an Authorization header, as on GitHub.
package githubtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco/demo"
)

// Request is one request the fake saw.
type Request struct {
	Method      string
	Path        string // path and query
	IfNoneMatch string
	Status      int
	Body        string // the request body of a write
	Auth        string // the Authorization header
}

// Server is the fake API.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	api      *demo.GitHub // the snapshot's reads; writes change its files
	requests []Request
	// failing makes every request fail with this status (503: down).
	failing int
	// retryAfter answers the next request 429 with this Retry-After.
	retryAfter string
	now        func() time.Time

	nextID   int64
	comments map[string][]*comment // "owner/repo#number" -> comments, oldest first
	reviews  map[string][]string   // "owner/repo#number" -> requested reviewers
	repos    map[string]*repo      // repositories with Git data (AddRepo)
	app      *app                  // the GitHub App, once enabled (EnableApp)
}

// New serves the demo snapshot until the test ends, on the clock now: the
// fake stamps its writes and its rate-limit reset with it, so a test gives
// it the tests' clock (an Env's, or alescotest.Running(alescotest.Epoch)),
// never the wall clock.
func New(t testing.TB, now func() time.Time) *Server {
	t.Helper()
	api, err := demo.NewGitHub()
	if err != nil {
		t.Fatalf("githubtest: %v", err)
	}
	s := &Server{api: api, now: now, nextID: 1000,
		comments: map[string][]*comment{}, reviews: map[string][]string{}, repos: map[string]*repo{}}
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
	status := 0
	if down {
		status = http.StatusServiceUnavailable
	}
	s.SetFailing(status)
}

// SetFailing makes the fake answer every request with status (e.g. 500),
// until called with 0.
func (s *Server) SetFailing(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = status
}

// SetClock sets the clock the fake stamps writes with (updated_at of pull
// requests whose labels change, comment times).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
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
	rec := Request{Method: r.Method, Path: r.URL.RequestURI(), IfNoneMatch: r.Header.Get("If-None-Match"), Auth: r.Header.Get("Authorization")}
	var body []byte
	if r.Method != http.MethodGet {
		body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<22))
		rec.Body = string(body)
	}
	status := s.answer(w, r, body)
	rec.Status = status
	s.requests = append(s.requests, rec)
}

// Writes returns the write requests seen so far (kept by Requests too).
func (s *Server) Writes() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

// jsonReply writes v as GitHub's JSON with status.
func jsonReply(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Write(b)
	return status
}

// errorReply writes GitHub's error shape: {"message": ..., "documentation_url": ...}.
func errorReply(w http.ResponseWriter, status int, msg string) int {
	return jsonReply(w, status, map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte) int {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4990")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.now().Add(time.Hour).Unix(), 10))
	if s.failing != 0 {
		return errorReply(w, s.failing, http.StatusText(s.failing))
	}
	if s.retryAfter != "" {
		h.Set("Retry-After", s.retryAfter)
		s.retryAfter = ""
		http.Error(w, `{"message":"You have exceeded a secondary rate limit"}`, http.StatusTooManyRequests)
		return http.StatusTooManyRequests
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if status, ok := s.answerApp(w, r, parts); ok {
		return status
	}
	if r.Method != http.MethodGet && r.Header.Get("Authorization") == "" {
		return errorReply(w, http.StatusUnauthorized, "Requires authentication")
	}
	if status, ok := s.answerWrite(w, r, parts, body); ok {
		return status
	}
	if r.Method != http.MethodGet {
		return errorReply(w, http.StatusNotFound, "Not Found")
	}
	return s.api.Answer(w, r, s.URL)
}

// answerWrite serves what is not a recorded response: the issue, label
// and review endpoints of any repository, and every endpoint of a
// repository added with AddRepo. ok is false for the recorded reads.
func (s *Server) answerWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) (status int, ok bool) {
	if len(parts) < 3 || parts[0] != "repos" {
		return 0, false
	}
	repo, rest := parts[1]+"/"+parts[2], parts[3:]
	if status, ok := s.answerIssues(w, r, repo, rest, body); ok {
		return status, true
	}
	if rp := s.repo(repo); rp != nil {
		if status, ok := rp.answer(s, w, r, rest, body); ok {
			return status, true
		}
		return errorReply(w, http.StatusNotFound, "Not Found"), true
	}
	return 0, false
}
