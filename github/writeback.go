package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// Writer delivers the outbox's GitHub effects with go-github: comments,
// labels and review requests on pull requests, and the minutes pull
// request to the wiki (Git data API). It implements the application's
// Deliverer. Every delivery first looks for what an earlier one did — a
// comment carrying the effect's marker, the labels already there, the
// reviewer already requested, the wiki branch and its pull request — so
// a delivery repeated after a crash changes nothing twice. It never
// merges or closes a pull request.
type Writer struct {
	client *gh.Client
	log    *slog.Logger
}

// WriterOptions configure a Writer.
type WriterOptions struct {
	// BaseURL of the REST API (DefaultBaseURL when empty).
	BaseURL string
	// Token must be allowed to write: issues and pull requests of the RFC
	// repository, contents and pull requests of the wiki repository.
	Token string
	// App authenticates as a GitHub App's installation instead of Token;
	// the installation needs the same permissions.
	App *App
	// Transport sends the requests (http.DefaultTransport when nil).
	Transport http.RoundTripper
	Logger    *slog.Logger
}

// NewWriter builds a Writer; writing needs a token.
func NewWriter(o WriterOptions) (*Writer, error) {
	if o.Token == "" && o.App == nil {
		return nil, errors.New("github: writing to GitHub needs a token (GITHUB_TOKEN) or a GitHub App (ALESCO_GITHUB_APP_ID)")
	}
	base, err := apiBase(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	auth, err := authenticated(o.Transport, o.App, base)
	if err != nil {
		return nil, err
	}
	opts := []gh.ClientOptionsFunc{gh.WithTransport(auth), gh.WithTimeout(60 * time.Second), gh.WithUserAgent("alesco")}
	if o.App == nil {
		opts = append(opts, gh.WithAuthToken(o.Token))
	}
	if base != DefaultBaseURL {
		opts = append(opts, gh.WithURLs(&base, &base))
	}
	client, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("github: client: %w", err)
	}
	return &Writer{client: client, log: o.Logger}, nil
}

// Kinds are the effects a Writer delivers.
var Kinds = []alesco.EffectKind{alesco.EffectComment, alesco.EffectLabels, alesco.EffectReview, alesco.EffectWiki}

// Deliver makes one effect happen unless it already has.
func (w *Writer) Deliver(ctx context.Context, it alesco.OutboxItem) (string, error) {
	var res string
	var err error
	switch {
	case it.Kind == alesco.EffectComment && it.Comment != nil:
		res, err = w.comment(ctx, it.Key, it.Comment)
	case it.Kind == alesco.EffectLabels && it.Labels != nil:
		res, err = w.labels(ctx, it.Labels)
	case it.Kind == alesco.EffectReview && it.Review != nil:
		res, err = w.review(ctx, it.Review)
	case it.Kind == alesco.EffectWiki && it.Wiki != nil:
		res, err = w.wiki(ctx, it.Wiki)
	default:
		return "", alesco.Errorf(alesco.EINVALID, "github: cannot deliver a %s effect", it.Kind)
	}
	return res, refused(err)
}

func splitRepo(full string) (string, string, error) {
	owner, repo, ok := strings.Cut(full, "/")
	if !ok || owner == "" || repo == "" {
		return "", "", alesco.Errorf(alesco.EINVALID, "bad GitHub repository %q: want owner/name", full)
	}
	return owner, repo, nil
}

// status is the HTTP status of a GitHub error (0 for none).
func status(err error) int {
	var e *gh.ErrorResponse
	if errors.As(err, &e) && e.Response != nil {
		return e.Response.StatusCode
	}
	return 0
}

// refused turns GitHub's refusals that retrying cannot fix into domain
// errors (alesco.PermanentFailure parks them at once): a repository or
// pull request that does not exist, a request GitHub calls invalid, a
// token without the right to write. Rate limits, 5xx and network errors
// stay as they are, to be retried.
func refused(err error) error {
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	if err == nil || errors.As(err, &rl) || errors.As(err, &abuse) {
		return err
	}
	var e *alesco.Error
	if errors.As(err, &e) {
		return err
	}
	if msg, ok := appRefusal(err); ok {
		return &refusal{err: err, domain: alesco.Errorf(alesco.EUNAUTHENTICATED, "%s", msg)}
	}
	var d *alesco.Error
	switch status(err) {
	case http.StatusNotFound, http.StatusGone:
		d = alesco.Errorf(alesco.ENOTFOUND, "GitHub: not found (%v)", err)
	case http.StatusUnprocessableEntity:
		d = alesco.Errorf(alesco.EINVALID, "GitHub refused the request (%v)", err)
	case http.StatusUnauthorized:
		d = alesco.Errorf(alesco.EUNAUTHENTICATED, "GitHub refused the token (%v): check GITHUB_TOKEN or the GitHub App installation", err)
	case http.StatusForbidden:
		d = alesco.Errorf(alesco.EFORBIDDEN, "GitHub refused the write (%v): the token needs write access", err)
	default:
		return err
	}
	return &refusal{err: err, domain: d}
}

// refusal is a GitHub error with the domain error it means.
type refusal struct {
	err    error
	domain *alesco.Error
}

func (r *refusal) Error() string   { return "github: " + r.domain.Message }
func (r *refusal) Unwrap() []error { return []error{r.err, r.domain} }

// comment creates the effect's comment, or edits the one an earlier
// delivery made (found by its marker) when its text changed.
func (w *Writer) comment(ctx context.Context, key string, e *alesco.CommentEffect) (string, error) {
	owner, repo, err := splitRepo(e.Repo)
	if err != nil {
		return "", err
	}
	marker := alesco.Marker(key)
	body := marker + "\n" + e.Body
	where := fmt.Sprintf("%s#%d", e.Repo, e.Number)
	existing, err := w.findComment(ctx, owner, repo, e.Number, marker)
	if err != nil {
		return "", err
	}
	if existing != nil {
		if existing.GetBody() == body {
			return fmt.Sprintf("comment %d on %s already says so", existing.GetID(), where), nil
		}
		c, _, err := w.client.Issues.EditComment(ctx, owner, repo, existing.GetID(), &gh.IssueComment{Body: &body})
		if err != nil {
			return "", fmt.Errorf("edit comment %d on %s: %w", existing.GetID(), where, err)
		}
		return fmt.Sprintf("edited comment %d on %s", c.GetID(), where), nil
	}
	c, _, err := w.client.Issues.CreateComment(ctx, owner, repo, e.Number, &gh.IssueComment{Body: &body})
	if err != nil {
		return "", fmt.Errorf("comment on %s: %w", where, err)
	}
	return fmt.Sprintf("created comment %d on %s", c.GetID(), where), nil
}

// findComment pages through a pull request's comments for the one that
// carries marker.
func (w *Writer) findComment(ctx context.Context, owner, repo string, number int, marker string) (*gh.IssueComment, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for pages := 0; pages < 100; pages++ {
		cs, resp, err := w.client.Issues.ListComments(ctx, owner, repo, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, number, err)
		}
		for _, c := range cs {
			if strings.Contains(c.GetBody(), marker) {
				return c, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
	return nil, fmt.Errorf("list comments of %s/%s#%d: more than 10,000", owner, repo, number)
}

// labels removes and adds what differs from the labels the pull request
// carries now (compared case-insensitively, as the lifecycle does).
func (w *Writer) labels(ctx context.Context, e *alesco.LabelsEffect) (string, error) {
	owner, repo, err := splitRepo(e.Repo)
	if err != nil {
		return "", err
	}
	where := fmt.Sprintf("%s#%d", e.Repo, e.Number)
	var have []string
	opts := &gh.ListOptions{PerPage: 100}
	for pages := 0; pages < 10; pages++ {
		ls, resp, err := w.client.Issues.ListLabelsByIssue(ctx, owner, repo, e.Number, opts)
		if err != nil {
			return "", fmt.Errorf("labels of %s: %w", where, err)
		}
		for _, l := range ls {
			have = append(have, l.GetName())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	carries := func(name string) (string, bool) {
		i := slices.IndexFunc(have, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), name) })
		if i < 0 {
			return "", false
		}
		return have[i], true
	}
	var did []string
	for _, name := range e.Remove {
		label, ok := carries(name)
		if !ok {
			continue
		}
		if _, err := w.client.Issues.RemoveLabelForIssue(ctx, owner, repo, e.Number, label); err != nil && status(err) != http.StatusNotFound {
			return "", fmt.Errorf("remove label %q from %s: %w", label, where, err)
		}
		did = append(did, "removed "+label)
	}
	var add []string
	for _, name := range e.Add {
		if _, ok := carries(name); !ok {
			add = append(add, name)
		}
	}
	if len(add) > 0 {
		if _, _, err := w.client.Issues.AddLabelsToIssue(ctx, owner, repo, e.Number, add); err != nil {
			return "", fmt.Errorf("add labels %q to %s: %w", add, where, err)
		}
		did = append(did, "added "+strings.Join(add, ", "))
	}
	if len(did) == 0 {
		return "labels of " + where + " already right", nil
	}
	return strings.Join(did, "; ") + " on " + where, nil
}

// review requests reviews from those not yet requested and who have not
// reviewed already.
func (w *Writer) review(ctx context.Context, e *alesco.ReviewEffect) (string, error) {
	owner, repo, err := splitRepo(e.Repo)
	if err != nil {
		return "", err
	}
	where := fmt.Sprintf("%s#%d", e.Repo, e.Number)
	done := map[string]bool{}
	rs, _, err := w.client.PullRequests.ListReviewers(ctx, owner, repo, e.Number)
	if err != nil {
		return "", fmt.Errorf("reviewers of %s: %w", where, err)
	}
	for _, u := range rs.Users {
		done[strings.ToLower(u.GetLogin())] = true
	}
	reviews, _, err := w.client.PullRequests.ListReviews(ctx, owner, repo, e.Number, &gh.ListOptions{PerPage: 100})
	if err != nil {
		return "", fmt.Errorf("reviews of %s: %w", where, err)
	}
	for _, r := range reviews {
		done[strings.ToLower(r.GetUser().GetLogin())] = true
	}
	var ask []string
	for _, u := range e.Reviewers {
		if !done[strings.ToLower(u)] {
			ask = append(ask, u)
		}
	}
	if len(ask) == 0 {
		return "review already requested on " + where, nil
	}
	if _, _, err := w.client.PullRequests.RequestReviewers(ctx, owner, repo, e.Number, gh.ReviewersRequest{Reviewers: ask}); err != nil {
		return "", fmt.Errorf("request review on %s: %w", where, err)
	}
	return "requested review from " + strings.Join(ask, ", ") + " on " + where, nil
}
