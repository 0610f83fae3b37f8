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

// CachedResponse is one of GitHub's answers kept for conditional requests:
// an alias of an unnamed struct of standard types, so that a store can
// declare the same type (sqlite.CachedResponse) and satisfy ResponseCache
// without importing this package.
type CachedResponse = struct {
	URL       string
	ETag      string
	Link      string
	Body      []byte
	FetchedAt time.Time
}

// ResponseCache keeps GitHub's answers across restarts (the sqlite
// package's DB satisfies it): the adapter's own bookkeeping, no part of
// the committee's record.
type ResponseCache interface {
	CachedResponses(ctx context.Context) (map[string]CachedResponse, error)
	SaveCachedResponses(ctx context.Context, rs []CachedResponse) error
}

// Options configure a Syncer.
type Options struct {
	// Cache keeps GitHub's answers for conditional requests.
	Cache ResponseCache
	// BaseURL of the REST API (DefaultBaseURL when empty).
	BaseURL string
	// Token authenticates requests (GITHUB_TOKEN); empty sends none.
	Token string
	// App authenticates as a GitHub App's installation; it wins over Token.
	App *App
	// Transport sends the requests (http.DefaultTransport when nil).
	Transport http.RoundTripper
	// PerPage is the page size when listing pull requests (default 100).
	PerPage int
	Now     func() time.Time
	Logger  *slog.Logger
}

// Syncer reads committees' pull requests from GitHub (the application's
// ProposalSyncer: app.SyncProposals stores what it read). Syncs run one
// at a time.
type Syncer struct {
	cache     ResponseCache
	client    *gh.Client
	transport *cachingTransport
	perPage   int
	now       func() time.Time
	log       *slog.Logger
	mu        sync.Mutex
}

// NewSyncer builds a Syncer.
func NewSyncer(o Options) (*Syncer, error) {
	if o.Cache == nil {
		return nil, errors.New("github: a response cache is required")
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
	auth, err := authenticated(o.Transport, o.App, base)
	if err != nil {
		return nil, err
	}
	t := newCachingTransport(auth, o.Now)
	opts := []gh.ClientOptionsFunc{gh.WithTransport(t), gh.WithTimeout(60 * time.Second), gh.WithUserAgent("alesco")}
	if o.Token != "" && o.App == nil {
		opts = append(opts, gh.WithAuthToken(o.Token))
	}
	if base != DefaultBaseURL {
		opts = append(opts, gh.WithURLs(&base, &base))
	}
	client, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("github: client: %w", err)
	}
	return &Syncer{cache: o.Cache, client: client, transport: t, perPage: o.PerPage, now: o.Now, log: o.Logger}, nil
}

// Fetch reads one committee's pull requests: it lists every pull request
// of the committee's repository (following Link pages), reads the changed
// files and RFC header of those whose head moved since their files were
// read (filesRead, by number, updated in place), applies the committee's
// rules and returns the pull requests that differ from those known. The
// answers GitHub gave are kept in the cache, whatever the outcome. A
// failure GitHub caused comes back with its requests counted and says
// what went wrong in public words (PublicError).
func (s *Syncer) Fetch(ctx context.Context, c *alesco.Committee, known map[int]alesco.Proposal, filesRead map[int]string) ([]alesco.Proposal, alesco.SyncResult, error) {
	var changed []alesco.Proposal
	res, err := s.session(ctx, c, "github sync", func(owner, repo string) (err error) {
		changed, err = s.sync(ctx, c, owner, repo, known, filesRead)
		return err
	})
	if err != nil {
		return nil, res, err
	}
	s.log.InfoContext(ctx, "github sync", "committee", c.ID, "requests", res.Requests, "not_modified", res.NotModified, "changed", len(changed))
	return changed, res, nil
}

// session runs one read of a committee's repository (read) under the
// syncer's lock, with the conditional-request cache loaded before and the
// answers GitHub gave kept after, whatever the outcome. A failure GitHub
// caused comes back with its requests counted and says what went wrong in
// public words (PublicError); what, the read's name, goes to the log with
// the cause.
func (s *Syncer) session(ctx context.Context, c *alesco.Committee, what string, read func(owner, repo string) error) (alesco.SyncResult, error) {
	owner, repo, err := repoOf(c)
	if err != nil {
		return alesco.SyncResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.transport.load(ctx, s.cache); err != nil {
		return alesco.SyncResult{}, err
	}
	readErr := read(owner, repo)
	requests, notModified, responses := s.transport.finish()
	if err := s.cache.SaveCachedResponses(ctx, responses); err != nil {
		return alesco.SyncResult{}, err
	}
	res := alesco.SyncResult{Requests: requests, NotModified: notModified}
	if readErr != nil {
		// Debug: the caller says what failed and what to do, once (serve)
		// or as the command's error (the CLI). What is stored is shown to
		// anyone; the cause goes to the log.
		s.log.DebugContext(ctx, what+" failed", "committee", c.ID, "err", readErr)
		return res, errUnavailable(errors.New(publicError(readErr, c.Location))) // times in the committee's zone
	}
	return res, nil
}

func (s *Syncer) sync(ctx context.Context, c *alesco.Committee, owner, repo string, stored map[int]alesco.Proposal, filesRead map[int]string) ([]alesco.Proposal, error) {
	if err := s.transport.begin(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var changed []alesco.Proposal
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
			read := filesRead[next.Number]
			if !found || read != next.HeadSHA {
				if err := s.readFiles(ctx, c, owner, repo, &next); err != nil {
					return nil, err
				}
				read = next.HeadSHA
			}
			next = settle(c, prev.Labels, found, next, now)
			if err := next.Validate(); err != nil {
				// One malformed pull request does not stop the others.
				s.log.WarnContext(ctx, "github: pull request not stored", "pull", pr.GetNumber(), "err", err)
				continue
			}
			if !found || read != filesRead[next.Number] || !samePull(prev, next) {
				filesRead[next.Number] = read
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
func (s *Syncer) readFiles(ctx context.Context, c *alesco.Committee, owner, repo string, p *alesco.Proposal) error {
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
	p.RFCPath = rfc
	if rfc == "" {
		p.RFCPath = removed // still an RFC change, but there is no header to read
		applyHeader(p, RFCHeader{})
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
	h, err := ParseRFCHeader(text)
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
// repoOf splits the committee's GitHub repository into owner and name.
func repoOf(c *alesco.Committee) (owner, repo string, err error) {
	if c.GitHub.Repo == "" {
		return "", "", alesco.Errorf(alesco.EPRECONDITION, "%s has no GitHub repository configured", c.ShortName)
	}
	owner, repo, ok := strings.Cut(c.GitHub.Repo, "/")
	if !ok {
		return "", "", alesco.Errorf(alesco.EPRECONDITION, "bad GitHub repository %q for %s: want owner/name", c.GitHub.Repo, c.ShortName)
	}
	return owner, repo, nil
}

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
