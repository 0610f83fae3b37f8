package main

import (
	"strings"
	"testing"

	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestChanges: what the terminal says another front end changed, one
// line each.
func TestChanges(t *testing.T) {
	before := &alescov1.Minutes{
		Attendees: []*alescov1.Attendee{{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, Name: "Ben Thomas"}},
		Notes:     []*alescov1.Note{{Id: 1, Topic: "Kernels"}, {Id: 2, Topic: "Kernels", Text: "Typo"}},
		Motions: []*alescov1.Motion{{Id: 7, Number: 1, Title: "Accept RFC 17", Status: alescov1.MotionStatus_MOTION_STATUS_OPEN,
			Votes: []*alescov1.Vote{{MemberId: "ben", MemberName: "Ben Thomas", Value: alescov1.VoteValue_VOTE_VALUE_YES},
				{MemberId: "jonathan", MemberName: "Jonathan Wright", Value: alescov1.VoteValue_VOTE_VALUE_NO, Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC}}}},
	}
	after := &alescov1.Minutes{
		Status: alescov1.MinutesStatus_MINUTES_STATUS_FINAL,
		Attendees: []*alescov1.Attendee{{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, Name: "Ben Thomas", LeftTime: timestamppb.Now()},
			{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, Name: "Neal Gompa"}},
		Notes: []*alescov1.Note{{Id: 1, Topic: "Kernels"}, {Id: 3, Topic: "Kernels", Text: `Build for \<arch\>`}},
		Motions: []*alescov1.Motion{{Id: 7, Number: 1, Title: "Accept RFC 17", Status: alescov1.MotionStatus_MOTION_STATUS_CLOSED,
			Outcome: alescov1.MotionOutcome_MOTION_OUTCOME_PASSED,
			Votes: []*alescov1.Vote{{MemberId: "ben", MemberName: "Ben Thomas", Value: alescov1.VoteValue_VOTE_VALUE_YES},
				{MemberId: "neal", MemberName: "Neal Gompa", Value: alescov1.VoteValue_VOTE_VALUE_YES}}}},
		Decisions:   []*alescov1.Decision{{Text: "Backport the drivers"}},
		ActionItems: []*alescov1.ActionItem{{Id: 4, Number: 1, Owner: "Neal Gompa", Text: "Ask"}},
	}
	want := `Ben Thomas: left
Neal Gompa: present
noted under "Kernels": Build for \<arch\>
note withdrawn: Typo
Neal Gompa voted +1 on motion 1
Jonathan Wright withdrew their vote on motion 1
motion 1 closed: passed
agreed: Backport the drivers
action item 1 for Neal Gompa: Ask
the minutes are final`
	if got := strings.Join(changes(before, after), "\n"); got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
	if got := changes(after, after); len(got) != 0 {
		t.Errorf("no change: %q", got)
	}
}
