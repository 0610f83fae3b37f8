package server_test

import (
	"context"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/metrics"
)

// TestWatchStreamsMetrics: alesco_watch_streams counts the open
// WatchMinutes streams, and alesco_watch_streams_rejected_total exists for
// both limits from the start (an alert's increase() sees the first
// refusal), counting what WatchRejected is told.
func TestWatchStreamsMetrics(t *testing.T) {
	env := alescotest.New(t)
	fams := scrape(t, env)
	if fams["alesco_watch_streams"] == nil || value(fams, "alesco_watch_streams") != 0 {
		t.Fatalf("alesco_watch_streams before any stream: %v", fams["alesco_watch_streams"])
	}
	for _, limit := range []string{metrics.LimitServer, metrics.LimitClient} {
		if fam := fams["alesco_watch_streams_rejected_total"]; fam == nil || value(fams, "alesco_watch_streams_rejected_total", "limit", limit) != 0 {
			t.Errorf("alesco_watch_streams_rejected_total{limit=%q} is not exported at 0", limit)
		}
	}
	// A bound on a broken stream, not a measurement.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := v1.NewMinutesServiceClient(env.Client, env.URL, connect.WithGRPC())
	var streams []*connect.ServerStreamForClient[alescov1.WatchMinutesResponse]
	for range 2 {
		s, err := client.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: alescotest.NextMeeting(t).ID}))
		if err != nil {
			t.Fatal(err)
		}
		if !s.Receive() {
			t.Fatalf("no first record: %v", s.Err())
		}
		streams = append(streams, s)
	}
	if n := value(scrape(t, env), "alesco_watch_streams"); n != 2 {
		t.Errorf("alesco_watch_streams with two streams open: %v", n)
	}
	streams[0].Close()
	alescotest.Eventually(t, 10*time.Second, "alesco_watch_streams back to 1 when a stream closes", func() bool {
		return value(scrape(t, env), "alesco_watch_streams") == 1
	})
	env.Metrics.WatchRejected(metrics.LimitClient)
	if n := value(scrape(t, env), "alesco_watch_streams_rejected_total", "limit", metrics.LimitClient); n != 1 {
		t.Errorf("a refusal counted %v times", n)
	}
	streams[1].Close()
}
