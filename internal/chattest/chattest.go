// Package chattest is a Mattermost incoming webhook for tests
// (https://developers.mattermost.com/integrate/webhooks/incoming/): it
// takes posts the way Mattermost does — JSON, or Slack's payload= form —
// answers 200 "ok", a 400 for a post without text and a 404 for an
// unknown hook, and records every post.
package chattest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Key is the hook's secret key.
const Key = "xxx-generatedkey-xxx"

// Post is one message the hook took.
type Post struct {
	Text     string
	Username string
	Channel  string
}

// Server is the webhook.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	posts   []Post
	failing int
}

// New starts a webhook until the test ends.
func New(t testing.TB) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// HookURL is the webhook's URL (ALESCO_MATTERMOST_WEBHOOK_URL).
func (s *Server) HookURL() string { return s.URL + "/hooks/" + Key }

// Posts returns the posts taken so far.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// SetFailing makes the hook answer every post with status (0: work).
func (s *Server) SetFailing(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = status
}

func mmError(w http.ResponseWriter, status int, id, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"id": id, "message": msg, "detailed_error": "", "request_id": "chattest", "status_code": status})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodPost {
		mmError(w, http.StatusMethodNotAllowed, "api.context.404.app_error", "Sorry, we could not find the page.")
		return
	}
	if r.URL.Path != "/hooks/"+Key {
		mmError(w, http.StatusNotFound, "web.incoming_webhook.invalid.app_error", "Invalid webhook.")
		return
	}
	if s.failing != 0 {
		mmError(w, s.failing, "app.failing", http.StatusText(s.failing))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		mmError(w, http.StatusBadRequest, "web.incoming_webhook.parse.app_error", "Unable to parse incoming data.")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var p struct {
		Text        string `json:"text"`
		Username    string `json:"username"`
		Channel     string `json:"channel"`
		Attachments []any  `json:"attachments"`
	}
	switch ct {
	case "application/json":
		err = json.Unmarshal(body, &p)
	case "", "application/x-www-form-urlencoded":
		// Slack compatibility: payload={...}
		raw, ok := strings.CutPrefix(string(body), "payload=")
		if !ok {
			err = fmt.Errorf("no payload")
		} else {
			err = json.Unmarshal([]byte(raw), &p)
		}
	default:
		err = fmt.Errorf("media type %s", ct)
	}
	if err != nil {
		mmError(w, http.StatusBadRequest, "web.incoming_webhook.parse.app_error", "Unable to parse incoming data: "+err.Error())
		return
	}
	if strings.TrimSpace(p.Text) == "" && len(p.Attachments) == 0 {
		mmError(w, http.StatusBadRequest, "web.incoming_webhook.text.app_error", "No text specified.")
		return
	}
	s.posts = append(s.posts, Post{Text: p.Text, Username: p.Username, Channel: p.Channel})
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok")
}
