package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/demo"
)

// seedDemo fills a fresh store with the committee's public record kept in
// the repository, through the same use cases an operator calls: the wiki's
// minutes are imported and the proposals synced from the GitHub snapshot
// (the app's syncer is wired to it).
func (m *Main) seedDemo(ctx context.Context, a *app.App, log *slog.Logger) error {
	ctx = alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (demo)"})
	if _, err := a.Committee(ctx, demo.CommitteeID); err != nil {
		return fmt.Errorf("demo: the record is %s's, which this configuration lacks: %w", demo.CommitteeID, err)
	}
	files := demo.Minutes()
	for _, f := range files {
		if _, err := a.ImportMinutes(ctx, demo.CommitteeID, f.Name, f.Data); err != nil {
			return fmt.Errorf("demo: import %s: %w", f.Name, err)
		}
	}
	r, err := a.SyncProposals(ctx, demo.CommitteeID)
	if err != nil {
		return fmt.Errorf("demo: sync the GitHub snapshot: %w", err)
	}
	log.Info("demo: seeded a temporary database", "minutes", len(files), "proposals", r.Changed)
	return nil
}
