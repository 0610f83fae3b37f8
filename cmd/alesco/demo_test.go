package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestServeDemo runs `alesco serve --demo` as the binary does: with no
// network it serves the real minutes and the RFC snapshot, and leaves no
// database behind at --db.
func TestServeDemo(t *testing.T) {
	baseURL, dbPath, logs := startServe(t, "--demo")
	ctx := context.Background()
	client := h2cClient()

	pc := v1.NewProposalServiceClient(client, baseURL)
	ps, err := pc.ListProposals(ctx, connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Msg.Proposals) != 13 || ps.Msg.LastSyncedTime == nil || ps.Msg.SyncError != "" {
		t.Errorf("demo proposals: %d, synced %v, error %q\n%s", len(ps.Msg.Proposals), ps.Msg.LastSyncedTime, ps.Msg.SyncError, logs)
	}
	mc := v1.NewMinutesServiceClient(client, baseURL)
	ms, err := mc.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Msg.Minutes) != 8 {
		t.Errorf("demo minutes: %d, want the 8 kept in demo/minutes", len(ms.Msg.Minutes))
	}
	for path, want := range map[string]string{
		"/alesco":                                       "Add alternative signed newer kernels",
		"/alesco/proposals":                             "zstd-compressed",
		"/alesco/minutes":                               "2025",
		"/alesco/meetings/alesco-2025-10-16":            "Secure Boot-Signed Alternative Kernels",
		"/minutes/alesco-2026-07-30.md":                 "# ALESCo Meeting Minutes (2026-07-30)",
		"/calendar/alesco.ics":                          "BEGIN:VCALENDAR",
		"/agenda/" + alescotest.DecisionMeeting + ".md": "#17",
	} {
		resp, err := http.Get(baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, lacks %q", path, resp.StatusCode, want)
		}
	}
	if _, err := os.Stat(dbPath); !os.IsNotExist(err) {
		t.Errorf("--demo wrote %s (%v): the demo's database is temporary", dbPath, err)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the demo warns:\n%s", logs)
	}
}
