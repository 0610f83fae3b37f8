package pages

import (
	"slices"

	"github.com/almalinux/alesco"
)

// MemberPage is one member's queue (rfcbot's): the RFCs in discussion or
// FCP awaiting their vote, those they voted on in the GitHub discussion,
// and the concerns they raised that are still open.
type MemberPage struct {
	Layout
	Member alesco.Member
	// Current: on the roster on the page's date; only a current member's
	// vote counts.
	Current  bool
	Awaiting []alesco.Proposal
	Voted    []MemberVote
	Concerns []MemberConcern
	Sync     SyncInfo
	Next     *Meeting
	Note     string
}

// MemberVote is a member's vote on an RFC, from its discussion.
type MemberVote struct {
	Proposal alesco.Proposal
	Vote     alesco.AsyncVote
}

// MemberConcern is an open concern a member raised on an RFC.
type MemberConcern struct {
	Proposal alesco.Proposal
	Concern  alesco.Concern
}

// Queue fills the page from the proposals and their discussions: those up
// for a vote (FCP) first, then those in discussion, by number.
func (p *MemberPage) Queue(ps []alesco.Proposal, ds map[int]alesco.Discussion) {
	open := slices.Clone(ps)
	slices.SortStableFunc(open, func(a, b alesco.Proposal) int {
		if (a.State == alesco.ProposalFCP) != (b.State == alesco.ProposalFCP) {
			if a.State == alesco.ProposalFCP {
				return -1
			}
			return 1
		}
		return a.Number - b.Number
	})
	for _, pr := range open {
		if !alesco.DiscussionOpen(pr) {
			continue
		}
		d := ds[pr.Number]
		if v, ok := d.Vote(p.Member.ID); ok {
			p.Voted = append(p.Voted, MemberVote{Proposal: pr, Vote: v})
		} else {
			p.Awaiting = append(p.Awaiting, pr)
		}
		for _, c := range d.OpenConcerns() {
			if c.MemberID == p.Member.ID {
				p.Concerns = append(p.Concerns, MemberConcern{Proposal: pr, Concern: c})
			}
		}
	}
}
