package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/almalinux/alesco/server"
)

// serveOptions are serve's flags; the GitHub wiring reads them too.
type serveOptions struct {
	common
	addr         string
	baseURL      string
	logFormat    string
	githubURL    string
	syncInterval time.Duration
}

func runServe(ctx context.Context, m *Main, args []string) error {
	var o serveOptions
	fs := m.flags("serve", &o.common)
	fs.StringVar(&o.addr, "addr", "localhost:8080", "address to listen on")
	fs.StringVar(&o.baseURL, "base-url", "", "public URL of this service, for links and iCal UIDs (default http://ADDR)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&o.githubURL, "github-url", "https://api.github.com/", "GitHub REST API base URL")
	fs.DurationVar(&o.syncInterval, "sync-interval", 5*time.Minute, "how often to reconcile proposals with GitHub (0 disables)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := m.logger(o.logFormat)
	committees, db, err := m.open(ctx, o.common)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().String()
	if o.baseURL == "" {
		o.baseURL = "http://" + addr
	}
	gh, err := m.github(ctx, o, committees, db, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := server.New(server.Options{
		Committees: committees, Store: db, BaseURL: o.baseURL, Logger: log, Now: m.Now,
		Syncer: gh.syncer, Webhooks: gh.webhooks,
	})
	if err != nil {
		ln.Close()
		return err
	}
	if gh.background != nil {
		go gh.background(ctx, srv.FreezeStartedAgendas)
	}
	ids := []string{}
	for _, c := range committees.List() {
		ids = append(ids, c.ID)
	}
	log.Info("alesco listening", "addr", addr, "url", o.baseURL, "db", db.Path(), "committees", ids)
	if m.Ready != nil {
		m.Ready(addr)
	}
	return srv.Serve(ctx, ln)
}
