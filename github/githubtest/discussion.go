package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/almalinux/alesco/demo"
)

// This file is the discussion of a pull request as people write it:
// comments and reviews by other users, edited and deleted, listed as the
// REST API lists them and sent as the webhooks' payloads.

func userJSON(login string) map[string]any {
	if login == "" {
		return map[string]any{"login": BotLogin, "id": 4242, "type": "Bot"}
	}
	return map[string]any{"login": login, "id": 1000 + len(login), "type": "User"}
}

func (c *comment) public() Comment {
	author := c.Author
	if author == "" {
		author = BotLogin
	}
	return Comment{ID: c.ID, Body: c.Body, Edited: !c.Updated.Equal(c.Created), Author: author, HTMLURL: c.HTMLURL}
}

// issueComments lists an issue's comments (review false) or reviews.
func (s *Server) issueComments(key string, review bool) []*comment {
	var out []*comment
	for _, c := range s.comments[key] {
		if c.Review == review {
			out = append(out, c)
		}
	}
	return out
}

// AddCommentBy puts a comment by login on a pull request, now.
func (s *Server) AddCommentBy(repo string, number int, login, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.addComment(repo, number, body)
	c.Author = login
	return c.public()
}

// AddReview submits a review by login on a pull request, now.
func (s *Server) AddReview(repo string, number int, login, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.addComment(repo, number, body)
	c.Author, c.Review = login, true
	c.HTMLURL = fmt.Sprintf("https://github.com/%s/pull/%d#pullrequestreview-%d", repo, number, c.ID)
	return c.public()
}

// EditComment changes a comment's or review's text as its author does,
// one second after now.
func (s *Server) EditComment(repo string, id int64, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _ := s.findComment(repo, id)
	if c == nil {
		return Comment{}
	}
	c.Body, c.Updated = body, s.now().UTC().Truncate(time.Second).Add(time.Second)
	return c.public()
}

// DeleteComment deletes a comment as its author does.
func (s *Server) DeleteComment(repo string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, key := s.findComment(repo, id)
	if c == nil {
		return
	}
	list := s.comments[key]
	for i := range list {
		if list[i] == c {
			s.comments[key] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

func (s *Server) findComment(repo string, id int64) (*comment, string) {
	for key, list := range s.comments {
		for _, c := range list {
			if c.ID == id && c.Repo == repo {
				return c, key
			}
		}
	}
	return nil, ""
}

// listReviews answers GET /repos/{o}/{r}/pulls/{n}/reviews, paged.
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request, key string) int {
	return s.pagedComments(w, r, s.issueComments(key, true), s.reviewJSON)
}

// pagedComments answers a GET of comments or reviews one page at a time,
// with GitHub's page/per_page parameters and its Link header to the next.
func (s *Server) pagedComments(w http.ResponseWriter, r *http.Request, list []*comment, render func(*comment) map[string]any) int {
	page, per, status := pageOf(w, r.URL.Query())
	if status != 0 {
		return status
	}
	from, to := min((page-1)*per, len(list)), min(page*per, len(list))
	if to < len(list) {
		next := *r.URL
		q := next.Query()
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, s.URL, next.RequestURI()))
	}
	out := []map[string]any{}
	for _, c := range list[from:to] {
		out = append(out, render(c))
	}
	return listReply(w, r, out)
}

// listReply answers a list with its ETag, and 304 to a request that
// already has it, as GitHub does.
func listReply(w http.ResponseWriter, r *http.Request, v any) int {
	b, _ := json.MarshalIndent(v, "", "  ")
	tag := demo.ETag(b)
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	return http.StatusOK
}

func (s *Server) reviewJSON(c *comment) map[string]any {
	return map[string]any{
		"id": c.ID, "node_id": fmt.Sprintf("PRR_%d", c.ID), "user": userJSON(c.Author), "body": c.Body,
		"state": "COMMENTED", "html_url": c.HTMLURL, "submitted_at": c.Created.UTC().Format(time.RFC3339),
		"pull_request_url": fmt.Sprintf("%s/repos/%s/pulls/%s", s.URL, c.Repo, c.RepoIssue[len(c.Repo)+1:]),
		"commit_id":        "0000000000000000000000000000000000000000", "author_association": "MEMBER",
	}
}

// CommentEvent is the payload of an issue_comment webhook (action
// created, edited or deleted) about a comment on a pull request, as GitHub
// sends it; a deleted comment is sent as it was.
func (s *Server) CommentEvent(repo string, number int, c Comment, action string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	cm, _ := s.findComment(repo, c.ID)
	if cm == nil {
		now := s.now().UTC().Truncate(time.Second)
		cm = &comment{ID: c.ID, Body: c.Body, Created: now, Updated: now, Repo: repo, Author: c.Author, HTMLURL: c.HTMLURL,
			IssueURL: fmt.Sprintf("%s/repos/%s/issues/%d", s.URL, repo, number)}
	}
	issue := map[string]any{"number": number, "title": fmt.Sprintf("PR %d", number), "state": "open",
		"html_url":     fmt.Sprintf("https://github.com/%s/pull/%d", repo, number),
		"pull_request": map[string]any{"url": fmt.Sprintf("%s/repos/%s/pulls/%d", s.URL, repo, number)}}
	b, _ := json.Marshal(map[string]any{"action": action, "issue": issue, "comment": s.commentJSON(cm),
		"repository": map[string]any{"full_name": repo, "name": repo}, "sender": userJSON(cm.Author)})
	return b
}

// ReviewEvent is the payload of a pull_request_review webhook (action
// submitted or edited).
func (s *Server) ReviewEvent(repo string, number int, c Comment, action string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	cm, _ := s.findComment(repo, c.ID)
	if cm == nil {
		return nil
	}
	b, _ := json.Marshal(map[string]any{"action": action, "review": s.reviewJSON(cm),
		"pull_request": map[string]any{"number": number, "state": "open"},
		"repository":   map[string]any{"full_name": repo, "name": repo}, "sender": userJSON(cm.Author)})
	return b
}
