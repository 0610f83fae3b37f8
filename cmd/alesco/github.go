package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
)

// githubWiring is what serve gets from the GitHub adapter.
type githubWiring struct {
	syncer     server.ProposalSyncer
	webhooks   http.Handler
	background func(ctx context.Context) // periodic reconciliation
}

// github wires the GitHub adapter. (RFC tracking issue: not yet built.)
func (m *Main) github(ctx context.Context, o serveOptions, cs *alesco.Committees, db *sqlite.DB, log *slog.Logger) (githubWiring, error) {
	return githubWiring{}, nil
}

func runProposals(ctx context.Context, m *Main, args []string) error {
	return errNotYet("proposals")
}
