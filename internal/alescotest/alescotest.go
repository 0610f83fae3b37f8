// Package alescotest is the test support every package shares: the real
// ALESCo committee, a settable clock, a real SQLite store in a temporary
// directory, and the real server over real HTTP/2 reached through the
// generated clients. Test-only code lives here, not in production packages.
package alescotest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/demo"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/chattest"
	"github.com/almalinux/alesco/metrics"
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Root returns the repository's root directory, for reading fixtures from
// any package's tests.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Path returns the absolute path of a file given relative to the root.
func Path(rel string) string { return filepath.Join(Root(), filepath.FromSlash(rel)) }

// Committees returns a fresh copy of the embedded configuration: the
// real ALESCo (tests may change it).
func Committees(t testing.TB) *alesco.Committees {
	t.Helper()
	cs, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	return alesco.NewCommittees(cs)
}

// Committee returns a fresh copy of the real ALESCo committee.
func Committee(t testing.TB) *alesco.Committee {
	t.Helper()
	return Committees(t).List()[0]
}

// Date parses "YYYY-MM-DD" and panics on error: for literals.
func Date(s string) alesco.Date {
	d, err := alesco.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Location loads an IANA zone and panics on error: for literals.
func Location(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Admin returns ctx acting as an admin named "test".
func Admin(ctx context.Context) context.Context {
	return alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "test"})
}

// Store opens a real SQLite store in a temporary directory on clock.
func Store(t testing.TB, clock *Clock) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = clock.Now
	return db
}

// WikiFixtures are the eight real minutes of the wiki (kept in package
// demo), by file name.
func WikiFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	files := demo.Minutes()
	if len(files) != 8 {
		t.Fatalf("want the 8 wiki minutes in demo/minutes, got %d", len(files))
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.Name] = f.Data
	}
	return out
}

// WebhookSecret signs the webhook deliveries of an Env with GitHub.
const WebhookSecret = "test-webhook-secret"

// Env is a real server on a real SQLite file, reached over real HTTP/2.
type Env struct {
	t      testing.TB
	Clock  *Clock
	DB     *sqlite.DB
	App    *app.App
	Server *server.Server
	HTTP   *httptest.Server
	Client *http.Client
	URL    string
	// GitHub is the fake GitHub the env syncs from (WithGitHub).
	GitHub *githubtest.Server
	// Chat is the Mattermost webhook the env posts to (WithWriteBack).
	Chat *chattest.Server
	// Metrics are the server's Prometheus metrics (GET /metrics).
	Metrics *metrics.Metrics
}

// Option changes how New builds an Env.
type Option func(*options)

type options struct {
	github     bool
	writeBack  bool
	mailURL    string
	mattermost string
	appOpts    []func(*app.Options)
}

// MattermostToken is the slash-command token of an Env WithMattermost.
const MattermostToken = "test-mattermost-token"

// WithMattermost turns on the Mattermost slash command, with token
// MattermostToken.
func WithMattermost() Option {
	return func(o *options) { o.mattermost = MattermostToken }
}

// WithGitHub wires GitHub sync and webhooks to a fake GitHub serving the
// snapshot kept in package demo, five pull requests a page. The argument
// is kept for the tests' call sites and must be empty.
func WithGitHub(snapshot string) Option {
	if snapshot != "" {
		panic("alescotest.WithGitHub: only the demo snapshot is served")
	}
	return func(o *options) { o.github = true }
}

// WithApp changes the application's options.
func WithApp(f func(*app.Options)) Option {
	return func(o *options) { o.appOpts = append(o.appOpts, f) }
}

// New starts an Env with the embedded ALESCo configuration at Epoch.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := &Env{t: t, Clock: NewClock(Epoch), Metrics: metrics.New()}
	e.DB = Store(t, e.Clock)
	e.DB.Timed = e.Metrics.ObserveWrite
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ao := app.Options{Committees: Committees(t), Store: e.DB, BaseURL: "https://alesco.example.org", Now: e.Clock.Now, Logger: log}
	var webhooks http.Handler
	if o.github {
		e.GitHub = githubtest.New(t, e.Clock.Now)
		s, err := github.NewSyncer(github.Options{Store: e.DB, BaseURL: e.GitHub.BaseURL(), Transport: e.GitHub.Client().Transport,
			Now: e.Clock.Now, Logger: log, PerPage: 5})
		if err != nil {
			t.Fatal(err)
		}
		ao.Syncer = e.Metrics.Syncer(s)
	}
	if o.writeBack {
		e.writeBack(&ao, log)
	}
	if o.mailURL != "" {
		withMail(e.t, &ao, o.mailURL)
	}
	for _, f := range o.appOpts {
		f(&ao)
	}
	var err error
	if e.App, err = app.New(ao); err != nil {
		t.Fatal(err)
	}
	e.DB.PullEffects = e.App.ProposalEffects
	e.Metrics.Watch(e.App)
	if o.github {
		if webhooks, err = github.NewWebhook(e.App.Committees, e.DB, WebhookSecret, e.Clock.Now, log); err != nil {
			t.Fatal(err)
		}
	}
	if e.Server, err = server.New(server.Options{App: e.App, Logger: log, Webhooks: webhooks, MattermostToken: o.mattermost, Metrics: e.Metrics}); err != nil {
		t.Fatal(err)
	}
	e.HTTP = httptest.NewUnstartedServer(e.Server)
	e.HTTP.EnableHTTP2 = true
	e.HTTP.StartTLS()
	t.Cleanup(e.HTTP.Close)
	e.Client = e.HTTP.Client()
	e.URL = e.HTTP.URL
	return e
}

// Now returns the env's clock time.
func (e *Env) Now() time.Time { return e.Clock.Now() }

// Token makes a token and returns its secret. The committee need not be
// configured: tokens for other committees test authorization.
func (e *Env) Token(role alesco.Role, committeeID, memberID string) string {
	e.t.Helper()
	return Token(e.t, e.DB, role, committeeID, memberID)
}

// Token makes a token in store and returns its secret.
func Token(t testing.TB, store alesco.Store, role alesco.Role, committeeID, memberID string) string {
	t.Helper()
	var secret string
	err := store.Update(Admin(context.Background()), func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		_, secret, err = tx.CreateToken(alesco.Token{CommitteeID: committeeID, Role: role, MemberID: memberID})
		return alesco.Change{Action: "token.create", Subject: "token"}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// AuditLog returns the whole audit log.
func (e *Env) AuditLog() []alesco.AuditEntry {
	e.t.Helper()
	es, err := e.App.AuditLog(context.Background(), 0, 1<<20)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// WithToken returns a client option that sends the token on every call.
func WithToken(secret string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+secret)
			return next(ctx, req)
		}
	}))
}

// Protocols are the client protocols every API test runs over.
var Protocols = map[string][]connect.ClientOption{
	"connect":      nil,
	"connect-get":  {connect.WithHTTPGet()},
	"grpc":         {connect.WithGRPC()},
	"grpc-web":     {connect.WithGRPCWeb()},
	"connect-json": {connect.WithProtoJSON()},
}

// CodeOf returns the Connect code of an error (0 for nil or another error).
func CodeOf(err error) connect.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Code()
	}
	return 0
}

// External reports that a test needs an external tool that is missing: it
// skips, unless ALESCO_EXTERNAL_TESTS=1 makes the tool required.
func External(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("ALESCO_EXTERNAL_TESTS") == "1" {
		t.Fatalf("%s (required: ALESCO_EXTERNAL_TESTS=1)", msg)
	}
	t.Skip(msg + " (set ALESCO_EXTERNAL_TESTS=1 to require it)")
}

// CountingStore counts the transactions opened on a store, to show how
// many snapshots a use case reads.
type CountingStore struct {
	app.Store
	views, updates atomic.Int64
}

// View implements alesco.Store.
func (s *CountingStore) View(ctx context.Context, fn func(alesco.ReadTx) error) error {
	s.views.Add(1)
	return s.Store.View(ctx, fn)
}

// Update implements alesco.Store.
func (s *CountingStore) Update(ctx context.Context, fn func(alesco.Tx) (alesco.Change, error)) error {
	s.updates.Add(1)
	return s.Store.Update(ctx, fn)
}

// Counts returns the transactions opened since the last call.
func (s *CountingStore) Counts() (views, updates int64) {
	return s.views.Swap(0), s.updates.Swap(0)
}

// WithCounting makes the env's application count its transactions in cs.
func WithCounting(cs *CountingStore) Option {
	return WithApp(func(o *app.Options) {
		cs.Store = o.Store
		o.Store = cs
	})
}

// Fetched is a plain HTTP response read whole.
type Fetched struct {
	Status int
	Header http.Header
	Body   []byte
}

// Fetch sends a plain HTTP request to the env; header is name, value pairs.
func (e *Env) Fetch(method, path string, header ...string) Fetched {
	e.t.Helper()
	return e.send(method, path, nil, header)
}

// Post sends body as a plain HTTP POST (what curl sends: any bytes, UTF-8
// or not); header is name, value pairs.
func (e *Env) Post(path, body string, header ...string) Fetched {
	e.t.Helper()
	return e.send(http.MethodPost, path, strings.NewReader(body), header)
}

func (e *Env) send(method, path string, body io.Reader, header []string) Fetched {
	e.t.Helper()
	req, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	read, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return Fetched{resp.StatusCode, resp.Header, read}
}

// Sign returns the X-Hub-Signature-256 value GitHub sends with body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// LabelWebhook is the snapshot's recorded pull_request delivery labelling
// #16 "vote at next meeting" (demo/github/webhook-labeled-16.json, recorded
// on 2026-11-24), sent at at: its updated_at, the time GitHub gives the
// label event, is at. A test sends it at its clock's time, so that the
// label event is as recent in the tests' world as in the recording's.
func LabelWebhook(at time.Time) []byte {
	const recorded = `"updated_at": "2026-11-24T15:00:00Z"`
	body := demo.GitHubFiles()["webhook-labeled-16.json"]
	if !bytes.Contains(body, []byte(recorded)) {
		panic("alescotest: the recorded webhook delivery has no " + recorded)
	}
	return bytes.Replace(body, []byte(recorded), []byte(`"updated_at": "`+at.UTC().Format(time.RFC3339)+`"`), 1)
}
