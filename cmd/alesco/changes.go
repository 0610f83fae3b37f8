package main

import (
	"fmt"
	"strings"

	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
)

// changes says, one line each, what changed in a meeting's record from
// before to after: what the terminal tells of the other front ends.
func changes(before, after *alescov1.Minutes) []string {
	var out []string
	out = append(out, attendanceChanges(before, after)...)
	out = append(out, noteChanges(before, after)...)
	out = append(out, motionChanges(before, after)...)
	for i := len(before.Decisions); i < len(after.Decisions); i++ {
		if after.Decisions[i].MotionId == 0 {
			out = append(out, "agreed: "+after.Decisions[i].Text)
		}
	}
	if len(after.Decisions) < len(before.Decisions) {
		out = append(out, "a decision was withdrawn")
	}
	had := map[int64]*alescov1.ActionItem{}
	for _, a := range before.ActionItems {
		had[a.Id] = a
	}
	for _, a := range after.ActionItems {
		switch old := had[a.Id]; {
		case old == nil:
			out = append(out, fmt.Sprintf("action item %d for %s: %s", a.Number, a.Owner, a.Text))
		case a.Done && !old.Done:
			out = append(out, fmt.Sprintf("action item %d done: %s", a.Number, a.Text))
		}
		delete(had, a.Id)
	}
	for _, a := range had {
		out = append(out, "action item withdrawn: "+a.Text)
	}
	if after.Status == alescov1.MinutesStatus_MINUTES_STATUS_FINAL && before.Status != after.Status {
		out = append(out, "the minutes are final")
	}
	return out
}

func attendanceOf(a *alescov1.Attendee) string {
	switch {
	case a.Absent:
		return "unable to attend"
	case a.LeftTime != nil:
		return "left"
	case a.Kind == alescov1.AttendeeKind_ATTENDEE_KIND_BOARD:
		return "attends (board)"
	case a.Kind != alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER:
		return "attends"
	}
	return "present"
}

func attendanceChanges(before, after *alescov1.Minutes) []string {
	was := map[string]string{}
	for _, a := range before.Attendees {
		was[a.Name] = attendanceOf(a)
	}
	var out []string
	for _, a := range after.Attendees {
		if now := attendanceOf(a); was[a.Name] != now {
			out = append(out, a.Name+": "+now)
		}
	}
	return out
}

func noteChanges(before, after *alescov1.Minutes) []string {
	had := map[int64]*alescov1.Note{}
	for _, n := range before.Notes {
		had[n.Id] = n
	}
	var out []string
	for _, n := range after.Notes {
		switch {
		case had[n.Id] != nil:
		case n.Text == "":
			out = append(out, "topic: "+n.Topic)
		default:
			out = append(out, fmt.Sprintf("noted under %q: %s", n.Topic, n.Text))
		}
		delete(had, n.Id)
	}
	for _, n := range had {
		if n.Text != "" {
			out = append(out, "note withdrawn: "+n.Text)
		}
	}
	return out
}

var voteWords = map[alescov1.VoteValue]string{alescov1.VoteValue_VOTE_VALUE_YES: "+1", alescov1.VoteValue_VOTE_VALUE_ABSTAIN: "0", alescov1.VoteValue_VOTE_VALUE_NO: "-1"}

func motionChanges(before, after *alescov1.Minutes) []string {
	had := map[int64]*alescov1.Motion{}
	for _, m := range before.Motions {
		had[m.Id] = m
	}
	var out []string
	for _, m := range after.Motions {
		old := had[m.Id]
		if old == nil {
			old = &alescov1.Motion{Status: alescov1.MotionStatus_MOTION_STATUS_OPEN}
			out = append(out, fmt.Sprintf("motion %d: %s", m.Number, m.Title))
		}
		cast := map[string]alescov1.VoteValue{}
		for _, v := range old.Votes {
			cast[v.MemberId] = v.Value
		}
		for _, v := range m.Votes {
			if w, ok := cast[v.MemberId]; !ok || w != v.Value {
				out = append(out, fmt.Sprintf("%s voted %s on motion %d", v.MemberName, voteWords[v.Value], m.Number))
			}
			delete(cast, v.MemberId)
		}
		for _, v := range old.Votes {
			if _, gone := cast[v.MemberId]; gone {
				out = append(out, fmt.Sprintf("%s withdrew their vote on motion %d", v.MemberName, m.Number))
			}
		}
		if m.Status != old.Status && m.Status == alescov1.MotionStatus_MOTION_STATUS_CLOSED {
			outcome := strings.ToLower(strings.TrimPrefix(m.Outcome.String(), "MOTION_OUTCOME_"))
			out = append(out, fmt.Sprintf("motion %d closed: %s", m.Number, outcome))
		}
	}
	return out
}
