package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// wiki publishes a meeting's minutes the way the wiki's maintainers do:
// one commit, on top of the base branch, adding the minutes file and the
// meeting's line at the top of the index, offered as a pull request from
// the effect's branch. It is built with the Git data API (blobs inside one
// tree, a commit, a ref) because the contents API makes one commit per
// file. Each delivery compares what is there first: the base branch
// already holding these minutes (the pull request was merged), the branch
// already holding this commit, an open pull request for the branch. An
// amendment rebuilds the commit on the current base and moves the same
// branch, so the same pull request shows it.
func (w *Writer) wiki(ctx context.Context, e *alesco.WikiEffect) (string, error) {
	owner, repo, err := splitRepo(e.Repo)
	if err != nil {
		return "", err
	}
	date, err := alesco.ParseDate(e.Date)
	if err != nil {
		return "", alesco.Errorf(alesco.EINVALID, "wiki effect without its meeting's date: %v", err)
	}
	t, err := w.wikiBase(ctx, owner, repo, e)
	if err != nil {
		return "", err
	}
	index, ok, err := w.file(ctx, owner, repo, e.Index, t.baseSHA)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", alesco.Errorf(alesco.ENOTFOUND, "the wiki has no index of minutes at %s on %s (check wiki.index)", e.Index, t.base)
	}
	newIndex, _ := alesco.InsertIndexLine(index, e.IndexLine, date)
	published, onBase, err := w.file(ctx, owner, repo, e.File, t.baseSHA)
	if err != nil {
		return "", err
	}
	if onBase && published == e.Content && newIndex == index {
		return fmt.Sprintf("%s already has these minutes on %s", e.Repo, t.base), nil
	}
	message, title := e.Message, e.Title
	if onBase {
		// The first pull request was merged; this one amends the file.
		message, title = updating(message), updating(title)
	}
	var did []string
	committed, err := w.wikiCommit(ctx, t, e, message, index, newIndex)
	if err != nil {
		return "", err
	}
	if committed != "" {
		did = append(did, committed)
	}
	return w.wikiPull(ctx, t, e, title, did)
}

// wikiTarget is where a wiki effect goes: the repository and its base
// branch, as it stands.
type wikiTarget struct {
	owner, repo, base, baseSHA, baseTree string
}

// wikiBase finds the base branch (the repository's default unless the
// effect names one) and its head commit.
func (w *Writer) wikiBase(ctx context.Context, owner, repo string, e *alesco.WikiEffect) (wikiTarget, error) {
	t := wikiTarget{owner: owner, repo: repo, base: e.Base}
	if t.base == "" {
		r, _, err := w.client.Repositories.Get(ctx, owner, repo)
		if err != nil {
			return t, fmt.Errorf("wiki repository %s: %w", e.Repo, err)
		}
		t.base = r.GetDefaultBranch()
	}
	ref, _, err := w.client.Git.GetRef(ctx, owner, repo, "heads/"+t.base)
	if err != nil {
		return t, fmt.Errorf("branch %s of %s: %w", t.base, e.Repo, err)
	}
	t.baseSHA = ref.GetObject().GetSHA()
	baseCommit, _, err := w.client.Git.GetCommit(ctx, owner, repo, t.baseSHA)
	if err != nil {
		return t, fmt.Errorf("commit %s of %s: %w", t.baseSHA, e.Repo, err)
	}
	t.baseTree = baseCommit.GetTree().GetSHA()
	return t, nil
}

// wikiCommit makes the effect's branch hold the one commit it asks for,
// unless it already does ("" then): what it did.
func (w *Writer) wikiCommit(ctx context.Context, t wikiTarget, e *alesco.WikiEffect, message, index, newIndex string) (string, error) {
	head, _, err := w.client.Git.GetRef(ctx, t.owner, t.repo, "heads/"+e.Branch)
	exists := err == nil
	if err != nil && status(err) != http.StatusNotFound {
		return "", fmt.Errorf("branch %s of %s: %w", e.Branch, e.Repo, err)
	}
	if exists {
		if current, err := w.holds(ctx, t.owner, t.repo, head.GetObject().GetSHA(), t.baseSHA, e, newIndex); err != nil || current {
			return "", err
		}
	}
	entries := []*gh.TreeEntry{{Path: gh.Ptr(e.File), Mode: gh.Ptr("100644"), Type: gh.Ptr("blob"), Content: gh.Ptr(e.Content)}}
	if newIndex != index {
		entries = append(entries, &gh.TreeEntry{Path: gh.Ptr(e.Index), Mode: gh.Ptr("100644"), Type: gh.Ptr("blob"), Content: gh.Ptr(newIndex)})
	}
	tree, _, err := w.client.Git.CreateTree(ctx, t.owner, t.repo, t.baseTree, entries)
	if err != nil {
		return "", fmt.Errorf("tree for %s: %w", e.File, err)
	}
	commit, _, err := w.client.Git.CreateCommit(ctx, t.owner, t.repo, gh.Commit{Message: gh.Ptr(message), Tree: &gh.Tree{SHA: tree.SHA},
		Parents: []*gh.Commit{{SHA: gh.Ptr(t.baseSHA)}}}, nil)
	if err != nil {
		return "", fmt.Errorf("commit for %s: %w", e.File, err)
	}
	if !exists {
		_, _, err = w.client.Git.CreateRef(ctx, t.owner, t.repo, gh.CreateRef{Ref: "refs/heads/" + e.Branch, SHA: commit.GetSHA()})
		exists = err == nil
		if err != nil && status(err) != http.StatusUnprocessableEntity { // 422: it appeared meanwhile
			return "", fmt.Errorf("branch %s of %s: %w", e.Branch, e.Repo, err)
		}
	}
	if !exists || head != nil {
		if _, _, err := w.client.Git.UpdateRef(ctx, t.owner, t.repo, "heads/"+e.Branch, gh.UpdateRef{SHA: commit.GetSHA(), Force: gh.Ptr(true)}); err != nil {
			return "", fmt.Errorf("branch %s of %s: %w", e.Branch, e.Repo, err)
		}
	}
	return "committed " + short(commit.GetSHA()) + " to " + e.Branch, nil
}

// wikiPull offers the branch as a pull request: the open one brought up
// to date, or a new one. did is what was done before; the answer says all.
func (w *Writer) wikiPull(ctx context.Context, t wikiTarget, e *alesco.WikiEffect, title string, did []string) (string, error) {
	owner, repo := t.owner, t.repo
	prs, _, err := w.client.PullRequests.List(ctx, owner, repo, &gh.PullRequestListOptions{State: "open", Head: owner + ":" + e.Branch, Base: t.base})
	if err != nil {
		return "", fmt.Errorf("pull requests of %s: %w", e.Branch, err)
	}
	if len(prs) > 0 {
		pr := prs[0]
		if pr.GetTitle() != title || pr.GetBody() != e.Body {
			if _, _, err := w.client.PullRequests.Edit(ctx, owner, repo, pr.GetNumber(), &gh.PullRequest{Title: gh.Ptr(title), Body: gh.Ptr(e.Body)}); err != nil {
				return "", fmt.Errorf("update pull request #%d of %s: %w", pr.GetNumber(), e.Repo, err)
			}
			did = append(did, fmt.Sprintf("updated pull request #%d", pr.GetNumber()))
		} else {
			did = append(did, fmt.Sprintf("pull request #%d is up to date", pr.GetNumber()))
		}
		return strings.Join(did, "; ") + " (" + pr.GetHTMLURL() + ")", nil
	}
	pr, _, err := w.client.PullRequests.Create(ctx, owner, repo, &gh.NewPullRequest{Title: gh.Ptr(title), Head: gh.Ptr(e.Branch), Base: gh.Ptr(t.base), Body: gh.Ptr(e.Body)})
	if err != nil {
		return "", fmt.Errorf("open pull request from %s on %s: %w", e.Branch, e.Repo, err)
	}
	did = append(did, fmt.Sprintf("opened pull request #%d", pr.GetNumber()))
	return strings.Join(did, "; ") + " (" + pr.GetHTMLURL() + ")", nil
}

// holds reports whether the branch's head is the one commit the effect
// asks for: made on the current base, with the minutes and the index as
// wanted.
func (w *Writer) holds(ctx context.Context, owner, repo, headSHA, baseSHA string, e *alesco.WikiEffect, index string) (bool, error) {
	c, _, err := w.client.Git.GetCommit(ctx, owner, repo, headSHA)
	if err != nil {
		return false, fmt.Errorf("commit %s of %s: %w", headSHA, e.Repo, err)
	}
	if len(c.Parents) != 1 || c.Parents[0].GetSHA() != baseSHA {
		return false, nil
	}
	for path, want := range map[string]string{e.File: e.Content, e.Index: index} {
		got, ok, err := w.file(ctx, owner, repo, path, headSHA)
		if err != nil || !ok || got != want {
			return false, err
		}
	}
	return true, nil
}

// file reads a file at a commit (ok false when there is none).
func (w *Writer) file(ctx context.Context, owner, repo, path, ref string) (content string, ok bool, err error) {
	fc, _, _, err := w.client.Repositories.GetContents(ctx, owner, repo, path, &gh.RepositoryContentGetOptions{Ref: ref})
	if status(err) == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s of %s/%s: %w", path, owner, repo, err)
	}
	if fc == nil {
		return "", false, alesco.Errorf(alesco.EINVALID, "%s of %s/%s is a directory, not a file", path, owner, repo)
	}
	content, err = fc.GetContent()
	if err != nil {
		return "", false, fmt.Errorf("decode %s of %s/%s: %w", path, owner, repo, err)
	}
	return content, true, nil
}

// updating turns "Add ..." into "Update ...".
func updating(s string) string {
	if rest, ok := strings.CutPrefix(s, "Add "); ok {
		return "Update " + rest
	}
	return s
}

func short(sha string) string { return sha[:min(len(sha), 7)] }
