package server_test

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
)

// TestRunCommandAndChangeAttendance: the command language and incremental
// attendance over the API, in every protocol that can write.
func TestRunCommandAndChangeAttendance(t *testing.T) {
	for name, opts := range alescotest.Protocols {
		if name == "connect-get" {
			continue // writes are POSTs
		}
		t.Run(name, func(t *testing.T) {
			env := alescotest.New(t)
			next := alescotest.NextMeeting(t)
			env.Clock.Set(next.At(12, 2))
			ctx := context.Background()
			chair := v1.NewMinutesServiceClient(env.Client, env.URL, append(opts, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))...)
			neal := v1.NewMinutesServiceClient(env.Client, env.URL, append(opts, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "neal-gompa")))...)
			anon := v1.NewMinutesServiceClient(env.Client, env.URL, opts...)
			id := next.ID
			run := func(c v1.MinutesServiceClient, line string) (string, error) {
				resp, err := c.RunCommand(ctx, connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: id, Line: line}))
				if err != nil {
					return "", err
				}
				return resp.Msg.Reply, nil
			}
			att, err := chair.ChangeAttendance(ctx, connect.NewRequest(&alescov1.ChangeAttendanceRequest{MeetingId: id,
				Action: alescov1.AttendanceAction_ATTENDANCE_ACTION_PRESENT, Who: "andrew, ben, jonathan, neal"}))
			if err != nil || !att.Msg.QuorumReached || att.Msg.Minutes.MembersPresent != 4 || att.Msg.Minutes.Attendees[0].ArrivedTime == nil {
				t.Fatalf("ChangeAttendance: %v, %v", att, err)
			}
			for _, line := range []string{"topic #16", "motion Adopt the GitHub org management RFC"} {
				if _, err := run(chair, line); err != nil {
					t.Fatalf("%s: %v", line, err)
				}
			}
			reply, err := run(neal, "vote +1")
			if err != nil || reply != `motion 1 "Adopt the GitHub org management RFC": +1 0 0 (quorum 4 of 5 present)` {
				t.Fatalf("a member's own vote: %q, %v", reply, err)
			}
			if _, err := run(neal, "close"); alescotest.CodeOf(err) != connect.CodePermissionDenied {
				t.Errorf("a member closing: %v, want PermissionDenied", err)
			}
			if _, err := run(anon, "status"); alescotest.CodeOf(err) != connect.CodeUnauthenticated {
				t.Errorf("no token: %v, want Unauthenticated", err)
			}
			if _, err := run(chair, "dance"); alescotest.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "type help") {
				t.Errorf("unknown command: %v", err)
			}
			att, err = chair.ChangeAttendance(ctx, connect.NewRequest(&alescov1.ChangeAttendanceRequest{MeetingId: id,
				Action: alescov1.AttendanceAction_ATTENDANCE_ACTION_LEFT, Who: "ben"}))
			if err != nil || !att.Msg.QuorumLost || att.Msg.Minutes.QuorumMet {
				t.Fatalf("leaving: %v, %v", att, err)
			}
			if _, err := chair.ChangeAttendance(ctx, connect.NewRequest(&alescov1.ChangeAttendanceRequest{MeetingId: id, Who: "ben"})); alescotest.CodeOf(err) != connect.CodeInvalidArgument {
				t.Errorf("no action: %v, want InvalidArgument", err)
			}
			mn, err := anon.GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: id}))
			if err != nil {
				t.Fatal(err)
			}
			mo := mn.Msg.Minutes.Motions[0]
			if mo.Topic != "RFC #16" || mo.ProposalNumber != 16 || mo.Kind != alescov1.MotionKind_MOTION_KIND_UNSPECIFIED {
				t.Errorf("motion: %v", mo)
			}
		})
	}
}
