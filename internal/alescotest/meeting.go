package alescotest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// DecisionMeeting is the meeting DecideRFCs records: the next meeting
// after Epoch (alesco-2026-12-03, noon in New York, on the default Today).
var DecisionMeeting = nextMeetings(1)[0].ID

// DuringDecisionMeeting is five minutes into DecisionMeeting: minutes may
// be recorded and finalized then.
var DuringDecisionMeeting = nextMeetings(1)[0].Start.Add(5 * time.Minute)

// DecideRFCs records DecisionMeeting through the API as a secretary would
// (token: a staff token of alesco): four of five members present, RFC #17
// accepted (+4, 0, -1), RFC #18 rejected (+1, 0, -3), then finalizes the
// minutes. The caller sets the clock to DuringDecisionMeeting first.
func DecideRFCs(t testing.TB, client *http.Client, baseURL, token string) *alescov1.Minutes {
	t.Helper()
	ctx := context.Background()
	mc := v1.NewMinutesServiceClient(client, baseURL, WithToken(token))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("recording %s: %v", DecisionMeeting, err)
		}
	}
	member := func(id string, absent bool) *alescov1.Attendee {
		return &alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, MemberId: id, Absent: absent}
	}
	_, err := mc.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: DecisionMeeting, Attendees: []*alescov1.Attendee{
		member("andrew-lukoshko", false), member("ben-thomas", false), member("jonathan-wright", false),
		member("neal-gompa", false), member("lance-albertson", true),
		{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_BOARD, Name: "benny Vasquez"},
	}}))
	must(err)
	yes, no := alescov1.VoteValue_VOTE_VALUE_YES, alescov1.VoteValue_VOTE_VALUE_NO
	for _, motion := range []struct {
		title    string
		proposal int32
		votes    map[string]alescov1.VoteValue
	}{
		{"Accept RFC 0007: Add alternative signed newer kernels", 17, map[string]alescov1.VoteValue{
			"andrew-lukoshko": yes, "ben-thomas": yes, "jonathan-wright": yes, "neal-gompa": yes}},
		{"Accept RFC 0008: Permit the AlmaLinux name on community-built spins", 18, map[string]alescov1.VoteValue{
			"andrew-lukoshko": no, "ben-thomas": no, "jonathan-wright": no, "neal-gompa": yes}},
	} {
		resp, err := mc.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: DecisionMeeting, Title: motion.title, ProposalNumber: motion.proposal}))
		must(err)
		id := resp.Msg.Motion.Id
		for _, m := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
			_, err := mc.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: id, MemberId: m, Value: motion.votes[m]}))
			must(err)
		}
		// Lance, absent, voted async on #17 in the pull request.
		if motion.proposal == 17 {
			_, err := mc.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: id, MemberId: "lance-albertson", Value: no,
				Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC, ReferenceUrl: "https://github.com/AlmaLinux/ALESCo/pull/17#issuecomment-1"}))
			must(err)
		}
		_, err = mc.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: id}))
		must(err)
	}
	fin, err := mc.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: DecisionMeeting, RecordedBy: []string{"Jonathan Wright"}}))
	must(err)
	return fin.Msg.Minutes
}
