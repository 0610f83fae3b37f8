package server_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/icaltest"
	"github.com/almalinux/alesco/minutes"
	"github.com/emersion/go-ical"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// hostileValues are what an attacker or a careless chair sends: forged
// sections and list items, links breaking out of their destination,
// HTML, control characters and garbage, direction overrides, 900 KB, and
// values a names list or the minutes reader could misread.
var hostileValues = []string{
	"x\n\n## Decisions Adopted\n\n- RFC 99 was APPROVED",
	"### Action Items\n\n- [ ] Mallory: own it",
	"## Decisions Adopted", "### Action Items", "- [ ] Mallory: own it", "1. first", "* star", "> quote", "---",
	"https://example.com/a) [click me](javascript:alert(1)",
	"[click me](javascript:alert(1))", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
	"<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
	"\u0000\u0001 garbage \u00ff", "tab\there", "next\u0085line", "line\u2028separator", "Ann\u202Eeb",
	strings.Repeat("x", 900<<10),
	"N/A", "no one", "Simon and Garfunkel, Jr. & Co", "José 名前 😀", `back\slash \[x\] &amp; &#65;`, "{{ 7*7 }}", "   ",
}

// forgedLink is a Markdown link to a script, not escaped.
var forgedLink = regexp.MustCompile(`(^|[^\\])\]\(\s*<?(javascript|data):`)

// TestHostileInput sends every write RPC the hostile values in each of its
// text fields. Each answer is InvalidArgument, or the value is stored and
// the minutes (and the calendar) still export safely: the Markdown reads
// back with exactly the attendees, decisions and action items on record,
// three sections, no warnings and no script link; the feed parses.
func TestHostileInput(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	c := alescotest.Committee(t)
	staff := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	chair := v1.NewMeetingServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	meeting := alescotest.LastMeeting.ID
	members := func(extra ...*alescov1.Attendee) []*alescov1.Attendee {
		var as []*alescov1.Attendee
		for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
			as = append(as, &alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, MemberId: id})
		}
		return append(as, extra...)
	}
	ok(staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting, Attendees: members()})))(t)
	votes := ok(staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: "Async votes"})))(t).Motion.Id

	exportSafe := func(t *testing.T, id string) {
		t.Helper()
		_, m, err := env.App.GetMinutes(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		md := minutes.Text(c, m)
		back, warnings, err := minutes.Parse(c, id+".md", []byte(md))
		switch {
		case err != nil || len(warnings) > 0:
			t.Fatalf("the export does not read back cleanly (%v, %q):\n%s", err, warnings, md)
		case len(back.Attendees) != len(m.Attendees) || len(back.Decisions) != len(m.Decisions) || len(back.ActionItems) != len(m.ActionItems):
			t.Fatalf("the export reads back with %d attendees, %d decisions, %d action items; the record has %d, %d, %d:\n%s",
				len(back.Attendees), len(back.Decisions), len(back.ActionItems), len(m.Attendees), len(m.Decisions), len(m.ActionItems), md)
		case strings.Count(md, "\n## ") != 3:
			t.Fatalf("the export has %d sections:\n%s", strings.Count(md, "\n## "), md)
		case forgedLink.MatchString(md):
			t.Fatalf("the export links a script:\n%s", md)
		}
	}
	feedSafe := func(t *testing.T) {
		t.Helper()
		for _, path := range []string{"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true"} {
			r := env.Fetch("GET", path)
			cal, err := ical.NewDecoder(bytes.NewReader(r.Body)).Decode()
			if r.Status != 200 || err != nil {
				t.Fatalf("%s: %d, %v", path, r.Status, err)
			}
			if _, err := icaltest.Expand(cal, alescotest.Epoch, alescotest.Epoch.AddDate(1, 0, 0)); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if n := bytes.Count(r.Body, []byte("BEGIN:VEVENT")); n != len(cal.Events()) {
				t.Fatalf("%s: %d BEGIN:VEVENT lines, %d events", path, n, len(cal.Events()))
			}
		}
	}
	// answer accepts InvalidArgument, or ResourceExhausted for a request
	// over the 1 MB every request is held to.
	answer := func(t *testing.T, what string, err error) bool {
		t.Helper()
		if c := alescotest.CodeOf(err); err != nil && c != connect.CodeInvalidArgument && c != connect.CodeResourceExhausted {
			t.Fatalf("%s: %v, want InvalidArgument or success", what, err)
		}
		return err == nil
	}

	// Meetings to come, to cancel; meetings past, to finalize and amend.
	// (From 2026-12-10 to 2028-06-01, and from 2025-08-01 to 2026-11-10,
	// on the default today.)
	today := alescotest.Today()
	future := listMeetings(t, meetingClient(env), today.AddDays(15).Midnight(time.UTC), today.AddDays(554).Midnight(time.UTC))
	past := listMeetings(t, meetingClient(env), today.AddDays(-481).Midnight(time.UTC), today.AddDays(-15).Midnight(time.UTC))
	if len(future) < len(hostileValues) || len(past) < len(hostileValues) {
		t.Fatalf("%d meetings to come and %d past, want %d of each", len(future), len(past), len(hostileValues))
	}
	var motions []int64
	for i, v := range hostileValues {
		name := strings.NewReplacer("\n", `\n`, "\x00", `\0`).Replace(v)
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			_, err := staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting, Attendees: members(
				&alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY, Name: v},
				&alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_BOARD, Name: "benny Vasquez", Note: v})}))
			answer(t, "RecordAttendance", err)
			_, err = staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: v, Text: "note"}))
			answer(t, "AddNote.topic", err)
			_, err = staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: "Notes", Text: v}))
			answer(t, "AddNote.text", err)
			if resp, err := staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: v})); answer(t, "OpenMotion.title", err) {
				motions = append(motions, resp.Msg.Motion.Id)
			}
			_, err = staff.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: votes, MemberId: "lance-albertson",
				Value: alescov1.VoteValue_VOTE_VALUE_YES, Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC, ReferenceUrl: v}))
			answer(t, "CastVote.reference_url", err)
			_, err = staff.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: votes, MemberId: v, Value: alescov1.VoteValue_VOTE_VALUE_YES}))
			if c := alescotest.CodeOf(err); c != connect.CodeInvalidArgument && c != connect.CodePermissionDenied && c != connect.CodeResourceExhausted {
				t.Errorf("CastVote.member_id: %v", err)
			}
			_, err = staff.AddActionItem(ctx, connect.NewRequest(&alescov1.AddActionItemRequest{MeetingId: meeting, Owner: v, Text: "act"}))
			answer(t, "AddActionItem.owner", err)
			_, err = staff.AddActionItem(ctx, connect.NewRequest(&alescov1.AddActionItemRequest{MeetingId: meeting, Text: v}))
			answer(t, "AddActionItem.text", err)
			exportSafe(t, meeting)

			// Finalize another meeting with the value as its recorder, then
			// amend it with the value as reason, and as text.
			other := past[i].Id
			ok(staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: other, Topic: "Open floor", Text: "Nothing"})))(t)
			_, err = staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: other, RecordedBy: []string{v}, EditedBy: []string{"Ann", v}}))
			if !answer(t, "FinalizeMinutes.recorded_by", err) {
				ok(staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: other})))(t)
			}
			exportSafe(t, other)
			_, err = staff.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: other, Reason: "fix", Markdown: v}))
			answer(t, "AmendMinutes.markdown", err)
			_, err = staff.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: other, Reason: v}))
			answer(t, "AmendMinutes.reason", err)
			exportSafe(t, other)
			_, err = staff.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: v, Markdown: v}))
			answer(t, "ImportMinutes", err)

			// The calendar: a cancellation reason, an added meeting's title,
			// place and link.
			_, err = chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: future[i].Id, Reason: v}))
			if c := alescotest.CodeOf(err); err != nil && c != connect.CodeInvalidArgument {
				t.Errorf("CancelMeeting.reason: %v", err)
			}
			at := alescotest.NY(today.AddDays(96+i), 10, 0)
			for _, req := range []*alescov1.AddMeetingRequest{
				{CommitteeId: "alesco", StartTime: timestamppb.New(at), Title: v},
				{CommitteeId: "alesco", StartTime: timestamppb.New(at.Add(2 * time.Hour)), Location: v},
				{CommitteeId: "alesco", StartTime: timestamppb.New(at.Add(4 * time.Hour)), JoinUrl: v},
			} {
				_, err := chair.AddMeeting(ctx, connect.NewRequest(req))
				answer(t, "AddMeeting", err)
			}
			feedSafe(t)
		})
	}
	// The motions with hostile titles decide: their decisions are safe too.
	for _, id := range append(motions, votes) {
		ok(staff.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: id, OutcomeOverride: alescov1.MotionOutcome_MOTION_OUTCOME_TABLED})))(t)
	}
	ok(staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: meeting, RecordedBy: []string{"Andrew Lukoshko"}})))(t)
	exportSafe(t, meeting)
	if rep, err := env.App.VerifyAudit(ctx, nil); err != nil {
		t.Fatalf("audit after the hostile writes: %+v, %v", rep, err)
	}

	// Hostile ids and committee ids are not found, or not valid: never a
	// server failure.
	proposals := v1.NewProposalServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleAdmin, "alesco", "")))
	for _, v := range hostileValues {
		for name, call := range map[string]func() error{
			"AddNote.meeting_id": func() error {
				_, err := staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: v, Text: "x"}))
				return err
			},
			"CancelMeeting.meeting_id": func() error {
				_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: v, Reason: "x"}))
				return err
			},
			"AddMeeting.committee_id": func() error {
				_, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: v, StartTime: timestamppb.New(alescotest.NY(today.AddDays(157), 11, 0))}))
				return err
			},
			"SyncProposals.committee_id": func() error {
				_, err := proposals.SyncProposals(ctx, connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: v}))
				return err
			},
			"ImportMinutes.committee_id": func() error {
				_, err := staff.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: v, Markdown: "# x"}))
				return err
			},
		} {
			switch err := call(); alescotest.CodeOf(err) {
			case connect.CodeInvalidArgument, connect.CodeNotFound, connect.CodePermissionDenied, connect.CodeResourceExhausted:
			default:
				t.Errorf("%s = %.40q: %v", name, v, err)
			}
		}
	}

	// Bytes that are not UTF-8 cannot reach any field: the JSON protocol
	// refuses them.
	r := env.Post(v1.MinutesServiceAddNoteProcedure, `{"meetingId":"`+meeting+`","topic":"x","text":"garbage `+"\xff"+`"}`,
		"Content-Type", "application/json", "Authorization", "Bearer "+env.Token(alesco.RoleSecretary, "alesco", ""))
	if r.Status != 400 || !strings.Contains(string(r.Body), "invalid_argument") {
		t.Fatalf("invalid UTF-8: %d %s", r.Status, r.Body)
	}
}
