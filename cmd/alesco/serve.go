package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/demo"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/mail"
	"github.com/almalinux/alesco/mattermost"
	"github.com/almalinux/alesco/metrics"
	"github.com/almalinux/alesco/server"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
)

// serveOptions are serve's flags.
type serveOptions struct {
	storeFlags
	addr           string
	baseURL        string
	logFormat      string
	githubURL      string
	syncInterval   time.Duration
	outboxInterval time.Duration
	demo           bool
	cacheSize      string
	trustedProxies []string
	maxWatchers    int
	maxPerClient   int
}

func (m *Main) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server: the API, feeds, Markdown, webhooks and pages on one port",
		Long: `Run the server: Connect, gRPC and gRPC-Web, iCal feeds, Markdown agendas and
minutes, GitHub webhooks and the public pages, all on one port.

With --demo it serves the committee's public record kept in the repository
(the real minutes, and the RFC pull requests from a snapshot of GitHub served
in-process) on a temporary database: every page and RPC populated, offline.
It also starts a meeting, in progress for two hours, and prints its console
and the line that runs it from a terminal with a chair token made for it.

Environment: GITHUB_TOKEN (GitHub API; writing back decisions needs write
access) or, instead, a GitHub App's installation: ALESCO_GITHUB_APP_ID,
ALESCO_GITHUB_APP_KEY_FILE (its private key, PEM) and
ALESCO_GITHUB_INSTALLATION_ID; ALESCO_WEBHOOK_SECRET (GitHub webhook signatures), ALESCO_SMTP_URL
(board email), ALESCO_MATTERMOST_WEBHOOK_URL (chat announcements),
ALESCO_MATTERMOST_TOKEN (the token of the committee's Mattermost slash
command, POST /integrations/mattermost). On SIGHUP it reloads --config: a file
that does not validate is refused, logged, and the one in force stays. It
shuts down gracefully on SIGINT and SIGTERM.`,
		Example: `  alesco serve --demo                 # offline demo, real data, temporary database
  alesco serve                        # ./alesco.db, proposals synced from GitHub
  alesco serve --addr :8080 --base-url https://alesco.example.org --log-format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.serve(cmd.Context(), o) },
	}
	o.addCreating(cmd)
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "localhost:8080", "address to listen on")
	f.StringVar(&o.baseURL, "base-url", "", "public URL of this service, for links and iCal UIDs (default http://ADDR)")
	f.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&o.githubURL, "github-url", github.DefaultBaseURL, "GitHub REST API base URL")
	f.DurationVar(&o.syncInterval, "sync-interval", 5*time.Minute, "how often to reconcile proposals with GitHub (0 disables; checked every minute)")
	f.BoolVar(&o.demo, "demo", false, "serve the committee's public record kept in the repository, offline, on a temporary database (--db is not used)")
	f.DurationVar(&o.outboxInterval, "outbox-interval", 30*time.Second,
		"how often the outbox worker looks for due effects and announcements besides every change (0 disables delivery)")
	f.StringVar(&o.cacheSize, "cache-size", "32MiB", "memory for rendered feeds, pages and answers (least recently used go first), e.g. 64MiB")
	f.StringSliceVar(&o.trustedProxies, "trusted-proxies", nil,
		"addresses or CIDR prefixes of the reverse proxies in front (e.g. 127.0.0.1,::1): their X-Forwarded-For names the client (default: none)")
	f.IntVar(&o.maxWatchers, "max-watchers", server.DefaultMaxWatchers, "live records (WatchMinutes streams, consoles) open at once; past it, resource_exhausted")
	f.IntVar(&o.maxPerClient, "max-watchers-per-client", server.DefaultMaxWatchersPerClient,
		"live records one client (address, or the X-Forwarded-For entry of a trusted proxy) may have open at once")
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
	if o.maxWatchers < 1 || o.maxPerClient < 1 {
		return usageError(fmt.Errorf("bad --max-watchers %d or --max-watchers-per-client %d: want 1 or more", o.maxWatchers, o.maxPerClient))
	}
	proxies, err := server.ParseTrustedProxies(o.trustedProxies...)
	if err != nil {
		return usageError(fmt.Errorf("bad --trusted-proxies: %w", err))
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
	var transport http.RoundTripper
	if o.demo {
		dir, err := demoDir(o.db)
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.db = filepath.Join(dir, "alesco.db")
		if transport, err = demo.Transport(); err != nil {
			return err
		}
		o.githubURL = demo.BaseURL
	}
	cs, db, err := m.load(ctx, o.storeFlags)
	if err != nil {
		return err
	}
	defer db.Close()
	auth, err := m.githubAuth()
	if err != nil {
		return err
	}
	if o.demo {
		auth = githubAuth{} // the snapshot needs none
	}
	syncer, err := github.NewSyncer(github.Options{Cache: db, BaseURL: o.githubURL, Token: auth.Token, App: auth.App,
		Transport: transport, Now: m.Now, Logger: log})
	if err != nil {
		return err
	}
	var deliverers map[alesco.EffectKind]app.Deliverer
	if !o.demo { // the demo writes nowhere
		if deliverers, err = m.deliverers(cs, auth, o.githubURL, log); err != nil {
			return err
		}
	}
	mx := metrics.New()
	db.Timed = mx.ObserveWrite
	var events app.EventFetcher
	if !o.demo { // the demo reaches no network
		events = m.eventFetcher(log)
	}
	a, err := m.newApp(cs, db, app.Options{BaseURL: o.baseURL, Logger: log, Syncer: mx.Syncer(syncer), Deliverers: deliverers,
		DeliveryHook: m.DeliveryHook, Events: events})
	if err != nil {
		return err
	}
	mx.Watch(a)
	mx.WatchDatabase(db.Path())
	var live demoLive
	if o.demo {
		if live, err = m.seedDemo(ctx, a, log); err != nil {
			return err
		}
	}
	var webhooks http.Handler
	if o.demo {
		// The snapshot stands still: there is nothing to deliver.
	} else if secret := m.Getenv("ALESCO_WEBHOOK_SECRET"); secret != "" {
		if webhooks, err = github.NewWebhook(a.Committees, a, secret, m.Now, log); err != nil {
			return err
		}
	} else {
		log.Warn("GitHub webhooks disabled: set ALESCO_WEBHOOK_SECRET to accept them")
	}
	if !auth.set() && !o.demo {
		log.Warn("no GitHub credentials: set GITHUB_TOKEN or a GitHub App (ALESCO_GITHUB_APP_ID, ALESCO_GITHUB_APP_KEY_FILE, " +
			"ALESCO_GITHUB_INSTALLATION_ID); GitHub allows 60 unauthenticated requests an hour")
	} else if auth.set() {
		log.Info("GitHub credentials", "as", auth.describe())
	}
	slashToken := m.Getenv("ALESCO_MATTERMOST_TOKEN")
	if slashToken == "" {
		log.Info("the Mattermost slash command is off: set ALESCO_MATTERMOST_TOKEN to the command's token to run meetings from chat")
	}
	srv, err := server.New(server.Options{App: a, Logger: log, Webhooks: webhooks, MattermostToken: slashToken, Metrics: mx,
		CacheBytes: int(cacheBytes), TrustedProxies: proxies, Watch: server.WatchLimits{Max: o.maxWatchers, PerClient: o.maxPerClient}})
	if err != nil {
		return err
	}
	go background(ctx, a, o.syncInterval, log)
	if o.outboxInterval > 0 {
		worker := make(chan struct{})
		wctx, stop := context.WithCancel(ctx)
		go func() {
			defer close(worker)
			a.RunOutbox(wctx, o.outboxInterval)
		}()
		defer func() { <-worker }() // the worker ends before the store closes
		defer stop()
	} else {
		log.Warn("outbox delivery disabled (--outbox-interval 0): effects wait in the outbox")
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reload(a, o.config, log)
			}
		}
	}()
	ids := []string{}
	for _, c := range a.Committees().List() {
		ids = append(ids, c.ID)
	}
	log.Info("alesco listening", "addr", addr, "url", o.baseURL, "db", db.Path(), "committees", ids)
	if o.demo {
		printDemo(logs, log, strings.EqualFold(o.logFormat, "json"), o.baseURL, live)
	}
	logs.Flush()
	if m.Ready != nil {
		m.Ready(addr)
	}
	return srv.Serve(ctx, ln)
}

// deliverers are the outbox's adapters the environment configures:
// GitHub (GITHUB_TOKEN or a GitHub App), mail (ALESCO_SMTP_URL), chat
// (ALESCO_MATTERMOST_WEBHOOK_URL). A committee that asks for effects no
// adapter delivers gets a warning: they wait in the outbox.
func (m *Main) deliverers(cs *alesco.Committees, auth githubAuth, githubURL string, log *slog.Logger) (map[alesco.EffectKind]app.Deliverer, error) {
	out := map[alesco.EffectKind]app.Deliverer{}
	var writes, mails, chats []string
	for _, c := range cs.List() {
		if c.GitHub.Write {
			writes = append(writes, c.ID)
		}
		if c.Notify.BoardEmail != "" {
			mails = append(mails, c.ID)
		}
		if len(c.Notify.Chat) > 0 {
			chats = append(chats, c.ID)
		}
	}
	if auth.set() {
		w, err := github.NewWriter(github.WriterOptions{BaseURL: githubURL, Token: auth.Token, App: auth.App, Logger: log})
		if err != nil {
			return nil, err
		}
		for _, k := range github.Kinds {
			out[k] = w
		}
	} else if len(writes) > 0 {
		log.Warn("github.write is on but neither GITHUB_TOKEN nor a GitHub App is set: comments, labels and wiki pull requests wait in the outbox", "committees", writes)
	}
	if u := m.Getenv("ALESCO_SMTP_URL"); u != "" {
		s, err := mail.New(u)
		if err != nil {
			return nil, err
		}
		out[alesco.EffectMail] = s
	} else if len(mails) > 0 {
		log.Warn("notify.board_email is set but ALESCO_SMTP_URL is not: board emails wait in the outbox", "committees", mails)
	}
	if u := m.Getenv("ALESCO_MATTERMOST_WEBHOOK_URL"); u != "" {
		p, err := mattermost.New(u, nil)
		if err != nil {
			return nil, err
		}
		out[alesco.EffectChat] = p
	} else if len(chats) > 0 {
		log.Warn("notify.chat is set but ALESCO_MATTERMOST_WEBHOOK_URL is not: chat posts wait in the outbox", "committees", chats)
	}
	return out, nil
}

// reload reads the configuration again (on SIGHUP): when it validates, the
// server serves it from the next request on; when it does not, the one in
// force stays and the problems are logged.
func reload(a *app.App, path string, log *slog.Logger) {
	if path == "" {
		log.Warn("SIGHUP: serving the embedded configuration, there is nothing to reload (start with --config FILE)")
		return
	}
	cs, err := config.Load(path)
	if err != nil {
		log.Error("SIGHUP: configuration not reloaded, the one in force stays", "file", path, "err", err)
		return
	}
	a.SetCommittees(alesco.NewCommittees(cs))
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	log.Info("SIGHUP: configuration reloaded", "file", path, "committees", ids)
}

// background reconciles proposals with GitHub every syncInterval (never
// when 0), and every minute puts the agendas of meetings that started on
// record and publishes the calendar texts the clock changed (a meeting
// started or ended), so each gets its own higher SEQUENCE.
func background(ctx context.Context, a *app.App, syncInterval time.Duration, log *slog.Logger) {
	ctx = alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (background sync)"})
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	var lastSync, lastEvents time.Time
	failing := map[string]bool{}
	for {
		if syncInterval > 0 && time.Since(lastSync) >= syncInterval {
			lastSync = time.Now()
			for _, c := range a.Committees().List() {
				if c.GitHub.Repo == "" {
					continue
				}
				// Say once what failed and what to do; stored proposals keep
				// being served and the pages say when they were synced.
				switch _, err := a.SyncProposals(ctx, c.ID); {
				case err != nil && ctx.Err() != nil:
				case err != nil && !failing[c.ID]:
					failing[c.ID] = true
					log.Warn("cannot sync proposals from GitHub; the pages show them as last synced, and when. "+
						"Check that this machine reaches --github-url, set GITHUB_TOKEN (60 requests an hour without it), "+
						"or pass --sync-interval 0 to stop syncing (alesco serve --demo serves a snapshot offline)",
						"committee", c.ID, "err", err)
				case err == nil && failing[c.ID]:
					failing[c.ID] = false
					log.Info("syncing proposals from GitHub works again", "committee", c.ID)
				}
			}
		}
		if syncInterval > 0 && time.Since(lastEvents) >= syncInterval {
			lastEvents = time.Now()
			refreshEvents(ctx, a, failing, log)
		}
		if err := a.FreezeStartedAgendas(ctx); err != nil && ctx.Err() == nil {
			log.Warn("putting agendas on record failed", "err", err)
		}
		if err := a.PublishEventTexts(ctx); err != nil && ctx.Err() == nil {
			log.Warn("publishing calendar texts failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshEvents reads the events sites (app.RefreshCommitteeEvents),
// saying once per committee that one cannot be read and when it can again:
// the last good copy stays in use meanwhile.
func refreshEvents(ctx context.Context, a *app.App, failing map[string]bool, log *slog.Logger) {
	for _, c := range a.Committees().List() {
		if c.EventSite.ICS == "" {
			continue
		}
		key := "events:" + c.ID
		switch err := a.RefreshCommitteeEvents(ctx, c.ID); {
		case err != nil && ctx.Err() != nil:
		case err != nil && !failing[key]:
			failing[key] = true
			log.Warn("cannot read the events site; its last good copy stays in use and `alesco meetings check` says so",
				"committee", c.ID, "url", c.EventSite.ICS, "err", err)
		case err == nil && failing[key]:
			failing[key] = false
			log.Info("reading the events site works again", "committee", c.ID)
		}
	}
}
