package server_test

import (
	"context"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// receive waits for the stream's next record, skipping keep-alives,
// failing the test when the stream ends first (the stream's context
// bounds the wait).
func receive(t *testing.T, s *connect.ServerStreamForClient[alescov1.WatchMinutesResponse]) *alescov1.Minutes {
	t.Helper()
	for {
		if !s.Receive() {
			t.Fatalf("the stream ended: %v", s.Err())
		}
		if !s.Msg().KeepAlive {
			return s.Msg().Minutes
		}
	}
}

// TestWatchMinutes: a public stream sends the record on connect and after
// each change, over Connect, gRPC and gRPC-Web alike, and ends when the
// server shuts down.
func TestWatchMinutes(t *testing.T) {
	for _, name := range []string{"connect", "connect-json", "grpc", "grpc-web"} {
		t.Run(name, func(t *testing.T) {
			env := alescotest.New(t)
			ms := alescotest.Meetings(t, 2)
			env.Clock.Set(ms[0].At(12, 2))
			admin := alescotest.Admin(context.Background())
			id := ms[0].ID
			// Generous: a bound on a broken stream, not a measurement.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			client := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.Protocols[name]...)
			stream, err := client.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: id}))
			if err != nil {
				t.Fatal(err)
			}
			defer stream.Close()
			if m := receive(t, stream); m.MeetingId != id || len(m.Attendees) != 0 || m.Status != alescov1.MinutesStatus_MINUTES_STATUS_DRAFT {
				t.Fatalf("first record: %v, want an empty draft", m)
			}
			if _, _, _, err := env.App.ChangeAttendance(admin, id, alesco.AttendanceChange{Action: alesco.AttendPresent, Who: "andrew ben jonathan neal"}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, stream); m.MembersPresent != 4 || !m.QuorumMet {
				t.Fatalf("after attendance: %d present", m.MembersPresent)
			}
			// A write about another meeting sends nothing; the next one does.
			if _, err := env.App.CancelMeeting(admin, ms[1].ID, "holidays"); err != nil {
				t.Fatal(err)
			}
			mo, err := env.App.OpenMotion(admin, id, "Accept RFC 17", 17)
			if err != nil {
				t.Fatal(err)
			}
			if m := receive(t, stream); len(m.Motions) != 1 || m.Motions[0].Id != mo.ID {
				t.Fatalf("after the motion: %v", m.Motions)
			}
			if _, err := env.App.CastVote(admin, app.VoteRequest{MotionID: mo.ID, MemberID: "neal-gompa", Value: alesco.VoteYes}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, stream); m.Motions[0].Tally.Yes != 1 || m.Motions[0].Votes[0].MemberName != "Neal Gompa" {
				t.Fatalf("after the vote: %v", m.Motions[0])
			}
			env.Server.Stop()
			if stream.Receive() {
				t.Fatalf("the stream went on after Stop: %v", stream.Msg())
			}
			if err := stream.Err(); err != nil {
				t.Errorf("the stream ended with %v, want a clean end", err)
			}
		})
	}
	t.Run("unknown meeting", func(t *testing.T) {
		env := alescotest.New(t)
		client := v1.NewMinutesServiceClient(env.Client, env.URL, connect.WithGRPC())
		stream, err := client.WatchMinutes(context.Background(), connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: alescotest.DayID(alescotest.NextMeeting(t).Date.AddDays(1))}))
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if stream.Receive() || alescotest.CodeOf(stream.Err()) != connect.CodeNotFound {
			t.Errorf("no such meeting: %v, want NotFound", stream.Err())
		}
	})
}
