package github

import (
	"encoding/json"
	"time"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// fromAPI copies what the pull-request object says onto the stored row,
// keeping what only the store knows (entry times, RFC header, files).
func fromAPI(c *alesco.Committee, prev alesco.Proposal, pr *gh.PullRequest) alesco.Proposal {
	p := prev
	p.CommitteeID = c.ID
	p.Number = pr.GetNumber()
	p.Title = pr.GetTitle()
	p.URL = pr.GetHTMLURL()
	p.AuthorLogin = pr.GetUser().GetLogin()
	p.Open = pr.GetState() == "open"
	p.Draft = pr.GetDraft()
	p.Merged = pr.MergedAt != nil || pr.GetMerged()
	p.Labels = make([]string, 0, len(pr.Labels))
	for _, l := range pr.Labels {
		p.Labels = append(p.Labels, l.GetName())
	}
	p.Created = pr.GetCreatedAt().Time.UTC()
	p.Updated = pr.GetUpdatedAt().Time.UTC()
	p.Closed = pr.GetClosedAt().Time.UTC()
	p.MergedAt = pr.GetMergedAt().Time.UTC()
	p.HeadSHA = pr.GetHead().GetSHA()
	return p
}

// applyHeader copies a parsed RFC header onto the row.
func applyHeader(p *alesco.Proposal, h RFCHeader) {
	p.Authors = h.Authors
	p.RFCNumber = h.Number
	p.HeaderStatus = h.Status
	p.TrademarkApproval = h.TrademarkApproval
	p.Abstract = h.Abstract
}

// settle applies the committee's rules to a row whose facts are up to date:
// whether it is tracked, its lifecycle state, the board-input rule, and the
// times it entered discussion and FCP. before are the labels the pull
// request had before this observation (known false when that is unknown, as
// at the first sync); observed is when the labels were seen, or the time
// GitHub gave for a label event.
func settle(c *alesco.Committee, before []string, known bool, p alesco.Proposal, observed time.Time) alesco.Proposal {
	g := c.GitHub
	files := []string{}
	if p.RFCPath != "" {
		files = append(files, p.RFCPath)
	}
	p.Tracked = g.Tracks(files, p.Labels)
	p.State = g.Lifecycle(p.Open, p.Merged, p.Labels, p.HeaderStatus)
	p.NeedsBoardInput, p.BoardInputReason, p.BoardInputRecorded = g.BoardInput(p.Labels, p.TrademarkApproval)

	hasFCP, hasDisc := g.HasLabel(p.Labels, g.FCPLabel), g.HasLabel(p.Labels, g.DiscussionLabel)
	switch {
	case !hasFCP:
		p.FCPTime = time.Time{}
	case p.FCPTime.IsZero() && known && !g.HasLabel(before, g.FCPLabel):
		// Seen entering FCP; before the first sync the time is unknown.
		p.FCPTime = observed
	}
	switch {
	case !hasDisc && !hasFCP:
		p.DiscussionTime = time.Time{}
	case hasDisc && p.DiscussionTime.IsZero() && known && !g.HasLabel(before, g.DiscussionLabel):
		p.DiscussionTime = observed
	}
	if p.Authors == nil {
		p.Authors = []string{}
	}
	if p.Labels == nil {
		p.Labels = []string{}
	}
	return p
}

// samePull reports whether two rows hold the same data.
func samePull(a, b alesco.Proposal) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}
