package app

import (
	"context"
	"errors"
	"regexp"
	"strconv"

	"github.com/almalinux/alesco"
)

// ListProposals returns a committee's tracked proposals in the given states
// (all when none), newest first, with how the last sync went, so a page can
// say how fresh they are.
func (a *App) ListProposals(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, alesco.SyncState, error) {
	ps, _, st, err := a.ListDiscussedProposals(ctx, committeeID, states...)
	return ps, st, err
}

// ListDiscussedProposals is ListProposals with what the GitHub discussion
// of each RFC in discussion or FCP says (by number), from the same snapshot.
func (a *App) ListDiscussedProposals(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, map[int]alesco.Discussion, alesco.SyncState, error) {
	var ps []alesco.Proposal
	ds := map[int]alesco.Discussion{}
	var st alesco.SyncState
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return err
		}
		if ps, err = tx.Proposals(c.ID, states...); err != nil {
			return err
		}
		for _, p := range ps {
			if alesco.DiscussionOpen(p) {
				if ds[p.Number], err = discussionOf(tx, c, p.Number); err != nil {
					return err
				}
			}
		}
		st, err = tx.SyncState(c.ID)
		return err
	})
	st.LastError = redactAddresses(st.LastError)
	return ps, ds, st, err
}

// addressRE matches network addresses: IPv4 and IPv6 (bracketed, with
// "::", or in full), with or without a port, "host:port" pairs (a host
// name starts with a letter, so "15:04" is no address), and URLs (the
// GitHub API may be reached through an internal proxy).
var addressRE = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b` +
	`|\[[0-9A-Fa-f:.%]+\](?::\d+)?` +
	`|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4})*::[0-9A-Fa-f:.]*` +
	`|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){4,7}\b` +
	`|\b[A-Za-z][\w.-]*:\d{1,5}\b` +
	`|\bhttps?://[^\s"]+`)

// redactAddresses hides addresses in a stored sync error: the GitHub
// adapter stores words for the public, but a database written by an
// earlier release may hold Go's raw network errors (the resolver's
// address and port).
func redactAddresses(s string) string {
	return addressRE.ReplaceAllString(s, "[address]")
}

// GetProposal returns one proposal by pull-request number.
func (a *App) GetProposal(ctx context.Context, committeeID string, number int) (alesco.Proposal, error) {
	p, _, err := a.GetDiscussedProposal(ctx, committeeID, number)
	return p, err
}

// GetDiscussedProposal returns one proposal and what its GitHub discussion
// says, from one snapshot.
func (a *App) GetDiscussedProposal(ctx context.Context, committeeID string, number int) (alesco.Proposal, alesco.Discussion, error) {
	if number <= 0 {
		return alesco.Proposal{}, alesco.Discussion{}, alesco.Errorf(alesco.EINVALID, "number must be a pull-request number, got %d", number)
	}
	var p alesco.Proposal
	var d alesco.Discussion
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return err
		}
		if p, err = tx.Proposal(c.ID, number); err != nil {
			return err
		}
		d, err = discussionOf(tx, c, number)
		return err
	})
	return p, d, err
}

// SyncProposals reconciles a committee's proposals with GitHub now: the
// syncer reads what changed since the pull requests kept, and this stores
// it in one transaction with the sync's state and what the changes tell
// the world. A sync that GitHub made fail is recorded as such (the pages
// say when proposals were last synced, and why not since).
func (a *App) SyncProposals(ctx context.Context, committeeID string) (alesco.SyncResult, error) {
	c, err := a.Committee(ctx, committeeID)
	if err != nil {
		return alesco.SyncResult{}, err
	}
	if _, err := authorize(ctx, alesco.ActSyncProposals, c); err != nil {
		return alesco.SyncResult{}, err
	}
	if a.syncer == nil {
		return alesco.SyncResult{}, alesco.Errorf(alesco.EPRECONDITION, "GitHub sync is not configured")
	}
	var known map[int]alesco.Proposal
	var filesRead map[int]string
	if err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		known, filesRead, err = tx.PullRequests(c.ID)
		return err
	}); err != nil {
		return alesco.SyncResult{}, err
	}
	changed, res, fetchErr := a.syncer.Fetch(ctx, c, known, filesRead)
	var failed interface{ PublicError() string }
	failure := ""
	if fetchErr != nil {
		if !errors.As(fetchErr, &failed) {
			return alesco.SyncResult{}, fetchErr // nothing was asked of GitHub
		}
		changed, failure = nil, failed.PublicError()
	}
	numbers := make([]int, 0, len(changed))
	for _, p := range changed {
		numbers = append(numbers, p.Number)
	}
	detail := map[string]any{"changed": numbers, "requests": res.Requests, "not_modified": res.NotModified}
	if failure != "" {
		detail["error"] = failure
	}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		change := alesco.Change{Action: "proposals.sync", Subject: "committee/" + c.ID, Detail: detail}
		for _, p := range changed {
			if err := a.savePull(tx, p, filesRead[p.Number]); err != nil {
				return change, err
			}
		}
		return change, tx.SaveSyncAttempt(c.ID, failure)
	})
	if err != nil {
		return alesco.SyncResult{}, err
	}
	res.Changed, res.SyncedAt = len(changed), a.now()
	if fetchErr == nil {
		r, err := a.syncDiscussions(ctx, c)
		res.Requests, res.NotModified = res.Requests+r.Requests, res.NotModified+r.NotModified
		if err != nil {
			// The pull requests are stored; the discussions are read
			// again at the next sync.
			a.log.WarnContext(ctx, "discussion sync failed", "committee", c.ID, "err", err)
		}
	}
	return res, fetchErr
}

// ApplyDelivery applies one GitHub webhook delivery to a pull request: the
// github adapter has verified its signature and decoded it, and apply
// computes the pull request's next state from the stored one (found false
// when none is kept); write false leaves it. The delivery's id is
// recorded in the same transaction: a delivery applied before changes
// nothing (applied false, no audit row).
func (a *App) ApplyDelivery(ctx context.Context, deliveryID, committeeID, event, action string, number int,
	apply func(prev alesco.Proposal, found bool) (next alesco.Proposal, write bool)) (applied bool, err error) {
	if deliveryID == "" {
		return false, alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	}
	change := alesco.Change{Action: "proposals.webhook", Subject: "proposal/" + committeeID + "/" + strconv.Itoa(number),
		Detail: map[string]any{"delivery": deliveryID, "event": event, "action": action}}
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		recorded, err := tx.RecordDelivery(deliveryID, committeeID, event, action, number)
		if err != nil {
			return change, err
		}
		if !recorded {
			return change, alesco.ErrUnchanged
		}
		prev, filesRead, found, err := tx.PullRequest(committeeID, number)
		if err != nil {
			return change, err
		}
		if next, write := apply(prev, found); write {
			return change, a.savePull(tx, next, filesRead)
		}
		return change, nil
	})
	if errors.Is(err, alesco.ErrUnchanged) {
		return false, nil
	}
	return err == nil, err
}

// SyncState says how a committee's last reconciliation with GitHub went
// (for monitoring: the metrics read it when scraped).
func (a *App) SyncState(ctx context.Context, committeeID string) (alesco.SyncState, error) {
	c, err := a.Committees().Get(committeeID)
	if err != nil {
		return alesco.SyncState{}, err
	}
	var st alesco.SyncState
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		st, err = tx.SyncState(c.ID)
		return err
	})
	return st, err
}
