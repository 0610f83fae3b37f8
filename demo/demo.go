// Package demo is the committee's public record kept in the repository:
// the real ALESCo minutes as the AlmaLinux wiki publishes them, and a
// snapshot of the RFC pull requests as GitHub's REST API answers for them.
// `alesco serve --demo` seeds a temporary database with it, offline, and
// the tests' fake GitHub (github/githubtest) serves the same snapshot, so
// there is one copy of each file.
//
// GitHub serves the snapshot as the REST API does: pages of pull requests
// with Link headers, changed files, file contents, ETags and 304s.
package demo

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed minutes/*.md github/*.json
var files embed.FS

// CommitteeID is the committee the record belongs to.
const CommitteeID = "alesco"

// File is one file of the record.
type File struct {
	Name string
	Data []byte
}

// Minutes returns the wiki's minutes files (YYYY-MM-DD.md), oldest first.
func Minutes() []File {
	return read("minutes")
}

// GitHubFiles returns the snapshot's files by name: pulls-page-N.json,
// pull-N-files.json, contents-N-FILE.json, webhook-labeled-16.json.
func GitHubFiles() map[string][]byte {
	out := map[string][]byte{}
	for _, f := range read("github") {
		out[f.Name] = f.Data
	}
	return out
}

func read(dir string) []File {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	var out []File
	for _, e := range entries {
		b, err := files.ReadFile(dir + "/" + e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, File{Name: e.Name(), Data: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// GitHub answers GitHub REST API requests from a set of recorded files
// (the snapshot unless changed). Answering only reads: it is safe for
// concurrent use while nobody changes Files (github/githubtest, which
// does, holds a lock).
type GitHub struct {
	// Files are the served bodies by file name.
	Files map[string][]byte
	// contents maps "path@ref" to the contents file serving it.
	contents map[string]string
}

var filesName = regexp.MustCompile(`^pull-(\d+)-files\.json$`)

// NewGitHub serves the snapshot.
func NewGitHub() (*GitHub, error) {
	g := &GitHub{Files: GitHubFiles(), contents: map[string]string{}}
	// Index contents by path and ref from each pull's files list.
	for name, body := range g.Files {
		m := filesName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		var list []struct {
			Filename    string `json:"filename"`
			ContentsURL string `json:"contents_url"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		for _, f := range list {
			u, err := url.Parse(f.ContentsURL)
			if err != nil {
				continue
			}
			g.contents[f.Filename+"@"+u.Query().Get("ref")] = "contents-" + m[1] + "-" + path.Base(f.Filename) + ".json"
		}
	}
	return g, nil
}

// ETag is the entity tag GitHub-like answers carry for a body.
func ETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:10]) + `"`
}

// Answer writes the API's answer to r and returns its status. base is the
// server's URL (scheme and host), for Link headers.
func (g *GitHub) Answer(w http.ResponseWriter, r *http.Request, base string) int {
	h := w.Header()
	if r.Method != http.MethodGet {
		http.Error(w, `{"message":"read-only snapshot"}`, http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	var name, link string
	switch {
	case len(parts) == 4 && parts[0] == "repos" && parts[3] == "pulls":
		page := 1
		if p := r.URL.Query().Get("page"); p != "" {
			var err error
			if page, err = strconv.Atoi(p); err != nil || page < 1 {
				http.Error(w, `{"message":"bad page"}`, http.StatusBadRequest)
				return http.StatusBadRequest
			}
		}
		name = fmt.Sprintf("pulls-page-%d.json", page)
		if _, ok := g.Files[fmt.Sprintf("pulls-page-%d.json", page+1)]; ok {
			next := *r.URL
			q := next.Query()
			q.Set("page", strconv.Itoa(page+1))
			next.RawQuery = q.Encode()
			link = fmt.Sprintf(`<%s%s>; rel="next"`, base, next.RequestURI())
		}
	case len(parts) == 6 && parts[0] == "repos" && ((parts[3] == "issues" && parts[5] == "comments") || (parts[3] == "pulls" && parts[5] == "reviews")):
		// The snapshot recorded no discussion: every RFC's is empty.
		name = "empty-list"
	case len(parts) == 6 && parts[0] == "repos" && parts[3] == "pulls" && parts[5] == "files":
		name = "pull-" + parts[4] + "-files.json"
	case len(parts) >= 5 && parts[0] == "repos" && parts[3] == "contents":
		name = g.contents[strings.Join(parts[4:], "/")+"@"+r.URL.Query().Get("ref")]
	}
	body, ok := g.Files[name]
	if name == "empty-list" {
		body, ok = []byte("[]\n"), true
	}
	if name == "" || !ok {
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		return http.StatusNotFound
	}
	tag := ETag(body)
	h.Set("ETag", tag)
	if link != "" {
		h.Set("Link", link)
	}
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return http.StatusOK
}

// BaseURL is the API URL to give the GitHub client with Transport: no
// request leaves the process, so the host is never resolved.
const BaseURL = "https://github.demo.invalid/"

// Transport answers requests in-process from the snapshot, without a
// socket: the demo's GitHub client uses it with BaseURL.
func Transport() (http.RoundTripper, error) {
	g, err := NewGitHub()
	if err != nil {
		return nil, err
	}
	return roundTripper{g}, nil
}

type roundTripper struct{ g *GitHub }

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	// A ResponseRecorder is the standard library's in-memory
	// ResponseWriter; the snapshot's answers are small.
	rec := httptest.NewRecorder()
	t.g.Answer(rec, r, r.URL.Scheme+"://"+r.URL.Host)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
