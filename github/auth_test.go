package github_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
)

// memCache keeps GitHub's answers in memory for one test.
type memCache struct {
	mu sync.Mutex
	m  map[string]github.CachedResponse
}

func (c *memCache) CachedResponses(context.Context) (map[string]github.CachedResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]github.CachedResponse{}
	for k, v := range c.m {
		out[k] = v
	}
	return out, nil
}

func (c *memCache) SaveCachedResponses(_ context.Context, rs []github.CachedResponse) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]github.CachedResponse{}
	}
	for _, r := range rs {
		c.m[r.URL] = r
	}
	return nil
}

// appSync syncs the committee's pull requests as the App, twice (the
// second all conditional), and returns what the fake saw.
func appSync(t *testing.T, fake *githubtest.Server, app *github.App) ([]githubtest.Request, error) {
	t.Helper()
	s, err := github.NewSyncer(github.Options{Cache: &memCache{}, BaseURL: fake.BaseURL(), App: app, Transport: fake.Client().Transport,
		Now: alescotest.Running(alescotest.Epoch), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	c := alescotest.Committee(t)
	for range 2 {
		if _, _, err := s.Fetch(context.Background(), c, map[int]alesco.Proposal{}, map[int]string{}); err != nil {
			return fake.Requests(), err
		}
	}
	return fake.Requests(), nil
}

// TestAppAuthentication: as a GitHub App, the sync exchanges the App's
// JWT for one installation token and sends it with every request; the
// writer does the same for its writes.
func TestAppAuthentication(t *testing.T) {
	key, pemKey := githubtest.AppKey(t)
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	fake.EnableApp(4242, 77, &key.PublicKey, time.Hour)
	app := &github.App{ID: 4242, InstallationID: 77, Key: pemKey}
	reqs, err := appSync(t, fake, app)
	if err != nil {
		t.Fatalf("sync as the App: %v", err)
	}
	tokens := fake.InstallationTokens()
	if len(tokens) != 1 {
		t.Fatalf("installation tokens issued: %q, want one for the whole sync", tokens)
	}
	api := 0
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/app/") {
			continue
		}
		api++
		if r.Status == 401 || r.Auth != "token "+tokens[0] {
			t.Errorf("%s %s: status %d, Authorization %q", r.Method, r.Path, r.Status, r.Auth)
		}
	}
	if api < 4 {
		t.Fatalf("only %d API requests: %+v", api, reqs)
	}

	w, err := github.NewWriter(github.WriterOptions{BaseURL: fake.BaseURL(), App: app, Transport: fake.Client().Transport,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e := alesco.Effect{Key: "github:outcome:app:17", Kind: alesco.EffectComment,
		Comment: &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Accepted."}}
	if res := deliver(t, w, e); !strings.HasPrefix(res, "created comment ") {
		t.Fatalf("delivery as the App: %s", res)
	}
	for _, r := range fake.Writes() {
		if strings.HasPrefix(r.Path, "/app/") {
			continue
		}
		if r.Auth != "token "+fake.InstallationTokens()[len(fake.InstallationTokens())-1] {
			t.Errorf("write %s %s with Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
}

// TestAppTokenRenewal: a token about to expire is renewed before it is
// used: with tokens that live 30 s (the client renews a minute ahead),
// every request goes out with a fresh one and none is refused.
func TestAppTokenRenewal(t *testing.T) {
	key, pemKey := githubtest.AppKey(t)
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	fake.EnableApp(4242, 77, &key.PublicKey, 30*time.Second)
	reqs, err := appSync(t, fake, &github.App{ID: 4242, InstallationID: 77, Key: pemKey})
	if err != nil {
		t.Fatalf("sync as the App: %v", err)
	}
	seen := map[string]bool{}
	api := 0
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/app/") {
			continue
		}
		api++
		if r.Status == 401 || seen[r.Auth] {
			t.Errorf("%s %s: status %d with a token used before (%q)", r.Method, r.Path, r.Status, r.Auth)
		}
		seen[r.Auth] = true
	}
	if got := len(fake.InstallationTokens()); got != api {
		t.Fatalf("%d tokens issued for %d requests: want one renewal per request", got, api)
	}
}

// TestAppRefused: a key GitHub does not know, an installation of another
// organization, or no credentials at all: the sync fails, and says so.
func TestAppRefused(t *testing.T) {
	key, pemKey := githubtest.AppKey(t)
	_, otherKey := githubtest.AppKey(t)
	for _, tc := range []struct {
		name string
		app  *github.App
		want string
	}{
		{"another key", &github.App{ID: 4242, InstallationID: 77, Key: otherKey}, "401"},
		{"another installation", &github.App{ID: 4242, InstallationID: 78, Key: pemKey}, "404"},
		{"no credentials", nil, "401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
			fake.EnableApp(4242, 77, &key.PublicKey, time.Hour)
			_, err := appSync(t, fake, tc.app)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("sync: %v, want an error with %s", err, tc.want)
			}
			if n := len(fake.InstallationTokens()); n != 0 {
				t.Fatalf("%d tokens issued", n)
			}
		})
	}
	if _, err := github.NewSyncer(github.Options{Cache: &memCache{}, App: &github.App{ID: 1, InstallationID: 2, Key: []byte("not a key")}}); err == nil ||
		!strings.Contains(err.Error(), "private key") {
		t.Fatalf("a key that is not a key: %v", err)
	}
}

// TestAppRefusedWrite: a write as an App GitHub does not know is parked at
// once with what to check, not retried for ever.
func TestAppRefusedWrite(t *testing.T) {
	key, _ := githubtest.AppKey(t)
	_, otherKey := githubtest.AppKey(t)
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	fake.EnableApp(4242, 77, &key.PublicKey, time.Hour)
	w, err := github.NewWriter(github.WriterOptions{BaseURL: fake.BaseURL(), App: &github.App{ID: 4242, InstallationID: 77, Key: otherKey},
		Transport: fake.Client().Transport, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Deliver(context.Background(), alesco.OutboxItem{ID: 1, Revision: 1, Effect: alesco.Effect{Key: "github:outcome:app:17",
		Kind: alesco.EffectComment, Comment: &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Accepted."}}})
	if alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED || !strings.Contains(alesco.ErrorMessage(err), "ALESCO_GITHUB_APP_ID") {
		t.Fatalf("delivery as an unknown App: %v", err)
	}
	if got := writes(fake); len(got) != 1 || !strings.HasPrefix(got[0], "POST /app/installations/77/access_tokens") {
		t.Fatalf("writes: %q", got)
	}
}
