package app

import (
	"context"
	"regexp"

	"github.com/almalinux/alesco"
)

// ListProposals returns a committee's tracked proposals in the given states
// (all when none), newest first, with how the last sync went, so a page can
// say how fresh they are.
func (a *App) ListProposals(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, alesco.SyncState, error) {
	var ps []alesco.Proposal
	var st alesco.SyncState
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return err
		}
		if ps, err = tx.Proposals(c.ID, states...); err != nil {
			return err
		}
		st, err = tx.SyncState(c.ID)
		return err
	})
	st.LastError = redactAddresses(st.LastError)
	return ps, st, err
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
	if number <= 0 {
		return alesco.Proposal{}, alesco.Errorf(alesco.EINVALID, "number must be a pull-request number, got %d", number)
	}
	var p alesco.Proposal
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return err
		}
		p, err = tx.Proposal(c.ID, number)
		return err
	})
	return p, err
}

// SyncProposals reconciles a committee's proposals with GitHub now.
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
	return a.syncer.Sync(ctx, c)
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
