package mattermost_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/chattest"
	"github.com/almalinux/alesco/mattermost"
)

func post(key, text string) alesco.OutboxItem {
	return alesco.OutboxItem{ID: 1, Effect: alesco.Effect{Key: key, Kind: alesco.EffectChat, Chat: &alesco.ChatEffect{Text: text}}}
}

func TestPoster(t *testing.T) {
	hook := chattest.New(t)
	p, err := mattermost.New(hook.HookURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if res, err := p.Deliver(ctx, post("chat:minutes:alesco-2026-12-03", "**ALESCo minutes** are final\n- #17 accepted")); err != nil || res != "posted to Mattermost" {
		t.Fatalf("deliver: %q %v", res, err)
	}
	if posts := hook.Posts(); len(posts) != 1 || posts[0].Text != "**ALESCo minutes** are final\n- #17 accepted" {
		t.Fatalf("posts: %+v", posts)
	}

	hook.SetFailing(http.StatusBadGateway)
	_, err = p.Deliver(ctx, post("chat:x", "hello"))
	if err == nil || alesco.PermanentFailure(err) || !strings.Contains(err.Error(), "502") {
		t.Fatalf("502: %v (a 5xx is retried)", err)
	}
	hook.SetFailing(0)
	if _, err := p.Deliver(ctx, post("chat:x", "  ")); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Fatalf("empty post: %v", err)
	}

	wrong, _ := mattermost.New(hook.URL+"/hooks/not-the-key", nil)
	_, err = wrong.Deliver(ctx, post("chat:x", "hello"))
	if !alesco.PermanentFailure(err) || !strings.Contains(alesco.ErrorMessage(err), "check ALESCO_MATTERMOST_WEBHOOK_URL") {
		t.Fatalf("unknown hook: %v", err)
	}
	if _, err := mattermost.New("chat.example.org/hooks/x", nil); err == nil {
		t.Fatal("a URL without scheme was taken")
	}
	if len(hook.Posts()) != 1 {
		t.Fatalf("failed posts were recorded: %+v", hook.Posts())
	}
}

// TestPosterKeepsTheKeySecret: a network error does not show the hook's key.
func TestPosterKeepsTheKeySecret(t *testing.T) {
	p, _ := mattermost.New("http://127.0.0.1:1/hooks/"+chattest.Key, nil)
	_, err := p.Deliver(context.Background(), post("chat:x", "hello"))
	if err == nil || strings.Contains(err.Error(), chattest.Key) {
		t.Fatalf("error %v shows the key", err)
	}
}
