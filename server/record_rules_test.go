package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestRecordFollowsTheMeeting: minutes are taken from an hour before a
// meeting starts, a meeting is HELD only once it started and has minutes,
// and minutes are finalized only after the start; all on the server's one
// clock.
func TestRecordFollowsTheMeeting(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	// 2026-12-03, 12-17 and 12-31 on the default today.
	ms := alescotest.Meetings(t, 3)
	staff := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	meetings := v1.NewMeetingServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	status := func(id string) alescov1.MeetingStatus {
		t.Helper()
		return ok(meetings.GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: id})))(t).Meeting.Status
	}
	note := func(id string) error {
		_, err := staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: id, Topic: "Open floor", Text: "early"}))
		return err
	}

	// Days ahead, and thousands of years ahead: refused, nothing held.
	wantCode(t, note(ms[0].ID), connect.CodeFailedPrecondition, "can be recorded from "+ms[0].At(11, 0).Format("2006-01-02 15:04 MST"))
	_, err := staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: "alesco-9999-01-07",
		Attendees: []*alescov1.Attendee{{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY, Name: "Time Traveller"}}}))
	if c := alescotest.CodeOf(err); c != connect.CodeFailedPrecondition && c != connect.CodeNotFound {
		t.Fatalf("attendance in 9999: %v, want FailedPrecondition (or NotFound beyond the horizon)", err)
	}
	if s := status(ms[0].ID); s != alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED {
		t.Fatalf("%s is %v after a refused early note", ms[0].ID, s)
	}
	next := ok(meetings.GetNextMeeting(ctx, connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"})))(t).Meeting
	if next.Id != ms[0].ID || next.Status != alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED {
		t.Fatalf("next meeting %s is %v", next.Id, next.Status)
	}

	// Half an hour before the meeting after it the secretary opens its
	// record: the meeting is not held yet and cannot be finalized, nor
	// cancelled.
	start := ms[1].Start
	env.Clock.Set(start.Add(-30 * time.Minute))
	if err := note(ms[1].ID); err != nil {
		t.Fatal(err)
	}
	if s := status(ms[1].ID); s != alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED {
		t.Fatalf("a meeting with a draft record, before its start, is %v", s)
	}
	_, err = staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: ms[1].ID}))
	wantCode(t, err, connect.CodeFailedPrecondition, "has not started yet")
	_, err = meetings.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID, Reason: "no quorum"}))
	wantCode(t, err, connect.CodeFailedPrecondition, "has minutes")

	// A cancelled meeting takes none.
	_, err = meetings.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[2].ID, Reason: "Holidays"}))
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(ms[2].Start)
	wantCode(t, note(ms[2].ID), connect.CodeFailedPrecondition, "was cancelled (Holidays): it takes no minutes")

	env.Clock.Set(start.Add(5 * time.Minute))
	if s := status(ms[1].ID); s != alescov1.MeetingStatus_MEETING_STATUS_HELD {
		t.Fatalf("a started meeting with minutes is %v, want HELD", s)
	}
	ok(staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: ms[1].ID})))(t)
}

// TestVoteRulesOverAPI: live votes need presence and quorum, async votes an
// http(s) link, and no request enum takes a number the API does not define.
func TestVoteRulesOverAPI(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	meeting := alescotest.LastMeeting.ID
	motion := setupMotion(t, env, meeting) // four of five present; Lance is not listed
	staff := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	lance := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "lance-albertson")))
	yes := alescov1.VoteValue_VOTE_VALUE_YES
	vote := func(c v1.MinutesServiceClient, req *alescov1.CastVoteRequest) error {
		_, err := c.CastVote(ctx, connect.NewRequest(req))
		return err
	}
	wantCode(t, vote(lance, &alescov1.CastVoteRequest{MotionId: motion.ID, Value: yes}), connect.CodeFailedPrecondition,
		"Lance Albertson is not recorded present")
	for url, msg := range map[string]string{
		"javascript:alert(1)": "http(s)", "data:text/html,x": "http(s)", "": "reference_url",
		"https://example.com/a) [click me](javascript:alert(1)": "may not contain",
	} {
		wantCode(t, vote(staff, &alescov1.CastVoteRequest{MotionId: motion.ID, MemberId: "lance-albertson", Value: yes,
			Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC, ReferenceUrl: url}), connect.CodeInvalidArgument, msg)
	}

	// Unknown enum numbers, on every request that carries one.
	enums := map[string]func() error{
		"CastVote.source": func() error {
			return vote(staff, &alescov1.CastVoteRequest{MotionId: motion.ID, MemberId: "neal-gompa", Value: yes, Source: 99})
		},
		"CastVote.value": func() error {
			return vote(staff, &alescov1.CastVoteRequest{MotionId: motion.ID, MemberId: "neal-gompa", Value: 99})
		},
		"CastDecidingVote.value": func() error {
			_, err := staff.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: motion.ID, Value: 99}))
			return err
		},
		"CloseMotion.outcome_override": func() error {
			_, err := staff.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: motion.ID, OutcomeOverride: 99}))
			return err
		},
		"RecordAttendance.attendees.kind": func() error {
			_, err := staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting,
				Attendees: []*alescov1.Attendee{{Kind: 99, Name: "x"}}}))
			return err
		},
		"ListProposals.states": func() error {
			_, err := v1.NewProposalServiceClient(env.Client, env.URL).ListProposals(ctx, connect.NewRequest(&alescov1.ListProposalsRequest{
				CommitteeId: "alesco", States: []alescov1.ProposalState{99}}))
			return err
		},
	}
	for name, call := range enums {
		if err := call(); alescotest.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s = 99: %v, want InvalidArgument", name, err)
		}
	}
	got, err := env.App.GetMeeting(ctx, meeting)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != alesco.MeetingHeld {
		t.Fatalf("meeting %v", got.Status)
	}
	_, m, err := env.App.GetMinutes(ctx, meeting)
	if err != nil {
		t.Fatal(err)
	}
	if mo, _ := m.Motion(motion.ID); len(mo.Votes) != 4 || mo.Status != alesco.MotionOpen {
		t.Fatalf("refused requests changed the motion: %d votes, %v", len(mo.Votes), mo.Status)
	}

	// Neal leaves: below quorum, nobody votes live any more.
	var present []*alescov1.Attendee
	for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright"} {
		present = append(present, &alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, MemberId: id})
	}
	ok(staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting, Attendees: present})))(t)
	wantCode(t, vote(staff, &alescov1.CastVoteRequest{MotionId: motion.ID, MemberId: "ben-thomas", Value: yes}),
		connect.CodeFailedPrecondition, "quorum not met: 3 of 5 members present, 4 required")
}

// TestAddMeetingTitleRules: the meeting title obeys the one-line rule too.
func TestAddMeetingTitleRules(t *testing.T) {
	env := alescotest.New(t)
	_, err := chairClient(env).AddMeeting(context.Background(), connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco",
		StartTime: timestamppb.New(alescotest.NY(alescotest.Today().AddDays(41), 12, 0)), Title: "Extra\n\n## Decisions Adopted"}))
	wantCode(t, err, connect.CodeInvalidArgument, "title must be one line")
}

// TestAmendNeedsCompleteMinutes: an amendment's text must be complete
// minutes of that meeting, or it is refused and nothing is wiped; a good one
// answers with what changed.
func TestAmendNeedsCompleteMinutes(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	admin := alescotest.Admin(ctx)
	past := alescotest.PastMeetings(t, 3) // 2026-10-22, 11-05, 11-19 on the default today
	meeting, day, other := past[0].ID, past[0].Date.String(), past[1].Date.String()
	var as []alesco.Attendee
	for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
	}
	if _, _, err := env.App.RecordAttendance(admin, meeting, as); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.AddNote(admin, meeting, alesco.Note{Topic: "Open floor", Text: "Nothing new"}); err != nil {
		t.Fatal(err)
	}
	_, final, err := env.App.FinalizeMinutes(admin, meeting, []string{"Andrew Lukoshko"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chair := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	amend := func(md string) error {
		_, err := chair.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: meeting, Reason: "fix", Markdown: md}))
		return err
	}
	for name, tc := range map[string]struct{ md, msg string }{
		"garbage":          {"\u0000\u0001 garbage \u00ff", "control character"},
		"no sections":      {"# ALESCo Meeting Minutes (" + day + ")\n\nJust a sentence.\n", `no "## Members" with its attendance, no "## Decisions Adopted", no "## Minutes" section`},
		"only minutes":     {"# ALESCo Meeting Minutes (" + day + ")\n\n## Minutes\n\n- x\n", `no "## Members" with its attendance, no "## Decisions Adopted" section`},
		"another meeting":  {strings.Replace(final.Markdown, day, other, 1), "dated " + other + ", but meeting " + meeting + " was on " + day},
		"forged attendees": {strings.Replace(final.Markdown, "- Neal Gompa", "- Neal Gompa\n- "+strings.Repeat("x", 300), 1), "attendee 5: name is too long"},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, amend(tc.md), connect.CodeInvalidArgument, tc.msg)
		})
	}
	// The same garbage with a byte that is not UTF-8, as curl sends it.
	r := env.Post("/alesco.v1.MinutesService/AmendMinutes", `{"meetingId":"`+meeting+`","reason":"fix","markdown":"\u0000\u0001 garbage `+"\xff"+`"}`,
		"Content-Type", "application/json", "Authorization", "Bearer "+env.Token(alesco.RoleChair, "alesco", ""))
	if r.Status != 400 || !strings.Contains(string(r.Body), "invalid_argument") {
		t.Fatalf("invalid UTF-8 over JSON: %d %s", r.Status, r.Body)
	}
	_, m, err := env.App.GetMinutes(ctx, meeting)
	if err != nil {
		t.Fatal(err)
	}
	if m.Revision != 1 || m.Markdown != final.Markdown || len(m.Attendees) != 4 || len(m.Notes) != 1 {
		t.Fatalf("refused amendments changed the minutes: revision %d, %d attendees, %d notes", m.Revision, len(m.Attendees), len(m.Notes))
	}

	fixed := strings.Replace(final.Markdown, "- Neal Gompa\n", "- Neal Gompa\n\n### Community Attendees\n\n- Luna Jernberg\n", 1)
	fixed = strings.Replace(fixed, "### Community Attendees\n\n## Decisions", "## Decisions", 1)
	resp2, err := chair.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: meeting, Reason: "Luna was there", Markdown: fixed}))
	if err != nil {
		t.Fatalf("%v\n%s", err, fixed)
	}
	if s := resp2.Msg.Summary; s.Revision != 2 || len(s.AttendeesAdded) != 1 || s.AttendeesAdded[0] != "Luna Jernberg (community)" ||
		len(s.AttendeesRemoved)+len(s.DecisionsAdded)+len(s.DecisionsRemoved)+len(s.TopicsChanged) != 0 || len(s.Lines) != 1 {
		t.Fatalf("summary %+v\n%s", s, fixed)
	}
}
