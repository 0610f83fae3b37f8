// Package app is alesco's application layer: every use case is one method
// here, called alike by the API server, the CLI and the web pages. A use
// case authorizes its caller, loads what it needs in one transaction,
// applies the domain's rule, saves in that same transaction and returns.
// It knows no transport and no SQL: the store, GitHub and rendering are
// reached through the domain's interfaces and the pure formatting
// packages (agenda, minutes, calendar).
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/almalinux/alesco"
)

// Store is what the use cases need of the store: transactions, plus the
// operator's whole-database operations.
type Store interface {
	alesco.Store
	// VerifyAudit walks the audit log's hash chain and checks it against
	// its head and, when given, a head published earlier: the head, or an
	// EPRECONDITION error naming the first broken row or the rows cut.
	VerifyAudit(ctx context.Context, published *alesco.AuditHead) (alesco.AuditHead, error)
	// Backup writes a consistent copy of the database to a new file.
	Backup(ctx context.Context, path string) error
	// OnWrite registers a function every write transaction runs before it
	// commits (any adapter's), to keep derived data in the same commit.
	OnWrite(fn func(context.Context, alesco.Tx) error)
}

// ProposalSyncer reads a committee's pull requests from GitHub (the
// github package's Syncer implements it); SyncProposals stores what it
// read. It is a fetcher: it writes nothing of the committee's record.
type ProposalSyncer interface {
	// Fetch reads the pull requests of c's repository given those kept
	// (known, by number) and the head SHA each one's files were last read
	// at (filesRead, updated in place for those read again), and returns
	// the ones that changed, the committee's rules applied. Its result
	// counts the requests sent. A failure GitHub caused has a
	// PublicError() string method: what the proposals page may say of it.
	Fetch(ctx context.Context, c *alesco.Committee, known map[int]alesco.Proposal, filesRead map[int]string) ([]alesco.Proposal, alesco.SyncResult, error)
}

// Options configure an App.
type Options struct {
	Committees *alesco.Committees
	Store      Store
	// BaseURL is the public URL of the service, for links in feeds and
	// messages (default http://localhost:8080).
	BaseURL string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Syncer reconciles proposals with GitHub; nil leaves sync unconfigured.
	Syncer ProposalSyncer
	// Events reads the committees' events sites; nil leaves it unconfigured.
	Events EventFetcher
	Logger *slog.Logger
	// Deliverers make the outbox's effects happen, by kind; a kind without
	// one waits (and is eventually parked) until one is configured.
	Deliverers map[alesco.EffectKind]Deliverer
	// DeliveryHook, when set, is called around each delivery (StageBefore,
	// StageSent): tests use it to stop or kill the worker at those points.
	DeliveryHook func(stage string, it alesco.OutboxItem)
}

// App holds the use cases.
type App struct {
	committees atomic.Pointer[alesco.Committees]
	effective  committees
	store      Store
	base       *url.URL
	now        func() time.Time
	syncer     ProposalSyncer
	events     EventFetcher
	log        *slog.Logger
	// deliverers and deliveryHook drive the outbox (outbox.go).
	deliverers   map[alesco.EffectKind]Deliverer
	deliveryHook func(stage string, it alesco.OutboxItem)
	// reloads counts the committees set since the start (Version).
	reloads atomic.Uint64
	// hubs are the broadcasts of the meetings being watched (watch.go).
	hubs hubs
}

// New builds an App.
func New(o Options) (*App, error) {
	if o.Committees == nil || o.Store == nil {
		return nil, errors.New("app: committees and store are required")
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost:8080"
	}
	u, err := url.Parse(strings.TrimSuffix(o.BaseURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("app: bad base URL %q: want http(s)://host[:port]", o.BaseURL)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	a := &App{store: o.Store, base: u, now: o.Now, syncer: o.Syncer, events: o.Events, log: o.Logger,
		deliverers: o.Deliverers, deliveryHook: o.DeliveryHook}
	a.committees.Store(o.Committees)
	o.Store.OnWrite(a.publishOnWrite)
	return a, nil
}

// Committees returns the committees served now, as configured (the seed:
// use cases get a committee with its recorded decisions from committee).
func (a *App) Committees() *alesco.Committees { return a.committees.Load() }

// SetCommittees replaces the committees served (a reloaded configuration):
// Version moves on, so nothing rendered from the old ones is served again.
func (a *App) SetCommittees(cs *alesco.Committees) {
	a.committees.Store(cs)
	a.reloads.Add(1)
}

// parseMeetingID resolves a meeting id to its configured committee and
// local date; a day beyond the committee's horizon has no meeting yet
// (NotFound, before any store read: every use case addressing a meeting by
// id comes here).
func (a *App) parseMeetingID(id string) (*alesco.Committee, alesco.Date, error) {
	if id == "" {
		return nil, alesco.Date{}, alesco.Errorf(alesco.EINVALID, "meeting_id is required, e.g. alesco-2026-12-03")
	}
	c, d, _, err := a.Committees().ParseMeetingID(id)
	if err != nil {
		return nil, d, err
	}
	if h := c.HorizonDay(a.now()); d.After(h) {
		return nil, d, alesco.Errorf(alesco.ENOTFOUND, "no meeting %s: the calendar reaches two years ahead, to %s", id, h)
	}
	return c, d, nil
}

// Now returns the clock's time.
func (a *App) Now() time.Time { return a.now() }

// URL returns an absolute URL for path under the base URL.
func (a *App) URL(path string) string { return a.base.String() + path }

// Host is the host of the base URL (iCal UIDs use it).
func (a *App) Host() string { return a.base.Hostname() }

// Version changes whenever what the use cases answer may: after every
// commit to the store (this process's or another's on the same file) and
// at every reload of the committees (counted above the store's 48 bits).
// Caches of what they rendered key on it.
func (a *App) Version() uint64 { return a.store.Version() + a.reloads.Load()<<48 }

// Document is what a use case rendered: its bytes and media type, when the
// data behind them last changed, and until when it holds though the data
// does not change (the next meeting starts, say; zero: until the data
// changes, Version). The caller decides whether to keep it.
type Document struct {
	Body         []byte
	ContentType  string
	LastModified time.Time
	Until        time.Time
}

// Changed returns a channel closed at the next change of the data.
func (a *App) Changed() <-chan struct{} { return a.store.Changed() }

// actor returns the principal making a write, or EUNAUTHENTICATED.
func actor(ctx context.Context) (alesco.Principal, error) {
	p, _ := alesco.PrincipalFrom(ctx)
	if p.Role == "" {
		return p, alesco.Errorf(alesco.EUNAUTHENTICATED, "this call needs a token: send Authorization: Bearer <token> (see `alesco token create`)")
	}
	return p, nil
}

// authorize checks that the caller may do act on committee c.
func authorize(ctx context.Context, act alesco.Action, c *alesco.Committee) (alesco.Principal, error) {
	p, err := actor(ctx)
	if err != nil {
		return p, err
	}
	return p, p.Authorize(act, c.ID)
}

// Authenticate resolves a token's secret to its principal.
func (a *App) Authenticate(ctx context.Context, secret string) (alesco.Principal, error) {
	var p alesco.Principal
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		t, err := tx.Token(secret)
		if err != nil {
			return err
		}
		p = alesco.TokenPrincipal(t.ID, t.Role, t.CommitteeID, t.MemberID)
		return nil
	})
	return p, err
}
