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

// TestElectionsAreDecisions: a chair election and an appointment passed in
// a meeting change the committee from that day; GetCommittee shows each
// term with its source. The charter's term limit refuses a third term.
func TestElectionsAreDecisions(t *testing.T) {
	env := alescotest.New(t)
	// 2026-12-03 and 12-17 on the default today.
	ms := alescotest.Meetings(t, 2)
	id, day := ms[0].ID, ms[0].Date.String()
	env.Clock.Set(ms[0].At(12, 2))
	ctx := context.Background()
	minutes := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	committees := v1.NewCommitteeServiceClient(env.Client, env.URL)
	run := func(line string) (string, error) {
		resp, err := minutes.RunCommand(ctx, connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: id, Line: line}))
		if err != nil {
			return "", err
		}
		return resp.Msg.Reply, nil
	}
	get := func() *alescov1.Committee {
		t.Helper()
		resp, err := committees.GetCommittee(ctx, connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
		if err != nil {
			t.Fatal(err)
		}
		return resp.Msg.Committee
	}
	before := get()
	if before.CurrentChairId != "andrew-lukoshko" || before.CurrentChairSource != alescov1.RosterSource_ROSTER_SOURCE_CONFIG || !before.ChairTermExpired {
		t.Fatalf("before: chair %s from %v, expired %v", before.CurrentChairId, before.CurrentChairSource, before.ChairTermExpired)
	}
	for _, line := range []string{"startmeeting", "present andrew ben jonathan neal", "next"} {
		if _, err := run(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	_, err := run("elect andrew")
	if alescotest.CodeOf(err) != connect.CodeFailedPrecondition || !strings.Contains(err.Error(), `"the chair cannot serve more than 2 consecutive terms (1 year) as chair" (charter)`) {
		t.Fatalf("a third term in a row: %v, want FailedPrecondition quoting the rule", err)
	}
	for _, line := range []string{"elect jonathan", "vote andrew +1", "vote ben +1", "vote jonathan +1", "vote neal -1", "close",
		"appoint Luna Jernberg", "vote andrew +1", "vote ben +1", "vote jonathan +1", "vote neal +1", "close"} {
		if _, err := run(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	after := get()
	if after.CurrentChairId != "jonathan-wright" || after.CurrentChairSource != alescov1.RosterSource_ROSTER_SOURCE_DECISION ||
		after.CurrentChairElectedInMeetingId != id || after.ChairTermExpired {
		t.Errorf("after: chair %s from %v in %s, expired %v", after.CurrentChairId, after.CurrentChairSource, after.CurrentChairElectedInMeetingId, after.ChairTermExpired)
	}
	terms := after.ChairTerms
	last, prev := terms[len(terms)-1], terms[len(terms)-2]
	// A six-month term (the charter): due 2027-06-03 on the default today.
	if last.MemberId != "jonathan-wright" || last.StartDate != day || last.DueDate != ms[0].Date.AddMonths(6).String() ||
		prev.MemberId != "andrew-lukoshko" || prev.EndDate != day || prev.Source != alescov1.RosterSource_ROSTER_SOURCE_CONFIG || prev.EndedInMeetingId != id {
		t.Errorf("chair terms: %v", terms)
	}
	var luna *alescov1.Member
	for _, m := range after.Members {
		if m.Id == "luna-jernberg" {
			luna = m
		}
	}
	if luna == nil || !luna.Current || luna.Source != alescov1.RosterSource_ROSTER_SOURCE_DECISION || luna.Terms[0].StartedInMeetingId != id {
		t.Errorf("the appointed member: %v", luna)
	}
	if after.RosterSize != 6 || after.QuorumRequired != 4 {
		t.Errorf("roster %d, quorum %d; want 6 and 4", after.RosterSize, after.QuorumRequired)
	}
	// The new member is on the roster: she may be given a token and vote.
	if _, _, err := env.App.CreateToken(alescotest.Admin(ctx), alesco.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "luna-jernberg"}); err != nil {
		t.Errorf("a token for the new member: %v", err)
	}
	if _, err := run("present luna"); err != nil {
		t.Errorf("the new member's attendance: %v", err)
	}
	// The next agenda no longer calls an election.
	ag, err := v1.NewAgendaServiceClient(env.Client, env.URL).GetAgenda(ctx, connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: ms[1].ID}))
	if err != nil || ag.Msg.Agenda.ChairElection.GetDue() {
		t.Errorf("next agenda's chair election: %v, %v", ag.Msg.GetAgenda().GetChairElection(), err)
	}
}
