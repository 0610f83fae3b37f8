package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestAgendaCommand runs the same code path as the binary: sync from a fake
// GitHub, list, then print the agenda as Markdown and JSON.
func TestAgendaCommand(t *testing.T) {
	fake := githubtest.New(t, testNow)
	db := filepath.Join(t.TempDir(), "alesco.db")
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := testMain(&out, &errOut).Run(context.Background(), args); err != nil {
			t.Fatalf("alesco %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}
	if out := run("proposals", "sync", "--db", db, "--github-url", fake.BaseURL()); !strings.Contains(out, "synced alesco: 37 requests (0 not modified), 15 proposals changed") {
		t.Fatalf("sync: %s", out)
	}
	if out := run("proposals", "sync", "--db", db, "--github-url", fake.BaseURL()); !strings.Contains(out, "9 requests (9 not modified), 0 proposals changed") {
		t.Fatalf("second sync: %s", out)
	}
	list := run("proposals", "list", "--db", db, "--state", "fcp,submitted")
	for _, want := range []string{"18  fcp", "17  fcp", "20  submitted", "draft", "board input"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	next := alescotest.NextMeeting(t)
	md := run("agenda", "--db", db, "--meeting", "next")
	if !strings.HasPrefix(md, "# ALESCo Meeting Agenda ("+next.Date.String()+")") || !strings.Contains(md, "[#17](https://github.com/AlmaLinux/ALESCo/pull/17)") {
		t.Fatalf("markdown agenda:\n%s", md)
	}
	var a struct {
		MeetingID string `json:"meetingId"`
		Votes     []struct {
			Number int `json:"number"`
		} `json:"votes"`
	}
	if err := json.Unmarshal([]byte(run("agenda", "--db", db, "--meeting", next.ID, "--format", "json")), &a); err != nil {
		t.Fatal(err)
	}
	if a.MeetingID != next.ID || len(a.Votes) != 2 || a.Votes[0].Number != 17 {
		t.Fatalf("json agenda = %+v", a)
	}
}
