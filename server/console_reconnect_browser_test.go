package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/webtest"
	"github.com/chromedp/chromedp"
)

// TestConsoleReconnects: when its connections drop, the console says
// "reconnecting…", then "back" once the stream is up again, and shows
// what was recorded meanwhile; text the record keeps escaped for the
// wiki (a GitHub title's `\<arch\>`) is shown without the escapes.
func TestConsoleReconnects(t *testing.T) {
	t.Parallel()
	bin := webtest.Chromium(t)
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	admin := alescotest.Admin(context.Background())
	if _, _, _, err := env.App.StartMeeting(admin, next.ID); err != nil {
		t.Fatal(err)
	}
	browser := webtest.Browser(t, bin)
	ctx, cancel := context.WithTimeout(browser, 2*time.Minute)
	defer cancel()
	tab, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	waitText := func(sel, want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent && document.querySelector(%q).textContent.includes(%q)`, sel, sel, want),
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))
	}
	if err := chromedp.Do(tab, chromedp.Navigate(env.URL+"/alesco/meetings/"+next.ID+"/console"), waitText("#live", "Live")); err != nil {
		t.Fatal(err)
	}
	env.HTTP.CloseClientConnections()
	if _, err := env.App.AddNote(admin, next.ID, alesco.Note{Topic: "Builds", Text: `Build for \<arch\>`}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, waitText("#log", "reconnecting…"), waitText("#log", "back"), waitText("#notes", "Build for <arch>")); err != nil {
		t.Fatalf("after the connections dropped: %v", err)
	}
}
