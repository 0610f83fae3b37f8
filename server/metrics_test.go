package server_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads GET /metrics with Prometheus's own text parser.
func scrape(t *testing.T, env *alescotest.Env) map[string]*dto.MetricFamily {
	t.Helper()
	f := env.Fetch(http.MethodGet, "/metrics")
	if f.Status != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", f.Status, f.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(f.Body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, f.Body)
	}
	return fams
}

// value returns the value of the sample of family name whose labels are
// exactly labels (name, value pairs, any order); histograms give their
// count.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	fam := fams[name]
	if fam == nil {
		return 0
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
next:
	for _, m := range fam.Metric {
		if len(m.Label) != len(want) {
			continue
		}
		for _, l := range m.Label {
			if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

// TestMetricsMoveWithRequests: /metrics parses with Prometheus's text
// parser, and its counters move as feeds, 304s, pages and RPCs are served,
// the cache hits and misses, the store writes and GitHub syncs; the outbox
// gauge counts what waits in the outbox.
func TestMetricsMoveWithRequests(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack())
	ctx := context.Background()
	before := scrape(t, env)
	for _, name := range []string{"alesco_cache_bytes", "alesco_cache_max_bytes", "go_goroutines", "process_resident_memory_bytes", "alesco_github_sync_failing"} {
		if before[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	if before["alesco_outbox_depth"] == nil || value(before, "alesco_outbox_depth", "status", "pending") != 0 {
		t.Errorf("alesco_outbox_depth before any effect: %v", before["alesco_outbox_depth"])
	}
	if before["alesco_github_sync_age_seconds"] != nil {
		t.Error("a sync age is reported before any sync")
	}

	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	feed := env.Fetch(http.MethodGet, "/calendar/alesco.ics")
	for range 3 {
		env.Fetch(http.MethodGet, "/calendar/alesco.ics")
		env.Fetch(http.MethodGet, "/calendar/alesco.ics", "If-None-Match", feed.Header.Get("ETag"))
	}
	ms := alescotest.Meetings(t, 2)
	noMeeting := alescotest.DayID(ms[0].Date.AddDays(1))
	env.Fetch(http.MethodGet, "/alesco/meetings/"+noMeeting) // no such meeting
	client := v1.NewMeetingServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	for range 2 {
		if _, err := client.GetNextMeeting(ctx, connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"})); err != nil {
			t.Fatal(err)
		}
	}
	_, err := client.GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: noMeeting}))
	if alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("GetMeeting of no meeting: %v", err)
	}
	chair := v1.NewMeetingServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	if _, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID, Reason: "Holidays"})); err != nil {
		t.Fatal(err)
	}
	pending, err := env.App.Outbox(ctx, alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending}})
	if err != nil || len(pending) == 0 {
		t.Fatalf("the cancellation queued no effect: %v, %v", pending, err)
	}

	after := scrape(t, env)
	moved := []struct {
		name   string
		labels []string
		by     float64
	}{
		{"alesco_http_requests_total", []string{"route", "GET /calendar/{file}", "code", "200"}, 4},
		{"alesco_http_requests_total", []string{"route", "GET /calendar/{file}", "code", "304"}, 3},
		{"alesco_http_request_duration_seconds", []string{"route", "GET /calendar/{file}"}, 7},
		{"alesco_http_requests_total", []string{"route", "/", "code", "404"}, 1},
		{"alesco_rpc_requests_total", []string{"procedure", v1.MeetingServiceGetNextMeetingProcedure, "code", "ok"}, 2},
		{"alesco_rpc_requests_total", []string{"procedure", v1.MeetingServiceGetMeetingProcedure, "code", "not_found"}, 1},
		{"alesco_rpc_requests_total", []string{"procedure", v1.MeetingServiceCancelMeetingProcedure, "code", "ok"}, 1},
		{"alesco_rpc_duration_seconds", []string{"procedure", v1.MeetingServiceGetNextMeetingProcedure}, 2},
		{"alesco_github_syncs_total", []string{"committee", "alesco", "result", "ok"}, 1},
	}
	for _, m := range moved {
		if got := value(after, m.name, m.labels...) - value(before, m.name, m.labels...); got != m.by {
			t.Errorf("%s%v moved by %v, want %v", m.name, m.labels, got, m.by)
		}
	}
	for _, name := range []string{"alesco_cache_hits_total", "alesco_cache_misses_total", "alesco_store_write_duration_seconds"} {
		if value(after, name) <= value(before, name) {
			t.Errorf("%s did not move: %v -> %v", name, value(before, name), value(after, name))
		}
	}
	if value(after, "alesco_cache_bytes") <= 0 {
		t.Error("the cache holds nothing")
	}
	if age := value(after, "alesco_github_sync_age_seconds", "committee", "alesco"); age != 0 {
		t.Errorf("sync age %v s, want 0 (the test clock stands still)", age)
	}
	if got := value(after, "alesco_outbox_depth", "status", "pending"); got != float64(len(pending)) {
		t.Errorf("alesco_outbox_depth{status=pending} = %v, want %d", got, len(pending))
	}
	if got := value(after, "alesco_outbox_depth", "status", "parked"); got != 0 {
		t.Errorf("alesco_outbox_depth{status=parked} = %v, want 0", got)
	}
}
