package app_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
)

// flaky is a deliverer that fails while down and records what it delivered.
type flaky struct {
	mu        sync.Mutex
	down      error
	delivered []string
}

func (f *flaky) Deliver(_ context.Context, it alesco.OutboxItem) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return "", f.down
	}
	f.delivered = append(f.delivered, it.Key+" "+it.Chat.Text)
	return "posted", nil
}

func enqueueChat(t *testing.T, env *alescotest.Env, key, text string) {
	t.Helper()
	err := env.DB.Update(alescotest.Admin(context.Background()), func(tx alesco.Tx) (alesco.Change, error) {
		_, err := tx.Enqueue(alesco.Effect{Key: key, Kind: alesco.EffectChat, CommitteeID: "alesco", Chat: &alesco.ChatEffect{Text: text}})
		return alesco.Change{Action: "test.enqueue", Subject: key}, err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func outboxItem(t *testing.T, env *alescotest.Env, key string) alesco.OutboxItem {
	t.Helper()
	items, err := env.App.Outbox(context.Background(), alesco.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no outbox item %s in %+v", key, items)
	return alesco.OutboxItem{}
}

// TestOutboxWorker: a failing delivery is retried after its backoff, not
// before; after MaxDeliveryAttempts it is parked with its error; retried by
// an operator it is delivered once; a dropped item never is.
func TestOutboxWorker(t *testing.T) {
	chat := &flaky{down: errors.New("mattermost: 502 Bad Gateway")}
	env := alescotest.New(t, alescotest.WithApp(func(o *app.Options) {
		o.Deliverers = map[alesco.EffectKind]app.Deliverer{alesco.EffectChat: chat}
	}))
	ctx := context.Background()
	enqueueChat(t, env, "chat:test:1", "hello")
	enqueueChat(t, env, "chat:test:2", "dropped")

	start := env.Now()
	for n := 1; n <= alesco.MaxDeliveryAttempts; n++ {
		if got, err := env.App.DeliverOutbox(ctx); err != nil || got != 2 {
			t.Fatalf("pass %d: %d attempted, %v; want both items tried", n, got, err)
		}
		it := outboxItem(t, env, "chat:test:1")
		if n < alesco.MaxDeliveryAttempts {
			if it.Status != alesco.OutboxPending || it.Attempts != n || it.LastError != "mattermost: 502 Bad Gateway" {
				t.Fatalf("after %d failures: %+v", n, it)
			}
			// Not due again before its backoff.
			env.Clock.Set(it.NextAttempt.Add(-time.Second))
			if got, _ := env.App.DeliverOutbox(ctx); got != 0 {
				t.Fatalf("retried %d items before the backoff ran out", got)
			}
			env.Clock.Set(it.NextAttempt)
		} else if it.Status != alesco.OutboxParked {
			t.Fatalf("after %d failures: %+v", n, it)
		}
	}
	if elapsed := env.Now().Sub(start); elapsed < time.Hour {
		t.Errorf("parked after %v of retries, want backoff to span over an hour", elapsed)
	}
	if _, err := env.App.RetryOutbox(ctx, outboxItem(t, env, "chat:test:1").ID); alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED {
		t.Fatalf("retry by nobody: %v, want unauthenticated", err)
	}
	if _, err := env.App.DropOutbox(alescotest.Admin(ctx), outboxItem(t, env, "chat:test:2").ID); err != nil {
		t.Fatal(err)
	}
	chat.mu.Lock()
	chat.down = nil
	chat.mu.Unlock()
	if got, _ := env.App.DeliverOutbox(ctx); got != 0 {
		t.Fatalf("parked or dropped items delivered: %d", got)
	}
	if _, err := env.App.RetryOutbox(alescotest.Admin(ctx), outboxItem(t, env, "chat:test:1").ID); err != nil {
		t.Fatal(err)
	}
	if got, err := env.App.DeliverOutbox(ctx); got != 1 || err != nil {
		t.Fatalf("after retry: %d delivered, %v", got, err)
	}
	it := outboxItem(t, env, "chat:test:1")
	if it.Status != alesco.OutboxDone || it.Result != "posted" || it.Delivered.IsZero() {
		t.Fatalf("delivered item: %+v", it)
	}
	if len(chat.delivered) != 1 || chat.delivered[0] != "chat:test:1 hello" {
		t.Fatalf("delivered: %q", chat.delivered)
	}
	if _, err := env.App.RetryOutbox(alescotest.Admin(ctx), it.ID); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Fatalf("retrying a delivered item: %v", err)
	}
	var actions []string
	for _, e := range env.AuditLog() {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"outbox.fail", "outbox.park", "outbox.drop", "outbox.retry", "outbox.deliver"} {
		found := false
		for _, a := range actions {
			found = found || a == want
		}
		if !found {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
}

// TestOutboxUnconfiguredKind: an effect no deliverer handles waits with
// an error that says what to configure.
func TestOutboxUnconfiguredKind(t *testing.T) {
	env := alescotest.New(t)
	enqueueChat(t, env, "chat:test:1", "hello")
	if _, err := env.App.DeliverOutbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if it := outboxItem(t, env, "chat:test:1"); it.Status != alesco.OutboxPending || it.LastError != "chat is not configured on this server: set ALESCO_MATTERMOST_WEBHOOK_URL" {
		t.Fatalf("%+v", it)
	}
}

// noop delivers by doing nothing: what is left is the outbox's own cost.
type noop struct{}

func (noop) Deliver(context.Context, alesco.OutboxItem) (string, error) { return "nothing", nil }

// BenchmarkOutboxDelivery: the outbox's bookkeeping per delivered effect
// (read the due batch, record the delivery and its audit row), on a real
// SQLite file.
func BenchmarkOutboxDelivery(b *testing.B) {
	env := alescotest.New(b, alescotest.WithApp(func(o *app.Options) {
		o.Deliverers = map[alesco.EffectKind]app.Deliverer{alesco.EffectChat: noop{}}
	}))
	ctx := context.Background()
	err := env.DB.Update(alescotest.Admin(ctx), func(tx alesco.Tx) (alesco.Change, error) {
		for i := range b.N {
			key := "chat:bench:" + strconv.Itoa(i)
			if _, err := tx.Enqueue(alesco.Effect{Key: key, Kind: alesco.EffectChat, CommitteeID: "alesco", Chat: &alesco.ChatEffect{Text: key}}); err != nil {
				return alesco.Change{}, err
			}
		}
		return alesco.Change{Action: "bench.enqueue", Subject: "outbox"}, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	delivered := 0
	for delivered < b.N {
		n, err := env.App.DeliverOutbox(ctx)
		if err != nil || n == 0 {
			b.Fatalf("delivered %d of %d: %v", delivered, b.N, err)
		}
		delivered += n
	}
}
