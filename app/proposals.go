package app

import (
	"context"

	"github.com/almalinux/alesco"
)

// ListProposals returns a committee's tracked proposals in the given states
// (all when none), newest first, with how the last sync went, so a page can
// say how fresh they are.
func (a *App) ListProposals(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, alesco.SyncState, error) {
	c, err := a.Committee(committeeID)
	if err != nil {
		return nil, alesco.SyncState{}, err
	}
	var ps []alesco.Proposal
	var st alesco.SyncState
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		if ps, err = tx.Proposals(c.ID, states...); err != nil {
			return err
		}
		st, err = tx.SyncState(c.ID)
		return err
	})
	return ps, st, err
}

// GetProposal returns one proposal by pull-request number.
func (a *App) GetProposal(ctx context.Context, committeeID string, number int) (alesco.Proposal, error) {
	c, err := a.Committee(committeeID)
	if err != nil {
		return alesco.Proposal{}, err
	}
	if number <= 0 {
		return alesco.Proposal{}, alesco.Errorf(alesco.EINVALID, "number must be a pull-request number, got %d", number)
	}
	var p alesco.Proposal
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		p, err = tx.Proposal(c.ID, number)
		return err
	})
	return p, err
}

// SyncProposals reconciles a committee's proposals with GitHub now.
func (a *App) SyncProposals(ctx context.Context, committeeID string) (alesco.SyncResult, error) {
	c, err := a.Committee(committeeID)
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
	c, err := a.Committee(committeeID)
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
