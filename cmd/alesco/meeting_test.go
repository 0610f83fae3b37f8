package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name (rewritten with -update).
//
// The files are written on the default today, of the meeting of
// 2026-12-03; on another today they read with the next meeting's date.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	day := alescotest.NextMeeting(t).Date.String()
	if *update {
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(got, day, "2026-12-03")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	recorded, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(string(recorded), "2026-12-03", day); got != want {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

// meetingEnv is a server two minutes into the next meeting (2026-12-03 at
// 12:02 New York time on the default today), with the proposals synced
// from the fake GitHub.
func meetingEnv(t *testing.T) *alescotest.Env {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	if _, err := env.App.SyncProposals(alescotest.Admin(context.Background()), "alesco"); err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(alescotest.NextMeeting(t).At(12, 2))
	return env
}

// TestMeetingRunScript: a whole meeting piped through `alesco meeting run`
// against a running server (attendance with a late arrival, a 2-2 tie the
// chair decides, a tabled motion, notes under RFC topics, two action
// items, a chair election, endmeeting) exports the wiki's current shape.
func TestMeetingRunScript(t *testing.T) {
	env := meetingEnv(t)
	script, err := os.ReadFile(filepath.Join("testdata", "meeting-2026-12-03.txt"))
	if err != nil {
		t.Fatal(err)
	}
	token := env.Token(alesco.RoleChair, "alesco", "")
	var out, errs bytes.Buffer
	next := alescotest.NextMeeting(t)
	m := &Main{Stdin: bytes.NewReader(script), Stdout: &out, Stderr: &errs, HTTPClient: env.Client, Now: env.Clock.Now,
		Getenv: func(k string) string {
			if k == "ALESCO_TOKEN" {
				return token
			}
			return ""
		}}
	if err := m.Run(context.Background(), []string{"meeting", "run", next.ID, "--server", env.URL}); err != nil {
		t.Fatalf("meeting run: %v\n%s", err, errs.String())
	}
	if errs.Len() > 0 {
		t.Errorf("stderr: %s", errs.String())
	}
	golden(t, "meeting-2026-12-03.replies.txt", out.String())
	md := env.Fetch("GET", "/minutes/"+next.ID+".md")
	if md.Status != 200 {
		t.Fatalf("export: %d %s", md.Status, md.Body)
	}
	golden(t, "meeting-2026-12-03.golden.md", string(md.Body))

	// The election is a decision: Jonathan Wright chairs from that day.
	c, err := env.App.Committee(context.Background(), "alesco")
	if err != nil {
		t.Fatal(err)
	}
	if tm, ok := c.ChairOn(next.Date); !ok || tm.MemberID != "jonathan-wright" || tm.StartedIn != next.ID {
		t.Errorf("chair after the meeting: %+v", tm)
	}
}

// TestMeetingRunRefusals: a refused line is reported with its number and
// what to type, the run goes on, and the exit status says something failed;
// a missing token or a server that refuses it stops at once.
func TestMeetingRunRefusals(t *testing.T) {
	env := meetingEnv(t)
	run := func(token, script string) (string, string, error) {
		var out, errs bytes.Buffer
		m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errs, HTTPClient: env.Client, Now: env.Clock.Now,
			Getenv: func(k string) string {
				if k == "ALESCO_TOKEN" {
					return token
				}
				return ""
			}}
		err := m.Run(context.Background(), []string{"meeting", "run", alescotest.NextMeeting(t).ID, "--server", env.URL})
		return out.String(), errs.String(), err
	}
	out, errs, err := run(env.Token(alesco.RoleChair, "alesco", ""), "startmeeting\nvote +1\npresent andrew\n")
	if err == nil || !strings.Contains(err.Error(), "1 of 3 commands were refused") {
		t.Errorf("exit: %v", err)
	}
	if errs != "line 2: refused: whose vote? type vote NAME +1\n" || !strings.Contains(out, "present: Andrew Lukoshko") {
		t.Errorf("stdout %q, stderr %q", out, errs)
	}
	_, errs, err = run("not-a-token", "status\nstatus\n")
	if err == nil || strings.Count(errs, "refused") != 1 {
		t.Errorf("a bad token: %v, %q", err, errs)
	}
	if _, _, err := run("", "status\n"); exitCode(err) != exitUsage {
		t.Errorf("no token: %v, want a usage error", err)
	}
}

// TestWatchSeesCLIVote: a vote recorded by the CLI on the server's database
// (another connection, as another process would be) reaches a gRPC stream
// client of the running server.
func TestWatchSeesCLIVote(t *testing.T) {
	env := meetingEnv(t)
	id := alescotest.NextMeeting(t).ID
	admin := alescotest.Admin(context.Background())
	if _, _, _, err := env.App.ChangeAttendance(admin, id, alesco.AttendanceChange{Action: alesco.AttendPresent, Who: "andrew ben jonathan neal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.OpenMotion(admin, id, "Accept RFC 17", 17); err != nil {
		t.Fatal(err)
	}
	// A bound on a broken stream, not a measurement: the store notices
	// another connection's commit within 250 ms.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := v1.NewMinutesServiceClient(env.Client, env.URL, connect.WithGRPC())
	stream, err := client.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: id}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if !stream.Receive() || len(stream.Msg().Minutes.Motions[0].Votes) != 0 {
		t.Fatalf("first record: %v %v", stream.Msg(), stream.Err())
	}
	var out, errs bytes.Buffer
	m := &Main{Stdin: strings.NewReader("vote neal +1\n"), Stdout: &out, Stderr: &errs, Now: env.Clock.Now}
	if err := m.Run(context.Background(), []string{"meeting", "run", id, "--db", env.DB.Path()}); err != nil {
		t.Fatalf("meeting run --db: %v %s", err, errs.String())
	}
	if !strings.Contains(out.String(), `"Accept RFC 17": +1 0 0`) {
		t.Errorf("reply: %q", out.String())
	}
	if !stream.Receive() {
		t.Fatalf("no record after the CLI's vote: %v", stream.Err())
	}
	if v := stream.Msg().Minutes.Motions[0].Votes; len(v) != 1 || v[0].MemberId != "neal-gompa" {
		t.Errorf("votes seen by the stream: %v", v)
	}
}
