package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/notice"
)

// This file holds decisions between meetings: the comments and reviews of
// an RFC's GitHub discussion, from a webhook (ApplyComment) or a sync
// (syncDiscussions), kept as read; what they add up to is the domain's
// (alesco.Committee.Discussion), and the RFC's status comment is queued in
// the same transaction (alesco.Committee.StatusEffect).

// CommentSyncer reads the comments and reviews of pull requests (the
// github package's Syncer implements it): a sync reads them for the RFCs in
// discussion or FCP, so that a missed webhook is caught.
type CommentSyncer interface {
	FetchComments(ctx context.Context, c *alesco.Committee, numbers []int) (map[int][]alesco.DiscussionComment, alesco.SyncResult, error)
}

// ApplyComment applies one webhook delivery about a comment or review on a
// pull request: created or edited (the text replaces the one kept),
// deleted (deleted true: forgotten, its vote withdrawn). The delivery's id
// is recorded in the same transaction: one applied before changes nothing
// (applied false). A comment on a pull request that is no RFC in
// discussion or FCP is ignored and logged; so is an edit or a deletion
// after the minutes that decided the RFC are final (a new comment then is
// kept, acknowledged, and not counted).
func (a *App) ApplyComment(ctx context.Context, deliveryID, event, action string, cm alesco.DiscussionComment, deleted bool) (applied bool, err error) {
	if deliveryID == "" {
		return false, alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	}
	change := alesco.Change{Action: "discussion.webhook", Subject: "proposal/" + cm.CommitteeID + "/" + strconv.Itoa(cm.Number),
		Detail: map[string]any{"delivery": deliveryID, "event": event, "action": action, "comment": cm.ID}}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		recorded, err := tx.RecordDelivery(deliveryID, cm.CommitteeID, event, action, cm.Number)
		if err != nil {
			return change, err
		}
		if !recorded {
			return change, alesco.ErrUnchanged
		}
		c, err := a.committee(tx, cm.CommitteeID)
		if err != nil {
			return change, err
		}
		_, err = a.applyComment(ctx, tx, c, cm, deleted)
		return change, err
	})
	if errors.Is(err, alesco.ErrUnchanged) {
		return false, nil
	}
	return err == nil, err
}

// applyComment stores one comment's news in tx and queues the status
// comment when the discussion changed.
func (a *App) applyComment(ctx context.Context, tx alesco.Tx, c *alesco.Committee, cm alesco.DiscussionComment, deleted bool) (bool, error) {
	p, err := tx.Proposal(c.ID, cm.Number)
	if alesco.ErrorCode(err) == alesco.ENOTFOUND || (err == nil && !alesco.DiscussionOpen(p)) {
		a.log.InfoContext(ctx, "discussion: comment ignored: the pull request is no RFC in discussion or FCP",
			"committee", c.ID, "pull", cm.Number, "comment", cm.ID, "author", cm.Author)
		return false, nil
	} else if err != nil {
		return false, err
	}
	changed, err := a.keepComment(ctx, tx, c, cm, deleted)
	if err != nil || !changed {
		return false, err
	}
	// A deleted comment is no longer kept: its link says which vote it cast.
	link, _ := alesco.CleanURL("comment url", cm.URL)
	return true, a.discussionMoved(ctx, tx, c, p, cm.ID, []string{link})
}

// keepComment writes a comment's news: a deletion forgets it, a newer text
// replaces the one kept (an older one, arriving late, changes nothing).
// After the decision, only new comments are kept, marked late.
func (a *App) keepComment(ctx context.Context, tx alesco.Tx, c *alesco.Committee, cm alesco.DiscussionComment, deleted bool) (bool, error) {
	prev, found, err := tx.DiscussionComment(c.ID, cm.Review, cm.ID)
	if err != nil {
		return false, err
	}
	if found && !deleted && (cm.Updated.Before(prev.Updated) || (cm.Body == prev.Body && cm.Updated.Equal(prev.Updated))) {
		return false, nil
	}
	if !deleted && len(alesco.ParseCommands(cm.Body)) == 0 && !found {
		return false, nil // nothing to count, nothing to withdraw
	}
	decided, err := decided(tx, c.ID, cm.Number)
	if err != nil {
		return false, err
	}
	if decided && (found || deleted) {
		a.log.InfoContext(ctx, "discussion: change after the decision ignored", "committee", c.ID, "pull", cm.Number, "comment", cm.ID)
		return false, nil
	}
	if deleted {
		return tx.DeleteDiscussionComment(c.ID, cm.Review, cm.ID)
	}
	cm.CommitteeID, cm.Late = c.ID, decided
	if cm.URL, err = alesco.CleanURL("comment url", cm.URL); err != nil {
		a.log.InfoContext(ctx, "discussion: comment ignored: bad link", "pull", cm.Number, "comment", cm.ID, "err", err)
		return false, nil
	}
	if decided {
		a.log.InfoContext(ctx, "discussion: comment after the decision acknowledged, not counted", "committee", c.ID, "pull", cm.Number, "comment", cm.ID)
	}
	return true, tx.SaveDiscussionComment(cm)
}

// decided reports whether final minutes decided a proposal.
func decided(tx alesco.ReadTx, committeeID string, number int) (bool, error) {
	ms, err := tx.ListMinutes(committeeID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.DecidedBy(number) {
			return true, nil
		}
	}
	return false, nil
}

// discussionOf works out what a proposal's discussion says, in tx.
func discussionOf(tx alesco.ReadTx, c *alesco.Committee, number int) (alesco.Discussion, error) {
	cs, err := tx.DiscussionComments(c.ID, number)
	if err != nil {
		return alesco.Discussion{}, err
	}
	return c.Discussion(number, cs), nil
}

// discussionMoved follows an RFC's discussion that moved in tx (moved are
// the links of the comments that changed, deleted ones included): it logs
// what the comment that moved it (commentID, 0 for a sync) did not count,
// brings a motion open on the RFC up to date (followDiscussion) and
// queues the status comment.
func (a *App) discussionMoved(ctx context.Context, tx alesco.Tx, c *alesco.Committee, p alesco.Proposal, commentID int64, moved []string) error {
	cs, err := tx.DiscussionComments(c.ID, p.Number)
	if err != nil {
		return err
	}
	d := c.Discussion(p.Number, cs)
	mark := fmt.Sprintf("comment %d", commentID)
	for _, why := range d.Ignored {
		if strings.HasPrefix(why, mark+":") || strings.HasPrefix(why, mark+" ") {
			a.log.InfoContext(ctx, "discussion: "+why, "committee", c.ID, "pull", p.Number)
		}
	}
	if err := followDiscussion(tx, c, d, cs, moved); err != nil {
		return err
	}
	return a.queueStatus(tx, c, p, d)
}

// followDiscussion brings the motions open on the RFC in a meeting's draft
// minutes up to date with its discussion (alesco.Minutes.FollowDiscussion):
// a member who votes, changes or withdraws a vote on GitHub while the
// meeting votes is counted as they now stand.
func followDiscussion(tx alesco.Tx, c *alesco.Committee, d alesco.Discussion, cs []alesco.DiscussionComment, moved []string) error {
	links := map[string]bool{}
	for _, cm := range cs {
		links[cm.URL] = true
	}
	for _, u := range moved {
		links[u] = true
	}
	ms, err := tx.ListMinutes(c.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if len(m.FollowDiscussion(c, d, func(u string) bool { return links[u] }, tx.Now())) == 0 {
			continue
		}
		if err := tx.SaveMinutes(m); err != nil {
			return err
		}
	}
	return nil
}

// queueStatus queues the RFC's status comment (replacing a pending one:
// a burst of comments gives one edit per outbox round).
func (a *App) queueStatus(tx alesco.Tx, c *alesco.Committee, p alesco.Proposal, d alesco.Discussion) error {
	at := alesco.ProposalMoment{Now: tx.Now()}
	s, err := loadSchedule(tx, c)
	if err != nil {
		return err
	}
	if m, err := s.next(tx.Now()); err == nil {
		at.NextMeeting, at.MeetingPage = &m, a.meetingPage(c.ID, m.ID)
	}
	return enqueue(tx, c.StatusEffect(p, d, at, notice.Texts{}))
}

// syncDiscussions reads the discussions of a committee's RFCs in
// discussion or FCP and stores what changed, deletions included, one
// transaction for all.
func (a *App) syncDiscussions(ctx context.Context, c *alesco.Committee) (alesco.SyncResult, error) {
	cs, ok := a.syncer.(CommentSyncer)
	if !ok {
		return alesco.SyncResult{}, nil
	}
	var numbers []int
	if err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		ps, err := tx.Proposals(c.ID, alesco.ProposalDiscussion, alesco.ProposalFCP)
		for _, p := range ps {
			if alesco.DiscussionOpen(p) {
				numbers = append(numbers, p.Number)
			}
		}
		return err
	}); err != nil || len(numbers) == 0 {
		return alesco.SyncResult{}, err
	}
	read, res, err := cs.FetchComments(ctx, c, numbers)
	if err != nil {
		return res, err
	}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		var moved []int
		for _, n := range numbers {
			changed, err := a.syncDiscussion(ctx, tx, c, n, read[n])
			if err != nil {
				return alesco.Change{}, err
			}
			if changed {
				moved = append(moved, n)
			}
		}
		if len(moved) == 0 {
			return alesco.Change{}, alesco.ErrUnchanged
		}
		return alesco.Change{Action: "discussion.sync", Subject: "committee/" + c.ID, Detail: map[string]any{"changed": moved}}, nil
	})
	if errors.Is(err, alesco.ErrUnchanged) {
		err = nil
	}
	return res, err
}

// syncDiscussion stores one pull request's comments as read, forgets
// those GitHub no longer has, and queues the status comment once if
// anything moved.
func (a *App) syncDiscussion(ctx context.Context, tx alesco.Tx, c *alesco.Committee, n int, read []alesco.DiscussionComment) (bool, error) {
	p, err := tx.Proposal(c.ID, n)
	if err != nil || !alesco.DiscussionOpen(p) {
		return false, nil
	}
	kept, err := tx.DiscussionComments(c.ID, n)
	if err != nil {
		return false, err
	}
	seen := map[string]bool{}
	changed := false
	for _, cm := range read {
		seen[fmt.Sprint(cm.Review, cm.ID)] = true
		ch, err := a.keepComment(ctx, tx, c, cm, false)
		if err != nil {
			return false, err
		}
		changed = changed || ch
	}
	for _, cm := range kept {
		if seen[fmt.Sprint(cm.Review, cm.ID)] {
			continue
		}
		ch, err := a.keepComment(ctx, tx, c, cm, true)
		if err != nil {
			return false, err
		}
		changed = changed || ch
	}
	if !changed {
		return false, nil
	}
	var before []string // the comments kept before the sync, the deleted ones among them
	for _, cm := range kept {
		before = append(before, cm.URL)
	}
	return true, a.discussionMoved(ctx, tx, c, p, 0, before)
}

// addAsyncVotes puts the members' votes from the RFC's discussion into a
// motion just opened on it (alesco.Minutes.AddAsyncVotes).
func (e *edit) addAsyncVotes(mo *alesco.Motion) error {
	if mo.ProposalNumber <= 0 {
		return nil
	}
	d, err := discussionOf(e.tx, e.c, mo.ProposalNumber)
	if err != nil {
		return err
	}
	e.m.AddAsyncVotes(e.c, mo, d, e.tx.Now())
	return nil
}
