package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Pull is a pull request of a repository added with AddRepo.
type Pull struct {
	Number                  int
	Title, Body, Head, Base string
	State                   string
	Merged                  bool
}

// Pulls returns the pull requests of a repository added with AddRepo.
func (s *Server) Pulls(fullName string) []Pull {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Pull
	for _, p := range s.repo(fullName).pulls {
		out = append(out, Pull(*p))
	}
	return out
}

// MergePull merges an open pull request as a person would: the base
// branch moves to the head's commit and the pull request closes.
func (s *Server) MergePull(fullName string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(fullName)
	for _, p := range r.pulls {
		if p.Number == number && p.State == "open" {
			r.refs["heads/"+p.Base] = r.refs["heads/"+p.Head]
			p.State, p.Merged = "closed", true
		}
	}
}

func (s *Server) pullJSON(r *repo, p *pull) map[string]any {
	owner, _, _ := strings.Cut(r.name, "/")
	out := map[string]any{
		"id": 3000000000 + p.Number, "number": p.Number, "state": p.State, "title": p.Title, "body": p.Body,
		"html_url": fmt.Sprintf("https://github.com/%s/pull/%d", r.name, p.Number),
		"url":      fmt.Sprintf("%s/repos/%s/pulls/%d", s.URL, r.name, p.Number),
		"user":     map[string]any{"login": BotLogin, "type": "Bot"},
		"head":     map[string]any{"ref": p.Head, "label": owner + ":" + p.Head, "sha": r.refs["heads/"+p.Head]},
		"base":     map[string]any{"ref": p.Base, "label": owner + ":" + p.Base},
		"merged":   p.Merged, "merged_at": nil, "draft": false,
	}
	if p.Merged {
		out["merged_at"] = s.now().UTC().Format(time.RFC3339)
	}
	return out
}

// answerPulls serves the pull-request endpoints of a repository added
// with AddRepo: list (by state, head, base), create, get, edit.
func (r *repo) answerPulls(s *Server, w http.ResponseWriter, req *http.Request, parts []string, body []byte) (int, bool) {
	m := req.Method
	owner, _, _ := strings.Cut(r.name, "/")
	notFound := func() (int, bool) { return errorReply(w, http.StatusNotFound, "Not Found"), true }
	invalid := func(msg string) (int, bool) { return errorReply(w, http.StatusUnprocessableEntity, msg), true }
	switch {
	case len(parts) == 1 && parts[0] == "pulls" && m == http.MethodGet:
		q := req.URL.Query()
		state := q.Get("state")
		if state == "" {
			state = "open"
		}
		out := []map[string]any{}
		for _, p := range slices.Backward(r.pulls) {
			if (state != "all" && p.State != state) || (q.Get("head") != "" && q.Get("head") != owner+":"+p.Head) ||
				(q.Get("base") != "" && q.Get("base") != p.Base) {
				continue
			}
			out = append(out, s.pullJSON(r, p))
		}
		return jsonReply(w, http.StatusOK, out), true
	case len(parts) == 1 && parts[0] == "pulls" && m == http.MethodPost:
		var in struct{ Title, Head, Base, Body string }
		if json.Unmarshal(body, &in) != nil || in.Title == "" {
			return invalid("Validation Failed")
		}
		head := strings.TrimPrefix(in.Head, owner+":")
		if _, ok := r.refs["heads/"+head]; !ok {
			return invalid("Validation Failed: head invalid")
		}
		if _, ok := r.refs["heads/"+in.Base]; !ok {
			return invalid("Validation Failed: base invalid")
		}
		for _, p := range r.pulls {
			if p.Head == head && p.State == "open" {
				return invalid("Validation Failed: A pull request already exists for " + owner + ":" + head + ".")
			}
		}
		if r.refs["heads/"+head] == r.refs["heads/"+in.Base] {
			return invalid("Validation Failed: No commits between " + in.Base + " and " + head)
		}
		p := &pull{Number: len(r.pulls) + 1, Title: in.Title, Body: in.Body, Head: head, Base: in.Base, State: "open"}
		r.pulls = append(r.pulls, p)
		return jsonReply(w, http.StatusCreated, s.pullJSON(r, p)), true
	case len(parts) == 2 && parts[0] == "pulls" && (m == http.MethodPatch || m == http.MethodGet):
		n, _ := strconv.Atoi(parts[1])
		for _, p := range r.pulls {
			if p.Number != n {
				continue
			}
			if m == http.MethodPatch {
				var in struct{ Title, Body, State *string }
				if json.Unmarshal(body, &in) != nil {
					return invalid("Invalid request.")
				}
				if in.Title != nil {
					p.Title = *in.Title
				}
				if in.Body != nil {
					p.Body = *in.Body
				}
				if in.State != nil && !p.Merged {
					p.State = *in.State
				}
			}
			return jsonReply(w, http.StatusOK, s.pullJSON(r, p)), true
		}
		return notFound()
	}
	return 0, false
}
