package github

import (
	"context"
	"fmt"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// maxCommentPages bounds the pages read of one pull request's comments or
// reviews (100 each): 10,000 is beyond any RFC's discussion.
const maxCommentPages = 100

// FetchComments reads the issue comments and reviews of a committee's pull
// requests (the RFCs in discussion or FCP: a sync catches what a missed
// webhook did not say), with the same conditional requests as Fetch: a
// discussion that did not move costs a 304 per page. It returns them by
// pull request; a failure GitHub caused says what went wrong in public
// words (PublicError).
func (s *Syncer) FetchComments(ctx context.Context, c *alesco.Committee, numbers []int) (map[int][]alesco.DiscussionComment, alesco.SyncResult, error) {
	out := map[int][]alesco.DiscussionComment{}
	res, err := s.session(ctx, c, "github comment sync", func(owner, repo string) error {
		if err := s.transport.begin(); err != nil {
			return err
		}
		for _, n := range numbers {
			cs, err := s.readDiscussion(ctx, c, owner, repo, n)
			if err != nil {
				return err
			}
			out[n] = cs
		}
		return nil
	})
	if err != nil {
		return nil, res, err
	}
	return out, res, nil
}

// readDiscussion pages through one pull request's issue comments, then its
// reviews.
func (s *Syncer) readDiscussion(ctx context.Context, c *alesco.Committee, owner, repo string, n int) ([]alesco.DiscussionComment, error) {
	var out []alesco.DiscussionComment
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for pages := 0; ; pages++ {
		if pages >= maxCommentPages {
			return nil, fmt.Errorf("more than %d pages of comments on #%d", maxCommentPages, n)
		}
		cs, resp, err := s.client.Issues.ListComments(ctx, owner, repo, n, opts)
		if err != nil {
			return nil, fmt.Errorf("list comments of #%d: %w", n, err)
		}
		for _, cm := range cs {
			out = append(out, CommentFromAPI(c, n, cm))
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	ropts := &gh.ListOptions{PerPage: 100}
	for pages := 0; ; pages++ {
		if pages >= maxCommentPages {
			return nil, fmt.Errorf("more than %d pages of reviews on #%d", maxCommentPages, n)
		}
		rs, resp, err := s.client.PullRequests.ListReviews(ctx, owner, repo, n, ropts)
		if err != nil {
			return nil, fmt.Errorf("list reviews of #%d: %w", n, err)
		}
		for _, r := range rs {
			if r.GetBody() != "" {
				out = append(out, ReviewFromAPI(c, n, r))
			}
		}
		if resp.NextPage == 0 {
			break
		}
		ropts.Page = resp.NextPage
	}
	return out, nil
}

// CommentFromAPI is an issue comment as the domain keeps it.
func CommentFromAPI(c *alesco.Committee, number int, cm *gh.IssueComment) alesco.DiscussionComment {
	return alesco.DiscussionComment{CommitteeID: c.ID, Number: number, ID: cm.GetID(), Author: cm.GetUser().GetLogin(),
		URL: cm.GetHTMLURL(), Body: cm.GetBody(), Created: cm.GetCreatedAt().Time.UTC(), Updated: cm.GetUpdatedAt().Time.UTC()}
}

// ReviewFromAPI is a pull-request review as the domain keeps it: a review
// has no update time of its own, so its submission stands for both.
func ReviewFromAPI(c *alesco.Committee, number int, r *gh.PullRequestReview) alesco.DiscussionComment {
	t := r.GetSubmittedAt().Time.UTC()
	return alesco.DiscussionComment{CommitteeID: c.ID, Number: number, ID: r.GetID(), Review: true, Author: r.GetUser().GetLogin(),
		URL: r.GetHTMLURL(), Body: r.GetBody(), Created: t, Updated: t}
}
