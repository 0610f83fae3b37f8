package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

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

// demoDir makes the directory of the demo's temporary database: in the
// temporary directory (TMPDIR, else /tmp) or, where that cannot be written
// (a container with a read-only root file system and no tmpfs on /tmp),
// beside --db (the image's /data volume). The caller removes it.
func demoDir(db string) (string, error) {
	dir, errTmp := os.MkdirTemp("", "alesco-demo-")
	if errTmp == nil {
		return dir, nil
	}
	beside, err := filepath.Abs(filepath.Dir(db))
	if err != nil {
		return "", fmt.Errorf("demo: %w (and %w)", errTmp, err)
	}
	dir, errDB := os.MkdirTemp(beside, ".alesco-demo-")
	if errDB == nil {
		return dir, nil
	}
	return "", fmt.Errorf("demo: no writable directory for the temporary database (%w; %w): "+
		"mount a tmpfs on %s, set TMPDIR, or pass a --db in a writable directory", errTmp, errDB, os.TempDir())
}
