package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// DefaultBaseURL is GitHub's REST API.
const DefaultBaseURL = "https://api.github.com/"

// Store is what the adapter keeps: pull requests as last seen, GitHub's
// answers for conditional requests, the sync state and applied webhook
// deliveries (the sqlite package implements it).
type Store interface {
	Pulls(ctx context.Context, committeeID string) (map[int]alesco.PullRecord, error)
	CachedResponses(ctx context.Context) (map[string]alesco.CachedResponse, error)
	SaveSync(ctx context.Context, r alesco.SyncRecord) error
	// ApplyDelivery records a webhook delivery and applies it to one pull
	// request in the same transaction; a delivery already recorded changes
	// nothing (applied false).
	ApplyDelivery(ctx context.Context, d alesco.Delivery, apply func(prev alesco.PullRecord, found bool) (alesco.PullRecord, bool)) (applied bool, err error)
}

// Options configure a Syncer.
type Options struct {
	Store Store
	// BaseURL of the REST API (DefaultBaseURL when empty).
	BaseURL string
	// Token authenticates requests (GITHUB_TOKEN); empty sends none.
	Token string
	// Transport sends the requests (http.DefaultTransport when nil).
	Transport http.RoundTripper
	// PerPage is the page size when listing pull requests (default 100).
	PerPage int
	Now     func() time.Time
	Logger  *slog.Logger
}

// Syncer reconciles committees' proposals with GitHub (the application's
// ProposalSyncer). Syncs run one at a time.
type Syncer struct {
	db        Store
	client    *gh.Client
	transport *cachingTransport
	perPage   int
	now       func() time.Time
	log       *slog.Logger
	mu        sync.Mutex
}

// NewSyncer builds a Syncer.
func NewSyncer(o Options) (*Syncer, error) {
	if o.Store == nil {
		return nil, errors.New("github: a store is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PerPage <= 0 || o.PerPage > 100 {
		o.PerPage = 100
	}
	base, err := apiBase(o.BaseURL)
	if err != nil {
		return nil, err
	}
	t := newCachingTransport(o.Transport, o.Now)
	opts := []gh.ClientOptionsFunc{gh.WithTransport(t), gh.WithTimeout(60 * time.Second), gh.WithUserAgent("alesco")}
	if o.Token != "" {
		opts = append(opts, gh.WithAuthToken(o.Token))
	}
	if base != DefaultBaseURL {
		opts = append(opts, gh.WithURLs(&base, &base))
	}
	client, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("github: client: %w", err)
	}
	return &Syncer{db: o.Store, client: client, transport: t, perPage: o.PerPage, now: o.Now, log: o.Logger}, nil
}

// Sync reconciles one committee's proposals: it lists every pull request of
// the committee's repository (following Link pages), reads the changed files
// and RFC header of those whose head moved, applies the committee's rules
// and stores what changed. On failure what is stored stays, and the error is
// recorded for ListProposals to report.
func (s *Syncer) Sync(ctx context.Context, c *alesco.Committee) (alesco.SyncResult, error) {
	if c.GitHub.Repo == "" {
		return alesco.SyncResult{}, alesco.Errorf(alesco.EPRECONDITION, "%s has no GitHub repository configured", c.ShortName)
	}
	owner, repo, ok := strings.Cut(c.GitHub.Repo, "/")
	if !ok {
		return alesco.SyncResult{}, alesco.Errorf(alesco.EPRECONDITION, "bad GitHub repository %q for %s: want owner/name", c.GitHub.Repo, c.ShortName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.transport.load(ctx, s.db); err != nil {
		return alesco.SyncResult{}, err
	}
	changed, syncErr := s.sync(ctx, c, owner, repo)
	requests, notModified, responses := s.transport.finish()
	rec := alesco.SyncRecord{CommitteeID: c.ID, Responses: responses, Requests: requests, NotModified: notModified}
	if syncErr == nil {
		rec.Pulls = changed
	} else {
		// What is stored is shown to anyone; the cause goes to the log.
		rec.Err = errors.New(publicError(syncErr, c.Location)) // times in the committee's zone
	}
	if err := s.db.SaveSync(ctx, rec); err != nil {
		return alesco.SyncResult{}, err
	}
	res := alesco.SyncResult{Requests: requests, NotModified: notModified, Changed: len(rec.Pulls), SyncedAt: s.now()}
	if syncErr != nil {
		// Debug: the caller says what failed and what to do, once (serve)
		// or as the command's error (the CLI).
		s.log.DebugContext(ctx, "github sync failed", "committee", c.ID, "err", syncErr)
		return res, errUnavailable(rec.Err)
	}
	s.log.InfoContext(ctx, "github sync", "committee", c.ID, "requests", requests, "not_modified", notModified, "changed", len(rec.Pulls))
	return res, nil
}

func (s *Syncer) sync(ctx context.Context, c *alesco.Committee, owner, repo string) ([]alesco.PullRecord, error) {
	if err := s.transport.begin(); err != nil {
		return nil, err
	}
	stored, err := s.db.Pulls(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var changed []alesco.PullRecord
	opts := &gh.PullRequestListOptions{State: "all", ListOptions: gh.ListOptions{PerPage: s.perPage}}
	for pages := 0; ; pages++ {
		if pages >= 1000 {
			return nil, errors.New("more than 1000 pages of pull requests; stopping")
		}
		prs, resp, err := s.client.PullRequests.List(ctx, owner, repo, opts)
		if err != nil {
			return nil, fmt.Errorf("list pull requests: %w", err)
		}
		for _, pr := range prs {
			prev, found := stored[pr.GetNumber()]
			if found && pr.GetUpdatedAt().Time.Before(prev.Updated) {
				// A webhook already told us something newer than this
				// listing (GitHub's lists can lag behind its events).
				continue
			}
			next := fromAPI(c, prev, pr)
			if !found || prev.FilesSHA != next.HeadSHA {
				if err := s.readFiles(ctx, c, owner, repo, &next); err != nil {
					return nil, err
				}
			}
			next = settle(c, prev.Labels, found, next, now)
			if err := next.Validate(); err != nil {
				// One malformed pull request does not stop the others.
				s.log.WarnContext(ctx, "github: pull request not stored", "pull", pr.GetNumber(), "err", err)
				continue
			}
			if !found || !samePull(prev, next) {
				changed = append(changed, next)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return changed, nil
}

// readFiles lists a pull request's changed files at its head and, when one
// is an RFC file, reads and parses that file's header.
func (s *Syncer) readFiles(ctx context.Context, c *alesco.Committee, owner, repo string, p *alesco.PullRecord) error {
	var rfc, removed string
	opts := &gh.ListOptions{PerPage: 100}
	for pages := 0; pages < 30; pages++ { // GitHub lists at most 3000 files
		files, resp, err := s.client.PullRequests.ListFiles(ctx, owner, repo, p.Number, opts)
		if err != nil {
			return fmt.Errorf("list files of #%d: %w", p.Number, err)
		}
		for _, f := range files {
			if !c.GitHub.IsRFCFile(f.GetFilename()) {
				continue
			}
			if f.GetStatus() == "removed" {
				removed = f.GetFilename()
			} else if rfc == "" {
				rfc = f.GetFilename()
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	p.FilesSHA = p.HeadSHA
	p.RFCPath = rfc
	if rfc == "" {
		p.RFCPath = removed // still an RFC change, but there is no header to read
		applyHeader(p, alesco.RFCHeader{})
		return nil
	}
	content, _, _, err := s.client.Repositories.GetContents(ctx, owner, repo, rfc, &gh.RepositoryContentGetOptions{Ref: p.HeadSHA})
	if err != nil {
		return fmt.Errorf("read %s of #%d: %w", rfc, p.Number, err)
	}
	text, err := content.GetContent()
	if err != nil {
		return fmt.Errorf("decode %s of #%d: %w", rfc, p.Number, err)
	}
	h, err := alesco.ParseRFCHeader(text)
	if err != nil {
		// Keep the proposal (its pull request is real); say why the header
		// is missing.
		s.log.WarnContext(ctx, "RFC file without a header", "pull", p.Number, "path", rfc, "err", err)
	}
	applyHeader(p, h)
	return nil
}

// apiBase checks the GitHub REST API's base URL (DefaultBaseURL when
// empty) and ends it with a slash, as go-github wants it.
func apiBase(base string) (string, error) {
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("github: bad API URL %q: want http(s)://host/", base)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base, nil
}
