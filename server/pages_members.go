package server

import (
	"context"
	"net/http"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/pages"
)

// proposals are a committee's tracked proposals in states (all when none)
// by state, with what the GitHub discussions of those in discussion or FCP
// say, and how the last sync with GitHub went.
func (h *pageHandler) proposalsOf(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]pages.ProposalGroup, pages.SyncInfo, error) {
	ps, ds, st, err := h.s.app.ListDiscussedProposals(ctx, committeeID, states...)
	if err != nil {
		return nil, pages.SyncInfo{}, err
	}
	groups := pages.GroupProposals(ps)
	for i := range groups {
		groups[i].Discussions = ds
	}
	return groups, pages.SyncInfo{LastSynced: st.LastSynced, Error: st.LastError}, nil
}

// member is a member's page: what awaits their vote (rfcbot's per-member
// queue), what they voted on in the GitHub discussions, the concerns they
// raised that are still open.
func (h *pageHandler) member(ctx context.Context, now time.Time, committeeID, memberID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	m, ok := c.Member(memberID)
	if !ok {
		return pageNotFound(c.ShortName + " has no member " + memberID + "."), nil
	}
	page := &pages.MemberPage{Layout: pages.Layout{Title: m.Name + " · " + c.ShortName, Committee: c, Section: "member", Now: now},
		Member: *m, Current: m.IsMemberOn(c.On)}
	page.Next, _ = h.nextMeeting(ctx, c.ID)
	ps, ds, st, err := h.s.app.ListDiscussedProposals(ctx, c.ID, alesco.ProposalFCP, alesco.ProposalDiscussion)
	if err != nil {
		page.Note = h.note(ctx, "proposals", err, "")
	} else {
		page.Queue(ps, ds)
		page.Sync = pages.SyncInfo{LastSynced: st.LastSynced, Error: st.LastError}
	}
	return pageResult{status: http.StatusOK, page: pages.PageMember, data: page, cacheable: true}, nil
}
