package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
)

// githubWiring is what serve gets from the GitHub adapter.
type githubWiring struct {
	syncer   server.ProposalSyncer
	webhooks http.Handler
	// background reconciles periodically and puts started meetings' agendas on record.
	background func(ctx context.Context, freezeAgendas func(context.Context) error)
}

// github wires the GitHub adapter: the syncer (token from GITHUB_TOKEN), the
// webhook handler (only with ALESCO_WEBHOOK_SECRET set) and a background
// loop that reconciles every --sync-interval and puts the agendas of
// meetings that started on record.
func (m *Main) github(ctx context.Context, o serveOptions, cs *alesco.Committees, db *sqlite.DB, log *slog.Logger) (githubWiring, error) {
	syncer, err := github.NewSyncer(github.Options{
		Committees: cs, Store: db, BaseURL: o.githubURL, Token: m.Getenv("GITHUB_TOKEN"), Now: m.Now, Logger: log,
	})
	if err != nil {
		return githubWiring{}, err
	}
	w := githubWiring{syncer: syncer}
	if secret := m.Getenv("ALESCO_WEBHOOK_SECRET"); secret != "" {
		wh, err := github.NewWebhook(cs, db, secret, m.Now, log)
		if err != nil {
			return githubWiring{}, err
		}
		w.webhooks = wh
	} else {
		log.Warn("GitHub webhooks disabled: set ALESCO_WEBHOOK_SECRET to accept them")
	}
	if m.Getenv("GITHUB_TOKEN") == "" {
		log.Warn("GITHUB_TOKEN is not set: GitHub allows 60 unauthenticated requests an hour")
	}
	if o.syncInterval <= 0 {
		return w, nil
	}
	w.background = func(ctx context.Context, freezeAgendas func(context.Context) error) {
		ctx = alesco.NewContext(ctx, alesco.Principal{Name: "alesco (background sync)"})
		t := time.NewTicker(o.syncInterval)
		defer t.Stop()
		for {
			for _, c := range cs.List() {
				if c.GitHub.Repo == "" {
					continue
				}
				// The syncer logs failures itself; stored proposals keep being served.
				_, _ = syncer.Sync(ctx, c.ID)
			}
			if err := freezeAgendas(ctx); err != nil && ctx.Err() == nil {
				log.Warn("putting agendas on record failed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
	return w, nil
}

func runProposals(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "sync") {
		return fmt.Errorf("usage: alesco proposals list|sync [--committee ID]: %w", errUsage)
	}
	var c common
	fs := m.flags("proposals "+args[0], &c)
	committee := fs.String("committee", "alesco", "committee id")
	states := fs.String("state", "", "list: comma-separated states (submitted, discussion, fcp, accepted, rejected, withdrawn, superseded)")
	githubURL := fs.String("github-url", github.DefaultBaseURL, "sync: GitHub REST API base URL")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cs, com, db, err := m.openCommittee(ctx, c, *committee)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "sync" {
		s, err := github.NewSyncer(github.Options{Committees: cs, Store: db, BaseURL: *githubURL, Token: m.Getenv("GITHUB_TOKEN"), Now: m.Now,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		r, err := s.Sync(cliContext(ctx), com.ID)
		if err != nil {
			return fmt.Errorf("sync %s: %s", com.ID, alesco.ErrorMessage(err))
		}
		fmt.Fprintf(m.Stdout, "synced %s: %d requests (%d not modified), %d proposals changed\n", com.ID, r.Requests, r.NotModified, r.Changed)
		return nil
	}
	var filter []alesco.ProposalState
	for _, name := range strings.Split(*states, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		st, err := alesco.ParseProposalState(name)
		if err != nil {
			return err
		}
		filter = append(filter, st)
	}
	ps, err := db.Proposals(ctx, com.ID, filter...)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSTATE\tRFC\tTITLE\tFLAGS")
	for _, p := range ps {
		var flags []string
		if p.Draft {
			flags = append(flags, "draft")
		}
		if p.NeedsBoardInput {
			flags = append(flags, "board input")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", p.Number, p.State, p.RFCNumber, p.Title, strings.Join(flags, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	st, err := db.SyncState(ctx, com.ID)
	if err != nil {
		return err
	}
	switch {
	case st.LastSynced.IsZero() && st.LastError == "":
		fmt.Fprintln(m.Stderr, "never synced: run `alesco proposals sync`")
	case st.LastError != "":
		fmt.Fprintf(m.Stderr, "last synced %s; the last attempt failed: %s\n", fmtTime(st.LastSynced), st.LastError)
	default:
		fmt.Fprintf(m.Stderr, "last synced %s\n", fmtTime(st.LastSynced))
	}
	return nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
