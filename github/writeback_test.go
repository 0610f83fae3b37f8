package github_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
)

func newWriter(t *testing.T) (*github.Writer, *githubtest.Server) {
	t.Helper()
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	w, err := github.NewWriter(github.WriterOptions{BaseURL: fake.BaseURL(), Token: "ghp_test", Transport: fake.Client().Transport,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return w, fake
}

func deliver(t *testing.T, w *github.Writer, e alesco.Effect) string {
	t.Helper()
	res, err := w.Deliver(context.Background(), alesco.OutboxItem{ID: 1, Effect: e, Revision: 1})
	if err != nil {
		t.Fatalf("deliver %s: %v", e.Key, err)
	}
	return res
}

func writes(fake *githubtest.Server) []string {
	var out []string
	for _, r := range fake.Writes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func TestWriterNeedsAToken(t *testing.T) {
	if _, err := github.NewWriter(github.WriterOptions{}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Fatalf("writer without a token: %v", err)
	}
}

// TestWriterComment: one comment per key, found again by its marker among
// many (over several pages), edited in place when its text changes.
func TestWriterComment(t *testing.T) {
	w, fake := newWriter(t)
	for i := range 150 {
		fake.AddComment("AlmaLinux/ALESCo", 17, fmt.Sprintf("comment %d by someone", i))
	}
	e := alesco.Effect{Key: "github:outcome:" + alescotest.DecisionMeeting + ":17", Kind: alesco.EffectComment,
		Comment: &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Accepted."}}
	if res := deliver(t, w, e); !strings.HasPrefix(res, "created comment ") {
		t.Fatalf("first delivery: %s", res)
	}
	// Delivered again, as after a crash before the outbox recorded it.
	if res := deliver(t, w, e); !strings.Contains(res, "already says so") {
		t.Fatalf("second delivery: %s", res)
	}
	e.Comment = &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Accepted (minutes amended)."}
	if res := deliver(t, w, e); !strings.HasPrefix(res, "edited comment ") {
		t.Fatalf("amended delivery: %s", res)
	}
	var ours []githubtest.Comment
	for _, c := range fake.Comments("AlmaLinux/ALESCo", 17) {
		if strings.Contains(c.Body, "<!-- alesco:github:outcome:"+alescotest.DecisionMeeting+":17 -->") {
			ours = append(ours, c)
		}
	}
	if len(ours) != 1 || !ours[0].Edited || ours[0].Body != "<!-- alesco:github:outcome:"+alescotest.DecisionMeeting+":17 -->\nAccepted (minutes amended)." {
		t.Fatalf("comments: %+v", ours)
	}
	if got := writes(fake); len(got) != 2 || !strings.HasPrefix(got[0], "POST /repos/AlmaLinux/ALESCo/issues/17/comments") ||
		!strings.HasPrefix(got[1], "PATCH /repos/AlmaLinux/ALESCo/issues/comments/") {
		t.Fatalf("writes: %q", got)
	}
}

// TestWriterLabels: the FCP label goes, the rejected label comes, and the
// pull request's pages show it; delivering again writes nothing.
func TestWriterLabels(t *testing.T) {
	w, fake := newWriter(t)
	e := alesco.Effect{Key: "github:labels:" + alescotest.DecisionMeeting + ":18", Kind: alesco.EffectLabels,
		Labels: &alesco.LabelsEffect{Repo: "AlmaLinux/ALESCo", Number: 18, Remove: []string{"vote at next meeting"}, Add: []string{"rejected"}}}
	if res := deliver(t, w, e); res != "removed Vote at next meeting; added rejected on AlmaLinux/ALESCo#18" {
		t.Fatalf("delivery: %s", res)
	}
	if got := fake.Labels(18); !slices.Equal(got, []string{"board input required", "rejected"}) {
		t.Fatalf("labels of #18: %q", got)
	}
	n := len(fake.Writes())
	if res := deliver(t, w, e); !strings.Contains(res, "already right") || len(fake.Writes()) != n {
		t.Fatalf("second delivery: %s, %d writes", res, len(fake.Writes())-n)
	}
}

func TestWriterReview(t *testing.T) {
	w, fake := newWriter(t)
	e := alesco.Effect{Key: "github:review:alesco:18", Kind: alesco.EffectReview,
		Review: &alesco.ReviewEffect{Repo: "AlmaLinux/ALESCo", Number: 18, Reviewers: []string{"bennyvasquez"}}}
	if res := deliver(t, w, e); res != "requested review from bennyvasquez on AlmaLinux/ALESCo#18" {
		t.Fatalf("delivery: %s", res)
	}
	if res := deliver(t, w, e); !strings.Contains(res, "already requested") {
		t.Fatalf("second delivery: %s", res)
	}
	if got := fake.RequestedReviewers("AlmaLinux/ALESCo", 18); !slices.Equal(got, []string{"bennyvasquez"}) || len(fake.Writes()) != 1 {
		t.Fatalf("reviewers %q after %d writes", got, len(fake.Writes()))
	}
}

// wikiFiles are the wiki as it was before the commit that published
// 2026-07-30 (its index without that line), and the minutes of that day.
func wikiFiles(t *testing.T) (before, after, minutes string) {
	t.Helper()
	idx, err := os.ReadFile(alescotest.Path("testdata/wiki/meeting-minutes.md"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(alescotest.Path("demo/minutes/2026-07-30.md"))
	if err != nil {
		t.Fatal(err)
	}
	after = string(idx)
	before = strings.Replace(after, "- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)\n", "", 1)
	return before, after, string(md)
}

// TestWriterWiki publishes 2026-07-30 as the wiki's maintainers did: the
// real commit (testdata/wiki/index-commit-2026-07-30.diff) took the index
// from blob 0b0019f to blob 62f77f3, adding one line; alesco's commit does
// exactly that, with the minutes file, in one commit on its own branch,
// offered as one pull request. Delivered again it changes nothing; an
// amendment moves the same branch under the same pull request; after the
// merge, a later amendment opens a new pull request that updates the file.
func TestWriterWiki(t *testing.T) {
	w, fake := newWriter(t)
	before, after, minutes := wikiFiles(t)
	if sha := githubtest.BlobSHA([]byte(before)); !strings.HasPrefix(sha, "0b0019f") {
		t.Fatalf("the index before the commit is blob %s, the diff says 0b0019f", sha)
	}
	fake.AddRepo("AlmaLinux/wiki", "master", map[string]string{"docs/alesco/meeting-minutes.md": before, "docs/index.md": "# Wiki\n"})
	e := alesco.Effect{Key: "wiki:minutes:alesco-2026-07-30", Kind: alesco.EffectWiki, Wiki: &alesco.WikiEffect{
		Repo: "AlmaLinux/wiki", Branch: "alesco/minutes-alesco-2026-07-30", Date: "2026-07-30",
		File: "docs/alesco/meeting-minutes/2026-07-30.md", Content: minutes,
		Index: "docs/alesco/meeting-minutes.md", IndexLine: "- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)",
		Message: "Add ALESCo meeting minutes for July 30, 2026", Title: "Add ALESCo meeting minutes for July 30, 2026", Body: "Minutes."}}
	if res := deliver(t, w, e); !strings.Contains(res, "opened pull request #1") {
		t.Fatalf("delivery: %s", res)
	}
	master, _ := fake.Branch("AlmaLinux/wiki", "master")
	commit, ok := fake.Branch("AlmaLinux/wiki", "alesco/minutes-alesco-2026-07-30")
	if !ok || commit.Message != "Add ALESCo meeting minutes for July 30, 2026" || !slices.Equal(commit.Parents, []string{master.SHA}) ||
		!slices.Equal(commit.Changed, []string{"docs/alesco/meeting-minutes.md", "docs/alesco/meeting-minutes/2026-07-30.md"}) {
		t.Fatalf("commit: %+v (master %s)", commit, master.SHA)
	}
	idx, _ := fake.RepoFile("AlmaLinux/wiki", commit.SHA, "docs/alesco/meeting-minutes.md")
	if sha := githubtest.BlobSHA([]byte(idx)); !strings.HasPrefix(sha, "62f77f3") || idx != after {
		t.Fatalf("the index after the commit is blob %s, the diff says 62f77f3:\n%s", sha, idx)
	}
	if got, _ := fake.RepoFile("AlmaLinux/wiki", commit.SHA, "docs/alesco/meeting-minutes/2026-07-30.md"); got != minutes {
		t.Fatal("the minutes file differs from the minutes")
	}
	pulls := fake.Pulls("AlmaLinux/wiki")
	if len(pulls) != 1 || pulls[0].Head != "alesco/minutes-alesco-2026-07-30" || pulls[0].Base != "master" || pulls[0].State != "open" ||
		pulls[0].Title != "Add ALESCo meeting minutes for July 30, 2026" {
		t.Fatalf("pull requests: %+v", pulls)
	}

	n := len(fake.Writes())
	if res := deliver(t, w, e); !strings.Contains(res, "pull request #1 is up to date") || len(fake.Writes()) != n {
		t.Fatalf("second delivery: %s, %d more writes", res, len(fake.Writes())-n)
	}

	amended := *e.Wiki
	amended.Content = strings.Replace(minutes, "Andrew Lukoshko", "Andrew Lukoshko (chair)", 1)
	amended.Body = "Minutes.\n\nRevision 2, amended: chair named."
	e.Wiki = &amended
	if res := deliver(t, w, e); !strings.Contains(res, "updated pull request #1") {
		t.Fatalf("amended delivery: %s", res)
	}
	commit2, _ := fake.Branch("AlmaLinux/wiki", "alesco/minutes-alesco-2026-07-30")
	if commit2.SHA == commit.SHA || !slices.Equal(commit2.Parents, []string{master.SHA}) || len(commit2.Changed) != 2 {
		t.Fatalf("amended commit: %+v", commit2)
	}
	if pulls := fake.Pulls("AlmaLinux/wiki"); len(pulls) != 1 || pulls[0].Body != amended.Body {
		t.Fatalf("pull requests after the amendment: %+v", pulls)
	}

	fake.MergePull("AlmaLinux/wiki", 1)
	if res := deliver(t, w, e); !strings.Contains(res, "already has these minutes") {
		t.Fatalf("after the merge: %s", res)
	}
	third := amended
	third.Content = amended.Content + "\nA late correction.\n"
	e.Wiki = &third
	if res := deliver(t, w, e); !strings.Contains(res, "opened pull request #2") {
		t.Fatalf("amended after the merge: %s", res)
	}
	commit3, _ := fake.Branch("AlmaLinux/wiki", "alesco/minutes-alesco-2026-07-30")
	if commit3.Message != "Update ALESCo meeting minutes for July 30, 2026" || !slices.Equal(commit3.Changed, []string{"docs/alesco/meeting-minutes/2026-07-30.md"}) {
		t.Fatalf("commit after the merge: %+v", commit3)
	}
}

// TestWriterFailures: GitHub's 5xx are retried; a missing repository or a
// token without write access parks the effect (alesco.PermanentFailure).
func TestWriterFailures(t *testing.T) {
	w, fake := newWriter(t)
	e := alesco.Effect{Key: "github:outcome:x:17", Kind: alesco.EffectComment, Comment: &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "x"}}
	fake.SetFailing(http.StatusInternalServerError)
	_, err := w.Deliver(context.Background(), alesco.OutboxItem{Effect: e})
	if err == nil || alesco.PermanentFailure(err) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("500: %v (permanent %v)", err, alesco.PermanentFailure(err))
	}
	fake.SetFailing(http.StatusForbidden)
	_, err = w.Deliver(context.Background(), alesco.OutboxItem{Effect: e})
	if !alesco.PermanentFailure(err) || !strings.Contains(alesco.ErrorMessage(err), "needs write access") {
		t.Fatalf("403: %v", err)
	}
	fake.SetFailing(0)
	e.Wiki, e.Comment, e.Kind = &alesco.WikiEffect{Repo: "AlmaLinux/nowiki", Date: "2026-07-30", Branch: "b"}, nil, alesco.EffectWiki
	_, err = w.Deliver(context.Background(), alesco.OutboxItem{Effect: e})
	if alesco.ErrorCode(err) != alesco.ENOTFOUND {
		t.Fatalf("missing repository: %v", err)
	}
}
