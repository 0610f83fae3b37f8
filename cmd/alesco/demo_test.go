package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestServeDemo runs `alesco serve --demo` as the binary does: with no
// network it serves the real minutes and the RFC snapshot, and leaves no
// database behind at --db.
func TestServeDemo(t *testing.T) {
	t.Parallel()
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
	// The 8 kept in demo/minutes, final; and the demo's meeting in
	// progress once it has started (a second after the seeding: how soon
	// this call comes depends on the machine's load).
	final := 0
	for _, m := range ms.Msg.Minutes {
		if m.Status == alescov1.MinutesStatus_MINUTES_STATUS_FINAL {
			final++
		}
	}
	if final != 8 || len(ms.Msg.Minutes) > 9 {
		t.Errorf("demo minutes: %d, %d final, want the 8 kept in demo/minutes (and the meeting in progress)", len(ms.Msg.Minutes), final)
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

// TestDemoMeetingInProgress is a newcomer's first minute with the live
// guide: `serve --demo` prints a meeting in progress, its console and the
// exact `alesco meeting run` command with a chair token (a JSON log says
// the same in one record); that command, run through the same Main as the
// binary with a short piped script, records the meeting on the demo, and
// the console answers.
func TestDemoMeetingInProgress(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			clock := alescotest.NewClock(alescotest.Epoch)
			baseURL, _, logs := startServeAt(t, clock.Now, "--demo", "--log-format", format)
			console, run := printedDemo(t, format, logs.String())
			clock.Set(alescotest.Epoch.Add(30 * time.Second)) // the newcomer pastes the command
			runDemoMeeting(t, baseURL, console, run, clock.Now)
		})
	}
}

// printedDemo finds the demo meeting's console and command in serve's output.
func printedDemo(t *testing.T, format, printed string) (console, run string) {
	t.Helper()
	if format == "json" {
		for _, line := range strings.Split(printed, "\n") {
			var rec struct{ Msg, Console, Run string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Run != "" {
				return rec.Console, rec.Run
			}
		}
		t.Fatalf("serve --demo --log-format json logs no meeting to run:\n%s", printed)
	}
	cmd := regexp.MustCompile(`(?m)^\s*in a terminal:\s+(ALESCO_TOKEN=.*)$`).FindStringSubmatch(printed)
	con := regexp.MustCompile(`(?m)^\s*in the browser: (\S+)$`).FindStringSubmatch(printed)
	if cmd == nil || con == nil {
		t.Fatalf("serve --demo prints no meeting to run:\n%s", printed)
	}
	return con[1], cmd[1]
}

// runDemoMeeting runs the printed command line as a shell would (its
// ALESCO_TOKEN=… prefix is the environment) on a short script.
func runDemoMeeting(t *testing.T, baseURL, console, run string, now func() time.Time) {
	t.Helper()
	words := regexp.MustCompile(`^ALESCO_TOKEN=(\S+) alesco (meeting run (\S+) --server (\S+))$`).FindStringSubmatch(run)
	if words == nil {
		t.Fatalf("the printed command is not ALESCO_TOKEN=… alesco meeting run ID --server URL: %q", run)
	}
	token, args, id, server := words[1], strings.Fields(words[2]), words[3], words[4]
	if server != baseURL || console != baseURL+"/alesco/meetings/"+id+"/console" {
		t.Errorf("printed server %s and console %s; serving at %s", server, console, baseURL)
	}
	resp, err := http.Get(console)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", console, resp.Status)
	}
	script := "present andrew, ben, jonathan, lance\ntopic #16\nnote Trying alesco from the demo\nstatus\nendmeeting\n"
	var out, errs bytes.Buffer
	m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errs, Now: now,
		Getenv: func(k string) string {
			if k == "ALESCO_TOKEN" {
				return token
			}
			return ""
		}}
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("alesco %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, &out, &errs)
	}
	for _, want := range []string{"present: Andrew Lukoshko, Ben Thomas, Jonathan Wright, Lance Albertson", "topic: RFC: Adding proposal for github org management (#16)",
		`noted under "RFC: Adding proposal for github org management"`, id + " (draft): 4 of 5 members present", "minutes of " + id + " are final"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the replies lack %q:\n%s\nstderr:\n%s", want, &out, &errs)
		}
	}
	md, err := http.Get(baseURL + "/minutes/" + id + ".md")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(md.Body)
	md.Body.Close()
	if md.StatusCode != http.StatusOK || !strings.Contains(string(body), "Trying alesco from the demo") {
		t.Errorf("GET /minutes/%s.md: %s, lacks the note:\n%s", id, md.Status, body)
	}
}
