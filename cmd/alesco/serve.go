package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/metrics"
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
)

// serveOptions are serve's flags.
type serveOptions struct {
	storeFlags
	addr         string
	baseURL      string
	logFormat    string
	githubURL    string
	syncInterval time.Duration
	cacheSize    string
}

func (m *Main) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server: the API, feeds, Markdown, webhooks and pages on one port",
		Long: `Run the server: Connect, gRPC and gRPC-Web, iCal feeds, Markdown agendas and
minutes, GitHub webhooks and the public pages, all on one port.

Environment: GITHUB_TOKEN (GitHub API), ALESCO_WEBHOOK_SECRET (GitHub webhook
signatures). It shuts down gracefully on SIGINT and SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.serve(cmd.Context(), o) },
	}
	o.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "localhost:8080", "address to listen on")
	f.StringVar(&o.baseURL, "base-url", "", "public URL of this service, for links and iCal UIDs (default http://ADDR)")
	f.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&o.githubURL, "github-url", github.DefaultBaseURL, "GitHub REST API base URL")
	f.DurationVar(&o.syncInterval, "sync-interval", 5*time.Minute, "how often to reconcile proposals with GitHub (0 disables)")
	f.StringVar(&o.cacheSize, "cache-size", "32MiB", "memory for rendered feeds, pages and answers (least recently used go first), e.g. 64MiB")
	return cmd
}

func (m *Main) serve(ctx context.Context, o serveOptions) error {
	cacheBytes, err := humanize.ParseBytes(o.cacheSize)
	if err != nil || cacheBytes < 1<<20 || cacheBytes > 1<<40 {
		return usageError(fmt.Errorf("bad --cache-size %q: want a size from 1MiB, e.g. 32MiB", o.cacheSize))
	}
	if !strings.EqualFold(o.logFormat, "text") && !strings.EqualFold(o.logFormat, "json") {
		return usageError(fmt.Errorf("bad --log-format %q: want text or json", o.logFormat))
	}
	logs := newLogBuffer(m.Stderr)
	defer logs.Flush()
	logCtx, stopLogs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLogs()
	go logs.run(logCtx, cmp.Or(m.LogFlush, logFlushInterval))
	log := slog.New(flushOnWarn{logHandler(logs, o.logFormat), logs})
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	if o.baseURL == "" {
		o.baseURL = "http://" + addr
	}
	cs, db, err := m.load(ctx, o.storeFlags)
	if err != nil {
		return err
	}
	defer db.Close()
	syncer, err := m.syncer(db, o.githubURL, log)
	if err != nil {
		return err
	}
	mx := metrics.New()
	db.OnWrite = mx.ObserveWrite
	a, err := m.newApp(cs, db, app.Options{BaseURL: o.baseURL, Logger: log, Syncer: mx.Syncer(syncer), CacheBytes: int(cacheBytes)})
	if err != nil {
		return err
	}
	mx.Watch(a)
	var webhooks http.Handler
	if secret := m.Getenv("ALESCO_WEBHOOK_SECRET"); secret != "" {
		if webhooks, err = github.NewWebhook(a.Committees, db, secret, m.Now, log); err != nil {
			return err
		}
	} else {
		log.Warn("GitHub webhooks disabled: set ALESCO_WEBHOOK_SECRET to accept them")
	}
	if m.Getenv("GITHUB_TOKEN") == "" {
		log.Warn("GITHUB_TOKEN is not set: GitHub allows 60 unauthenticated requests an hour")
	}
	srv, err := server.New(server.Options{App: a, Logger: log, Webhooks: webhooks, Metrics: mx})
	if err != nil {
		return err
	}
	if o.syncInterval > 0 {
		go background(ctx, a, o.syncInterval, log)
	}
	ids := []string{}
	for _, c := range a.Committees().List() {
		ids = append(ids, c.ID)
	}
	log.Info("alesco listening", "addr", addr, "url", o.baseURL, "db", db.Path(), "committees", ids)
	logs.Flush()
	if m.Ready != nil {
		m.Ready(addr)
	}
	return srv.Serve(ctx, ln)
}

// syncer is the GitHub adapter's reconciler on the store (token from
// GITHUB_TOKEN).
func (m *Main) syncer(db *sqlite.DB, baseURL string, log *slog.Logger) (*github.Syncer, error) {
	return github.NewSyncer(github.Options{Store: db, BaseURL: baseURL, Token: m.Getenv("GITHUB_TOKEN"), Now: m.Now, Logger: log})
}

// background reconciles proposals with GitHub every interval and puts the
// agendas of meetings that started on record.
func background(ctx context.Context, a *app.App, interval time.Duration, log *slog.Logger) {
	ctx = alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (background sync)"})
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, c := range a.Committees().List() {
			if c.GitHub.Repo == "" {
				continue
			}
			// The syncer logs failures itself; stored proposals keep being served.
			_, _ = a.SyncProposals(ctx, c.ID)
		}
		if err := a.FreezeStartedAgendas(ctx); err != nil && ctx.Err() == nil {
			log.Warn("putting agendas on record failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
