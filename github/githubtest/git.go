package githubtest

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
)

// repo is a repository with Git data, as AddRepo sets it up. Blobs carry
// git's own SHA-1 (so a test can compare them with a real commit's
// "index abc..def" line); trees are kept flat (path -> blob) with a SHA of
// their own making.
type repo struct {
	name          string
	defaultBranch string
	refs          map[string]string // "heads/main" -> commit SHA
	blobs         map[string][]byte
	trees         map[string]map[string]string
	commits       map[string]*gitCommit
	pulls         []*pull
}

type gitCommit struct {
	SHA, Tree, Message string
	Parents            []string
}

type pull struct {
	Number                  int
	Title, Body, Head, Base string
	State                   string // open or closed
	Merged                  bool
}

// Commit is a commit as a test reads it: its message, parents and the
// files that differ from its first parent's tree.
type Commit struct {
	SHA     string
	Message string
	Parents []string
	Changed []string
}

// BlobSHA is git's SHA-1 of a blob with this content.
func BlobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// AddRepo creates a repository with one commit on its default branch
// holding files (path -> content).
func (s *Server) AddRepo(fullName, defaultBranch string, files map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &repo{name: fullName, defaultBranch: defaultBranch, refs: map[string]string{}, blobs: map[string][]byte{},
		trees: map[string]map[string]string{}, commits: map[string]*gitCommit{}}
	tree := map[string]string{}
	for p, c := range files {
		tree[p] = r.putBlob([]byte(c))
	}
	r.refs["heads/"+defaultBranch] = r.putCommit("Initial commit", r.putTree(tree), nil)
	s.repos[strings.ToLower(fullName)] = r
}

func (r *repo) putBlob(b []byte) string {
	sha := BlobSHA(b)
	r.blobs[sha] = b
	return sha
}

func (r *repo) putTree(t map[string]string) string {
	h := sha1.New()
	for _, p := range slices.Sorted(maps.Keys(t)) {
		fmt.Fprintf(h, "100644 %s\x00%s\n", p, t[p])
	}
	sha := hex.EncodeToString(h.Sum(nil))
	r.trees[sha] = t
	return sha
}

func (r *repo) putCommit(msg, tree string, parents []string) string {
	h := sha1.New()
	fmt.Fprintf(h, "tree %s\n%s\n%d\n%s", tree, strings.Join(parents, " "), len(r.commits), msg)
	sha := hex.EncodeToString(h.Sum(nil))
	r.commits[sha] = &gitCommit{SHA: sha, Tree: tree, Message: msg, Parents: parents}
	return sha
}

// resolve turns a branch name, "heads/x" or a commit SHA into a commit.
func (r *repo) resolve(ref string) (*gitCommit, bool) {
	if ref == "" {
		ref = r.defaultBranch
	}
	if sha, ok := r.refs["heads/"+strings.TrimPrefix(strings.TrimPrefix(ref, "refs/"), "heads/")]; ok {
		ref = sha
	}
	c, ok := r.commits[ref]
	return c, ok
}

func (s *Server) repo(fullName string) *repo { return s.repos[strings.ToLower(fullName)] }

// RepoFile returns a file of a repository added with AddRepo at a branch
// or commit.
func (s *Server) RepoFile(fullName, ref, file string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(fullName)
	c, ok := r.resolve(ref)
	if !ok {
		return "", false
	}
	sha, ok := r.trees[c.Tree][file]
	return string(r.blobs[sha]), ok
}

// Branch returns the commit a branch points at (false when no such branch).
func (s *Server) Branch(fullName, branch string) (Commit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repo(fullName)
	sha, ok := r.refs["heads/"+branch]
	if !ok {
		return Commit{}, false
	}
	c := r.commits[sha]
	out := Commit{SHA: c.SHA, Message: c.Message, Parents: slices.Clone(c.Parents)}
	var parent map[string]string
	if len(c.Parents) > 0 {
		parent = r.trees[r.commits[c.Parents[0]].Tree]
	}
	tree := r.trees[c.Tree]
	for _, p := range slices.Sorted(maps.Keys(tree)) {
		if parent[p] != tree[p] {
			out.Changed = append(out.Changed, p)
		}
	}
	return out, true
}

// answer serves the Git data, contents and pull-request endpoints of a
// repository added with AddRepo; parts are the path after /repos/{o}/{r}.
func (r *repo) answer(s *Server, w http.ResponseWriter, req *http.Request, parts []string, body []byte) (int, bool) {
	m := req.Method
	owner, name, _ := strings.Cut(r.name, "/")
	notFound := func() (int, bool) { return errorReply(w, http.StatusNotFound, "Not Found"), true }
	invalid := func(msg string) (int, bool) { return errorReply(w, http.StatusUnprocessableEntity, msg), true }
	refJSON := func(ref string) map[string]any {
		return map[string]any{"ref": "refs/" + ref, "node_id": "REF_" + ref, "url": s.URL + "/repos/" + r.name + "/git/refs/" + ref,
			"object": map[string]any{"sha": r.refs[ref], "type": "commit", "url": s.URL + "/repos/" + r.name + "/git/commits/" + r.refs[ref]}}
	}
	commitJSON := func(c *gitCommit) map[string]any {
		parents := []map[string]any{}
		for _, p := range c.Parents {
			parents = append(parents, map[string]any{"sha": p, "url": s.URL + "/repos/" + r.name + "/git/commits/" + p})
		}
		return map[string]any{"sha": c.SHA, "node_id": "C_" + c.SHA, "message": c.Message, "parents": parents,
			"url":  s.URL + "/repos/" + r.name + "/git/commits/" + c.SHA,
			"tree": map[string]any{"sha": c.Tree, "url": s.URL + "/repos/" + r.name + "/git/trees/" + c.Tree}}
	}
	switch {
	case len(parts) == 0 && m == http.MethodGet:
		return jsonReply(w, http.StatusOK, map[string]any{"id": 900000001, "name": name, "full_name": r.name, "private": false,
			"owner": map[string]any{"login": owner}, "default_branch": r.defaultBranch, "html_url": "https://github.com/" + r.name}), true
	case len(parts) >= 3 && parts[0] == "git" && parts[1] == "ref" && m == http.MethodGet:
		ref := strings.Join(parts[2:], "/")
		if _, ok := r.refs[ref]; !ok {
			return notFound()
		}
		return jsonReply(w, http.StatusOK, refJSON(ref)), true
	case len(parts) == 2 && parts[0] == "git" && parts[1] == "refs" && m == http.MethodPost:
		var in struct{ Ref, SHA string }
		if json.Unmarshal(body, &in) != nil || !strings.HasPrefix(in.Ref, "refs/") || strings.Count(in.Ref, "/") < 2 {
			return invalid("Reference name must start with 'refs/' and have at least two slashes.")
		}
		ref := strings.TrimPrefix(in.Ref, "refs/")
		if _, ok := r.refs[ref]; ok {
			return invalid("Reference already exists")
		}
		if _, ok := r.commits[in.SHA]; !ok {
			return invalid("Object does not exist")
		}
		r.refs[ref] = in.SHA
		return jsonReply(w, http.StatusCreated, refJSON(ref)), true
	case len(parts) >= 3 && parts[0] == "git" && parts[1] == "refs" && m == http.MethodPatch:
		ref := strings.Join(parts[2:], "/")
		var in struct {
			SHA   string
			Force bool
		}
		if json.Unmarshal(body, &in) != nil {
			return invalid("Invalid request.")
		}
		old, ok := r.refs[ref]
		if !ok {
			return invalid("Reference does not exist")
		}
		if _, ok := r.commits[in.SHA]; !ok {
			return invalid("Object does not exist")
		}
		if !in.Force && !r.descends(in.SHA, old) {
			return invalid("Update is not a fast forward")
		}
		r.refs[ref] = in.SHA
		return jsonReply(w, http.StatusOK, refJSON(ref)), true
	case len(parts) == 3 && parts[0] == "git" && parts[1] == "commits" && m == http.MethodGet:
		c, ok := r.commits[parts[2]]
		if !ok {
			return notFound()
		}
		return jsonReply(w, http.StatusOK, commitJSON(c)), true
	case len(parts) == 2 && parts[0] == "git" && parts[1] == "commits" && m == http.MethodPost:
		var in struct {
			Message, Tree string
			Parents       []string
		}
		if json.Unmarshal(body, &in) != nil || in.Message == "" {
			return invalid("Invalid request.\n\n\"message\" wasn't supplied.")
		}
		if _, ok := r.trees[in.Tree]; !ok {
			return invalid("Tree SHA does not exist")
		}
		for _, p := range in.Parents {
			if _, ok := r.commits[p]; !ok {
				return invalid("Parent SHA does not exist or is not a commit object")
			}
		}
		return jsonReply(w, http.StatusCreated, commitJSON(r.commits[r.putCommit(in.Message, in.Tree, in.Parents)])), true
	case len(parts) == 2 && parts[0] == "git" && parts[1] == "blobs" && m == http.MethodPost:
		var in struct{ Content, Encoding string }
		if json.Unmarshal(body, &in) != nil {
			return invalid("Invalid request.")
		}
		b := []byte(in.Content)
		if in.Encoding == "base64" {
			var err error
			if b, err = base64.StdEncoding.DecodeString(in.Content); err != nil {
				return invalid("Invalid base64 content")
			}
		}
		sha := r.putBlob(b)
		return jsonReply(w, http.StatusCreated, map[string]any{"sha": sha, "url": s.URL + "/repos/" + r.name + "/git/blobs/" + sha}), true
	case len(parts) == 2 && parts[0] == "git" && parts[1] == "trees" && m == http.MethodPost:
		var in struct {
			BaseTree string `json:"base_tree"`
			Tree     []struct {
				Path, Mode, Type string
				SHA              *string
				Content          *string
			}
		}
		if json.Unmarshal(body, &in) != nil {
			return invalid("Invalid request.")
		}
		t := map[string]string{}
		if in.BaseTree != "" {
			base, ok := r.trees[in.BaseTree]
			if !ok {
				return invalid("base_tree is not a valid tree oid")
			}
			t = maps.Clone(base)
		}
		for _, e := range in.Tree {
			if e.Type != "blob" || (e.Mode != "100644" && e.Mode != "100755") || e.Path == "" || path.Clean(e.Path) != e.Path {
				return invalid("Invalid tree info")
			}
			switch {
			case e.Content != nil:
				t[e.Path] = r.putBlob([]byte(*e.Content))
			case e.SHA != nil:
				if _, ok := r.blobs[*e.SHA]; !ok {
					return invalid("Invalid tree info")
				}
				t[e.Path] = *e.SHA
			default:
				delete(t, e.Path)
			}
		}
		sha := r.putTree(t)
		entries := []map[string]any{}
		for _, p := range slices.Sorted(maps.Keys(t)) {
			entries = append(entries, map[string]any{"path": p, "mode": "100644", "type": "blob", "sha": t[p], "size": len(r.blobs[t[p]])})
		}
		return jsonReply(w, http.StatusCreated, map[string]any{"sha": sha, "url": s.URL + "/repos/" + r.name + "/git/trees/" + sha,
			"tree": entries, "truncated": false}), true
	case len(parts) >= 2 && parts[0] == "contents" && m == http.MethodGet:
		file := strings.Join(parts[1:], "/")
		c, ok := r.resolve(req.URL.Query().Get("ref"))
		if !ok {
			return notFound()
		}
		sha, ok := r.trees[c.Tree][file]
		if !ok {
			return notFound()
		}
		enc := base64.StdEncoding.EncodeToString(r.blobs[sha])
		var wrapped strings.Builder // GitHub wraps base64 content at 60 characters
		for len(enc) > 60 {
			wrapped.WriteString(enc[:60] + "\n")
			enc = enc[60:]
		}
		wrapped.WriteString(enc + "\n")
		return jsonReply(w, http.StatusOK, map[string]any{"type": "file", "encoding": "base64", "size": len(r.blobs[sha]),
			"name": path.Base(file), "path": file, "content": wrapped.String(), "sha": sha,
			"url": s.URL + "/repos/" + r.name + "/contents/" + file}), true
	case len(parts) >= 1 && parts[0] == "pulls":
		return r.answerPulls(s, w, req, parts, body)
	}
	return 0, false
}

// descends reports whether commit sha has ancestor as an ancestor (or is it).
func (r *repo) descends(sha, ancestor string) bool {
	for seen := 0; sha != "" && seen < 10000; seen++ {
		if sha == ancestor {
			return true
		}
		c := r.commits[sha]
		if c == nil || len(c.Parents) == 0 {
			return false
		}
		sha = c.Parents[0]
	}
	return false
}
