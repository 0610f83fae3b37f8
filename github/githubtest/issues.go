package githubtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// comment is an issue comment as GitHub keeps it.
type comment struct {
	ID        int64
	Body      string
	Created   time.Time
	Updated   time.Time
	IssueURL  string
	HTMLURL   string
	RepoIssue string
	Repo      string
	Author    string // "" is the fake's own bot
	Review    bool   // a pull-request review, listed apart
}

// Comment is an issue comment as a test reads it.
type Comment struct {
	ID      int64
	Body    string
	Edited  bool   // updated after it was created
	Author  string // the login; BotLogin for alesco's
	HTMLURL string
}

// BotLogin is the login the fake's token acts as.
const BotLogin = "alesco-bot"

func (s *Server) commentJSON(c *comment) map[string]any {
	return map[string]any{
		"id": c.ID, "node_id": fmt.Sprintf("IC_%d", c.ID),
		"url":        fmt.Sprintf("%s/repos/%s/issues/comments/%d", s.URL, c.Repo, c.ID),
		"html_url":   c.HTMLURL,
		"issue_url":  c.IssueURL,
		"body":       c.Body,
		"user":       userJSON(c.Author),
		"created_at": c.Created.UTC().Format(time.RFC3339),
		"updated_at": c.Updated.UTC().Format(time.RFC3339),
	}
}

// Comments returns the comments on an issue or pull request ("owner/repo", number).
func (s *Server) Comments(repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments[fmt.Sprintf("%s#%d", repo, number)] {
		if !c.Review {
			out = append(out, c.public())
		}
	}
	return out
}

// AddComment puts a comment by someone else on an issue (a discussion the
// fake's readers page through).
func (s *Server) AddComment(repo string, number int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addComment(repo, number, body)
}

func (s *Server) addComment(repo string, number int, body string) *comment {
	s.nextID++
	key := fmt.Sprintf("%s#%d", repo, number)
	now := s.now().UTC().Truncate(time.Second)
	c := &comment{ID: s.nextID, Body: body, Created: now, Updated: now, RepoIssue: key, Repo: repo,
		IssueURL: fmt.Sprintf("%s/repos/%s/issues/%d", s.URL, repo, number),
		HTMLURL:  fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", repo, number, s.nextID)}
	s.comments[key] = append(s.comments[key], c)
	return c
}

// RequestedReviewers returns the reviewers requested on a pull request.
func (s *Server) RequestedReviewers(repo string, number int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reviews[fmt.Sprintf("%s#%d", repo, number)])
}

// Labels returns the labels a pull request of the recorded pages carries.
func (s *Server) Labels(number int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, prs, i := s.findPull(number)
	if i < 0 {
		return nil
	}
	return labelNames(prs[i])
}

func labelNames(pr map[string]any) []string {
	var out []string
	ls, _ := pr["labels"].([]any)
	for _, l := range ls {
		if m, ok := l.(map[string]any); ok {
			out = append(out, fmt.Sprint(m["name"]))
		}
	}
	return out
}

// UpdatePull changes a pull request of the recorded pages (labels, state,
// merged_at...) and stamps its updated_at with the fake's clock, as GitHub
// does on every change.
func (s *Server) UpdatePull(number int, fn func(pr map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, prs, i := s.findPull(number)
	if i < 0 {
		panic(fmt.Sprintf("githubtest: no pull request #%d in the recorded pages", number))
	}
	fn(prs[i])
	s.savePull(name, prs, i)
}

// findPull finds pull request number in the recorded pages: the page's
// file name, its decoded pull requests and the index (-1 when absent).
func (s *Server) findPull(number int) (string, []map[string]any, int) {
	for page := 1; ; page++ {
		name := fmt.Sprintf("pulls-page-%d.json", page)
		body, ok := s.api.Files[name]
		if !ok {
			return "", nil, -1
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var prs []map[string]any
		if err := dec.Decode(&prs); err != nil {
			panic(fmt.Sprintf("githubtest: %s: %v", name, err))
		}
		for i, pr := range prs {
			if fmt.Sprint(pr["number"]) == strconv.Itoa(number) {
				return name, prs, i
			}
		}
	}
}

func (s *Server) savePull(name string, prs []map[string]any, i int) {
	prs[i]["updated_at"] = s.now().UTC().Format(time.RFC3339)
	b, err := json.MarshalIndent(prs, "", "  ")
	if err != nil {
		panic(err)
	}
	s.api.Files[name] = append(b, '\n')
}

// answerIssues serves the issue and review endpoints of any repository:
// parts are the path after /repos/{owner}/{repo}/.
func (s *Server) answerIssues(w http.ResponseWriter, r *http.Request, repo string, parts []string, body []byte) (int, bool) {
	switch {
	case len(parts) == 3 && parts[0] == "issues" && parts[2] == "comments":
		n, err := strconv.Atoi(parts[1])
		if err != nil {
			return errorReply(w, http.StatusNotFound, "Not Found"), true
		}
		key := fmt.Sprintf("%s#%d", repo, n)
		switch r.Method {
		case http.MethodGet:
			return s.pagedComments(w, r, s.issueComments(key, false), s.commentJSON), true
		case http.MethodPost:
			var in struct {
				Body *string `json:"body"`
			}
			if json.Unmarshal(body, &in) != nil || in.Body == nil {
				return errorReply(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"body\" wasn't supplied."), true
			}
			c := s.addComment(repo, n, *in.Body)
			w.Header().Set("Location", fmt.Sprintf("%s/repos/%s/issues/comments/%d", s.URL, repo, c.ID))
			return jsonReply(w, http.StatusCreated, s.commentJSON(c)), true
		}
	case len(parts) == 3 && parts[0] == "issues" && parts[1] == "comments" && r.Method == http.MethodPatch:
		id, _ := strconv.ParseInt(parts[2], 10, 64)
		for key, list := range s.comments {
			if !strings.HasPrefix(key, repo+"#") {
				continue
			}
			for _, c := range list {
				if c.ID != id || c.Review {
					continue
				}
				var in struct {
					Body *string `json:"body"`
				}
				if json.Unmarshal(body, &in) != nil || in.Body == nil {
					return errorReply(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"body\" wasn't supplied."), true
				}
				c.Body, c.Updated = *in.Body, s.now().UTC().Truncate(time.Second).Add(time.Second)
				return jsonReply(w, http.StatusOK, s.commentJSON(c)), true
			}
		}
		return errorReply(w, http.StatusNotFound, "Not Found"), true
	case len(parts) >= 3 && parts[0] == "issues" && parts[2] == "labels":
		n, _ := strconv.Atoi(parts[1])
		name, prs, i := s.findPull(n)
		if i < 0 {
			return errorReply(w, http.StatusNotFound, "Not Found"), true
		}
		labels, _ := prs[i]["labels"].([]any)
		reply := func(status int) int {
			out := []any{}
			out = append(out, labels...)
			return jsonReply(w, status, out)
		}
		switch {
		case len(parts) == 3 && r.Method == http.MethodGet:
			return reply(http.StatusOK), true
		case len(parts) == 3 && r.Method == http.MethodPost:
			// GitHub takes {"labels": [...]} or a bare array of names.
			var in struct {
				Labels []string `json:"labels"`
			}
			if err := json.Unmarshal(body, &in.Labels); err != nil {
				err = json.Unmarshal(body, &in)
				if err != nil {
					in.Labels = nil
				}
			}
			if len(in.Labels) == 0 {
				return errorReply(w, http.StatusUnprocessableEntity, "Invalid request.\n\nNo labels given."), true
			}
			for _, l := range in.Labels {
				if !slices.ContainsFunc(labelNames(prs[i]), func(have string) bool { return strings.EqualFold(have, l) }) {
					s.nextID++
					labels = append(labels, map[string]any{"id": s.nextID, "node_id": fmt.Sprintf("LA_%d", s.nextID),
						"url": s.URL + "/repos/" + repo + "/labels/" + url.PathEscape(l), "name": l, "color": "ededed", "default": false})
					prs[i]["labels"] = labels
				}
			}
			s.savePull(name, prs, i)
			return reply(http.StatusOK), true
		case len(parts) == 4 && r.Method == http.MethodDelete:
			label, _ := url.PathUnescape(parts[3])
			kept := []any{}
			for _, l := range labels {
				if m, ok := l.(map[string]any); ok && strings.EqualFold(fmt.Sprint(m["name"]), label) {
					continue
				}
				kept = append(kept, l)
			}
			if len(kept) == len(labels) {
				return errorReply(w, http.StatusNotFound, "Label does not exist"), true
			}
			labels = kept
			prs[i]["labels"] = labels
			s.savePull(name, prs, i)
			return reply(http.StatusOK), true
		}
	case len(parts) == 3 && parts[0] == "pulls" && parts[2] == "requested_reviewers":
		key := repo + "#" + parts[1]
		switch r.Method {
		case http.MethodGet:
			users := []map[string]any{}
			for _, u := range s.reviews[key] {
				users = append(users, map[string]any{"login": u, "type": "User"})
			}
			return jsonReply(w, http.StatusOK, map[string]any{"users": users, "teams": []any{}}), true
		case http.MethodPost:
			var in struct {
				Reviewers []string `json:"reviewers"`
			}
			if err := json.Unmarshal(body, &in); err != nil || len(in.Reviewers) == 0 {
				return errorReply(w, http.StatusUnprocessableEntity, "Invalid request.\n\nNo reviewers given."), true
			}
			for _, u := range in.Reviewers {
				if !slices.Contains(s.reviews[key], u) {
					s.reviews[key] = append(s.reviews[key], u)
				}
			}
			n, _ := strconv.Atoi(parts[1])
			pr := map[string]any{"number": n}
			if _, prs, i := s.findPull(n); i >= 0 {
				pr = prs[i]
			}
			return jsonReply(w, http.StatusCreated, pr), true
		}
	case len(parts) == 3 && parts[0] == "pulls" && parts[2] == "reviews" && r.Method == http.MethodGet:
		return s.listReviews(w, r, repo+"#"+parts[1]), true
	}
	return 0, false
}

// pageOf reads GitHub's page and per_page parameters (per_page at most 100).
func pageOf(w http.ResponseWriter, q url.Values) (page, per, status int) {
	page, per = 1, 30
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return 0, 0, errorReply(w, http.StatusBadRequest, "bad page")
		}
		page = n
	}
	if p := q.Get("per_page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return 0, 0, errorReply(w, http.StatusBadRequest, "bad per_page")
		}
		per = min(n, 100)
	}
	return page, per, 0
}
