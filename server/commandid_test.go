package server_test

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestRunCommandOnce: a command sent again under the same command_id (a
// client retrying after a lost answer) is not run twice: the first reply
// comes back, marked replayed, and the record holds the change once. The
// same id in another meeting, or no id, is another command; a bad id is
// refused.
func TestRunCommandOnce(t *testing.T) {
	env := alescotest.New(t)
	ms := alescotest.Meetings(t, 2)
	next := ms[0]
	env.Clock.Set(next.At(12, 2))
	ctx := context.Background()
	chair := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	run := func(meetingID, commandID, line string) *alescov1.RunCommandResponse {
		t.Helper()
		resp, err := chair.RunCommand(ctx, connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: meetingID, Line: line, CommandId: commandID}))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return resp.Msg
	}
	run(next.ID, "c1", "startmeeting")
	first := run(next.ID, "c2", "info Noted once")
	again := run(next.ID, "c2", "info Noted once")
	if first.Replayed || !again.Replayed || again.Reply != first.Reply {
		t.Fatalf("first %v, again %v: want the first reply replayed", first, again)
	}
	if r := run(next.ID, "c3", "status"); r.Replayed {
		t.Errorf("a new id replayed: %v", r)
	}
	// A read changes nothing and is simply answered again.
	if r := run(next.ID, "c3", "status"); r.Replayed || !strings.Contains(r.Reply, "quorum") {
		t.Errorf("status again: %v", r)
	}
	// A refused command is not on record: fixed and sent again it runs.
	if _, err := chair.RunCommand(ctx, connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: next.ID, Line: "vote +1", CommandId: "c4"})); err == nil {
		t.Fatal("a vote without a motion ran")
	}
	run(next.ID, "c5", "info Without an id")
	run(next.ID, "", "info Without an id")
	_, m, err := env.App.GetMinutes(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range m.Notes {
		count[n.Text]++
	}
	if count["Noted once"] != 1 || count["Without an id"] != 2 {
		t.Errorf("notes %v", count)
	}
	for _, bad := range []string{strings.Repeat("x", 65), "two words", "tab\there"} {
		_, err := chair.RunCommand(ctx, connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: next.ID, Line: "info x", CommandId: bad}))
		if alescotest.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("command_id %q: %v, want InvalidArgument", bad, err)
		}
	}
}
