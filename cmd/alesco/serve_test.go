package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestCLIWriteReachesServedFeed: a server keeps its feed cached, and a
// meeting cancelled with the CLI (another connection on the same file, as
// another process would be) shows in the feed it serves, with no request
// having to notice it: the store polls SQLite's data_version.
func TestCLIWriteReachesServedFeed(t *testing.T) {
	t.Parallel()
	baseURL, dbPath, _ := startServe(t)
	ctx := context.Background()
	next, err := v1.NewMeetingServiceClient(h2cClient(), baseURL).GetNextMeeting(ctx,
		connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	id := next.Msg.Meeting.Id
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return string(body)
	}
	// The feed lists the meeting; its own calendar file says it is on.
	feed, ics := "/calendar/alesco.ics?expand=true", "/calendar/alesco/"+id+".ics"
	if f := get(feed); !strings.Contains(f, "UID:"+id) {
		t.Fatalf("feed lacks %s:\n%s", id, f)
	}
	if f := get(ics); !strings.Contains(f, "STATUS:CONFIRMED") {
		t.Fatalf("%s is not confirmed:\n%s", ics, f)
	}
	get(feed) // both now served from the cache
	get(ics)

	var out bytes.Buffer
	cli := &Main{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	if err := cli.Run(ctx, []string{"meetings", "cancel", id, "--reason", "Moved to the summit", "--db", dbPath}); err != nil {
		t.Fatalf("alesco meetings cancel: %v\n%s", err, &out)
	}
	// A cancelled meeting leaves the feed; its own file stays, CANCELLED.
	alescotest.Eventually(t, 30*time.Second, "the feed still lists "+id+", cancelled by the CLI", func() bool {
		return !strings.Contains(get(feed), "UID:"+id)
	})
	if f := get(ics); !strings.Contains(f, "STATUS:CANCELLED") || !strings.Contains(f, "Moved to the summit") {
		t.Errorf("%s after the cancellation:\n%s", ics, f)
	}
}
