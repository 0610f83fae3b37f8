package alesco_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// The minutes lifecycle, pure: no store, no server.

var (
	recordNow = time.Date(2026, 11, 19, 17, 30, 0, 0, time.UTC)
	render    = func(m *alesco.Minutes) string { return "# minutes of " + m.MeetingID + "\n" }
)

// draft is the draft minutes of 2026-11-19 with the given members present
// (everyone else on the roster that day absent).
func draft(t *testing.T, present ...string) (*alesco.Committee, *alesco.Minutes) {
	t.Helper()
	c := alescotest.Committee(t)
	d := alescotest.Date("2026-11-19")
	m := alesco.NewMinutes(alesco.Meeting{ID: "alesco-2026-11-19", CommitteeID: "alesco", Start: d.At(12, 0, c.Location), Location: c.Location})
	var as []alesco.Attendee
	for _, mem := range c.Roster(d) {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: mem.ID, Absent: !slices.Contains(present, mem.ID)})
	}
	if err := m.RecordAttendance(c, as); err != nil {
		t.Fatal(err)
	}
	return c, m
}

var four = []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"}

// motion opens a motion in m and gives it an id, as saving would.
func motion(t *testing.T, c *alesco.Committee, m *alesco.Minutes, votes map[string]alesco.VoteValue) *alesco.Motion {
	t.Helper()
	mo, err := m.OpenMotion(c, "Accept RFC 16", 16, recordNow)
	if err != nil {
		t.Fatal(err)
	}
	mo.ID = int64(len(m.Motions))
	for _, id := range four {
		if v, ok := votes[id]; ok {
			if _, _, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: id, Value: v}, recordNow); err != nil {
				t.Fatal(err)
			}
		}
	}
	return mo
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if alesco.ErrorCode(err) != code || !strings.Contains(alesco.ErrorMessage(err), msg) {
		t.Fatalf("err = %v, want %s containing %q", err, code, msg)
	}
}

func TestMembersPresent(t *testing.T) {
	c := alescotest.Committee(t)
	m := &alesco.Minutes{Date: alescotest.Date("2026-11-19"), Attendees: []alesco.Attendee{
		{Kind: alesco.AttendeeMember, MemberID: "andrew-lukoshko", Name: "Andrew Lukoshko"},
		{Kind: alesco.AttendeeMember, MemberID: "neal-gompa", Name: "Neal Gompa", Absent: true},
		{Kind: alesco.AttendeeMember, MemberID: "cody-robertson", Name: "Cody Robertson"}, // left 2026-03-22
		{Kind: alesco.AttendeeMember, Name: "Someone Unknown"},
		{Kind: alesco.AttendeeBoard, Name: "benny Vasquez"},
		{Kind: alesco.AttendeeCommunity, Name: "Luna Jernberg"},
		{Kind: alesco.AttendeeMember, MemberID: "ben-thomas", Name: "Ben Thomas", Note: "arrived late"},
	}}
	if got := m.MembersPresent(c); !slices.Equal(got, []string{"andrew-lukoshko", "ben-thomas"}) {
		t.Fatalf("present = %v", got)
	}
	if q, n := m.Quorum(c); n != 2 || q.RosterSize != 5 || q.Required != 4 || q.Met(n) {
		t.Fatalf("quorum %+v with %d present", q, n)
	}
}

func TestRecordAttendance(t *testing.T) {
	c, m := draft(t, four...)
	cases := []struct {
		name string
		in   alesco.Attendee
		msg  string
	}{
		{"unknown member", alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: "nobody"}, `"nobody" is not a member of alesco`},
		{"former member", alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: "cody-robertson"}, "Cody Robertson is not on the ALESCo roster on 2026-11-19"},
		{"guest without a name", alesco.Attendee{Kind: alesco.AttendeeCommunity}, "needs a name"},
		{"no kind", alesco.Attendee{Name: "x"}, "kind must be member, board or community"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, m.RecordAttendance(c, []alesco.Attendee{tc.in}), alesco.EINVALID, tc.msg)
		})
	}
	twice := []alesco.Attendee{{Kind: alesco.AttendeeMember, MemberID: "ben-thomas"}, {Kind: alesco.AttendeeMember, Name: "ben  THOMAS"}}
	wantErr(t, m.RecordAttendance(c, twice), alesco.EINVALID, "Ben Thomas is listed twice")
	if n := len(m.MembersPresent(c)); n != 4 {
		t.Fatalf("a refused attendance changed the record: %d present", n)
	}
}

// TestQuorumGate: a motion needs quorum to open and to be decided; a punt
// or a table needs none.
func TestQuorumGate(t *testing.T) {
	c, m := draft(t, four[:3]...)
	_, err := m.OpenMotion(c, "x", 0, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "quorum not met: 3 of 5 members present, 4 required")

	c, m = draft(t, four...)
	mo := motion(t, c, m, map[string]alesco.VoteValue{"andrew-lukoshko": alesco.VoteYes})
	// Two leave: the vote cannot be closed, but the motion can be punted.
	if err := m.RecordAttendance(c, m.Attendees[:0]); err != nil {
		t.Fatal(err)
	}
	_, err = m.CloseMotion(c, mo.ID, alesco.OutcomeNone, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "quorum not met: 0 of 5 members present")
	_, err = m.CloseMotion(c, mo.ID, alesco.OutcomePassed, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "quorum not met")
	if mo, err = m.CloseMotion(c, mo.ID, alesco.OutcomePunted, recordNow); err != nil || mo.Outcome != alesco.OutcomePunted {
		t.Fatalf("punt: %v %v", mo.Outcome, err)
	}
	if len(m.Decisions) != 0 {
		t.Fatalf("a punt adopted %v", m.Decisions)
	}
}

func TestVoteEligibility(t *testing.T) {
	c, m := draft(t, four...)
	mo := motion(t, c, m, nil)
	_, _, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: "cody-robertson", Value: alesco.VoteYes}, recordNow)
	wantErr(t, err, alesco.EFORBIDDEN, "not on the ALESCo roster on 2026-11-19")
	_, _, err = m.CastVote(c, mo.ID, alesco.Vote{MemberID: "ben-thomas", Value: 2}, recordNow)
	wantErr(t, err, alesco.EINVALID, "+1, 0 or -1")
	_, _, err = m.CastVote(c, 99, alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteYes}, recordNow)
	wantErr(t, err, alesco.ENOTFOUND, "no motion 99")
	for _, id := range []string{"ben-thomas", "neal-gompa", "ben-thomas"} {
		if _, _, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: id, Value: alesco.VoteNo}, recordNow); err != nil {
			t.Fatal(err)
		}
	}
	// Ben's second vote replaces his first and keeps its place.
	_, replaced, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteYes}, recordNow)
	if err != nil || replaced == nil || *replaced != alesco.VoteNo {
		t.Fatalf("replaced %v, err %v", replaced, err)
	}
	if len(mo.Votes) != 2 || mo.Votes[0].MemberID != "ben-thomas" || mo.Votes[0].Value != alesco.VoteYes || mo.Votes[0].MemberName != "Ben Thomas" {
		t.Fatalf("votes %+v", mo.Votes)
	}
}

func TestTieBreak(t *testing.T) {
	tied := map[string]alesco.VoteValue{"andrew-lukoshko": alesco.VoteYes, "ben-thomas": alesco.VoteNo}
	yes, no := alesco.VoteYes, alesco.VoteNo
	cases := []struct {
		name       string
		votes      map[string]alesco.VoteValue
		member     string
		self       bool
		value      alesco.VoteValue
		code, msg  string
		designated bool
		outcome    alesco.MotionOutcome
	}{
		{"not tied", map[string]alesco.VoteValue{"ben-thomas": yes}, "", false, yes, alesco.EPRECONDITION, "is not tied", false, ""},
		{"member casting it", tied, "ben-thomas", true, yes, alesco.EFORBIDDEN, "only the chair or the member the chair designated", false, ""},
		{"not a +1 or -1", tied, "", false, alesco.VoteAbstain, alesco.EINVALID, "+1 or -1", false, ""},
		{"the chair", tied, "", false, no, "", "", false, alesco.OutcomeRejected},
		{"the chair with their own token", tied, "andrew-lukoshko", true, yes, "", "", false, alesco.OutcomePassed},
		{"staff for a member", tied, "neal-gompa", false, yes, "", "", true, alesco.OutcomePassed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, m := draft(t, four...)
			mo := motion(t, c, m, tc.votes)
			_, designated, err := m.CastDecidingVote(c, mo.ID, tc.member, tc.value, tc.self, recordNow)
			if tc.code != "" {
				wantErr(t, err, tc.code, tc.msg)
				return
			}
			if err != nil || designated != tc.designated {
				t.Fatalf("designated %v, err %v", designated, err)
			}
			if got, err := m.CloseMotion(c, mo.ID, alesco.OutcomeNone, recordNow); err != nil || got.Outcome != tc.outcome {
				t.Fatalf("outcome %v, err %v", got.Outcome, err)
			}
			if d := m.Decisions[0]; !strings.Contains(strings.Join(d.Details, " "), "deciding vote") {
				t.Fatalf("decision %+v does not say who decided", d)
			}
		})
	}
}

func TestCloseOutcomes(t *testing.T) {
	yes, no, abstain := alesco.VoteYes, alesco.VoteNo, alesco.VoteAbstain
	cases := []struct {
		name      string
		votes     map[string]alesco.VoteValue
		override  alesco.MotionOutcome
		outcome   alesco.MotionOutcome
		unanimous bool
		decision  string
	}{
		{"unanimous", map[string]alesco.VoteValue{"andrew-lukoshko": yes, "ben-thomas": yes}, "", alesco.OutcomePassed, true, "Accept RFC 16 was APPROVED"},
		{"majority", map[string]alesco.VoteValue{"andrew-lukoshko": yes, "ben-thomas": yes, "neal-gompa": no}, "", alesco.OutcomePassed, false, "Accept RFC 16 was APPROVED"},
		{"an abstention is not unanimity", map[string]alesco.VoteValue{"andrew-lukoshko": yes, "ben-thomas": abstain}, "", alesco.OutcomePassed, false, "Accept RFC 16 was APPROVED"},
		{"rejected", map[string]alesco.VoteValue{"andrew-lukoshko": no, "ben-thomas": no, "neal-gompa": yes}, "", alesco.OutcomeRejected, false, "Accept RFC 16 was REJECTED"},
		{"tie without a deciding vote", map[string]alesco.VoteValue{"andrew-lukoshko": yes, "ben-thomas": no}, "", alesco.OutcomeTied, false, ""},
		{"tabled", nil, alesco.OutcomeTabled, alesco.OutcomeTabled, false, "Accept RFC 16 was TABLED"},
		{"punted", nil, alesco.OutcomePunted, alesco.OutcomePunted, false, ""},
		{"chair's override", map[string]alesco.VoteValue{"andrew-lukoshko": yes}, alesco.OutcomeRejected, alesco.OutcomeRejected, false, "Accept RFC 16 was REJECTED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, m := draft(t, four...)
			mo := motion(t, c, m, tc.votes)
			got, err := m.CloseMotion(c, mo.ID, tc.override, recordNow)
			if err != nil || got.Outcome != tc.outcome || got.Unanimous != tc.unanimous || got.Status != alesco.MotionClosed {
				t.Fatalf("closed %v unanimous %v status %v, err %v", got.Outcome, got.Unanimous, got.Status, err)
			}
			var texts []string
			for _, d := range m.Decisions {
				texts = append(texts, d.Text)
			}
			if strings.Join(texts, "|") != tc.decision {
				t.Fatalf("decisions %q, want %q", texts, tc.decision)
			}
			_, _, err = m.CastVote(c, mo.ID, alesco.Vote{MemberID: "jonathan-wright", Value: yes}, recordNow)
			wantErr(t, err, alesco.EPRECONDITION, "is closed")
		})
	}
}

func TestFinalizePreconditions(t *testing.T) {
	c, m := draft(t, four...)
	mo := motion(t, c, m, map[string]alesco.VoteValue{"andrew-lukoshko": alesco.VoteYes})
	wantErr(t, m.Finalize(c, nil, nil, recordNow, render), alesco.EPRECONDITION, "motion 1 (Accept RFC 16) is still open")
	if _, err := m.CloseMotion(c, mo.ID, alesco.OutcomeNone, recordNow); err != nil {
		t.Fatal(err)
	}
	item, err := m.AddActionItem("Neal Gompa", "Build a proof of concept")
	if err != nil {
		t.Fatal(err)
	}
	item.ID = 7
	if err := m.Finalize(c, []string{" Andrew Lukoshko "}, nil, recordNow, render); err != nil {
		t.Fatal(err)
	}
	if m.Status != alesco.MinutesFinal || m.Markdown != "# minutes of alesco-2026-11-19\n" || !m.Finalized.Equal(recordNow) ||
		!slices.Equal(m.RecordedBy, []string{"Andrew Lukoshko"}) {
		t.Fatalf("final: %v %q %v %v", m.Status, m.Markdown, m.Finalized, m.RecordedBy)
	}
	wantErr(t, m.Finalize(c, nil, nil, recordNow, render), alesco.EPRECONDITION, "already final")
	_, err = m.AddNote(alesco.Note{Text: "late"})
	wantErr(t, err, alesco.EPRECONDITION, "minutes of alesco-2026-11-19 are final; amend them")
	_, err = m.OpenMotion(c, "late", 0, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "are final")
	wantErr(t, m.RecordAttendance(c, nil), alesco.EPRECONDITION, "are final")
	if _, err := m.CompleteActionItem(7, recordNow); err != nil {
		t.Fatalf("completing an action item of final minutes: %v", err)
	}
	_, err = m.CompleteActionItem(7, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "already completed on 2026-11-19")
}

func TestAmend(t *testing.T) {
	c, m := draft(t, four...)
	err := m.Amend("typo", nil, recordNow, render)
	wantErr(t, err, alesco.EPRECONDITION, "still a draft")
	if err := m.Finalize(c, nil, nil, recordNow, render); err != nil {
		t.Fatal(err)
	}
	err = m.Amend("  ", nil, recordNow, render)
	wantErr(t, err, alesco.EINVALID, "needs a reason")
	err = m.Amend(strings.Repeat("r", 2001), nil, recordNow, render)
	wantErr(t, err, alesco.EINVALID, "reason is too long")
	err = m.Amend("forge", &alesco.Minutes{Attendees: []alesco.Attendee{{Kind: alesco.AttendeeCommunity, Name: "a\x00b"}}}, recordNow, render)
	wantErr(t, err, alesco.EINVALID, "attendee 1: name has a control character")
	if m.Status != alesco.MinutesFinal || m.Revision != 1 || len(m.MembersPresent(c)) != 4 {
		t.Fatalf("a refused amendment changed the record: %v rev %d", m.Status, m.Revision)
	}
	replacement := &alesco.Minutes{Attendees: []alesco.Attendee{{Kind: alesco.AttendeeCommunity, Name: "Luna Jernberg"}},
		Notes: []alesco.Note{{ID: 9, Topic: "t", Text: "new"}}}
	later := recordNow.Add(time.Hour)
	before := *m
	if err := m.Amend("add Luna", replacement, later, render); err != nil {
		t.Fatal(err)
	}
	am := alesco.CompareMinutes(&before, m)
	if m.Status != alesco.MinutesFinal || m.Revision != 2 || len(m.Revisions) != 1 || m.Revisions[0].Reason != "add Luna" ||
		!m.Revisions[0].Finalized.Equal(recordNow) || m.Source != alesco.SourceMarkdown || m.Notes[0].ID != 0 || len(m.MembersPresent(c)) != 0 {
		t.Fatalf("amended: %+v", m)
	}
	if am.Revision != 2 || am.Reopened || !slices.Equal(am.AttendeesAdded, []string{"Luna Jernberg (community)"}) || len(am.AttendeesRemoved) != 5 ||
		!slices.Equal(am.TopicsAdded, []string{"t"}) {
		t.Fatalf("summary %+v", am)
	}
	if s := strings.Join(am.Summary(), "\n"); !strings.Contains(s, `attendance: added "Luna Jernberg (community)"; removed "Andrew Lukoshko (member)"`) {
		t.Fatalf("summary reads:\n%s", s)
	}
	before = *m
	if err := m.Amend("reopen", nil, later, render); err != nil || m.Status != alesco.MinutesDraft || m.Revision != 3 || m.Markdown != "" || !alesco.CompareMinutes(&before, m).Reopened {
		t.Fatalf("reopened: %v rev %d, err %v", m.Status, m.Revision, err)
	}
}

func TestImport(t *testing.T) {
	parsed := &alesco.Minutes{RecordedBy: []string{"Andrew Lukoshko"}, Notes: []alesco.Note{{Topic: "t", Text: "x"}},
		ActionItems: []alesco.ActionItem{{Owner: "Ben Thomas", Text: "do it"}}}
	m := alesco.NewMinutes(alesco.Meeting{ID: "alesco-2025-10-16", CommitteeID: "alesco"})
	if changed, err := m.Import(parsed, "2025-10-16.md", recordNow, render); err != nil || !changed || m.Status != alesco.MinutesFinal || m.Revision != 1 {
		t.Fatalf("first import: changed %v, err %v, %v rev %d", changed, err, m.Status, m.Revision)
	}
	if changed, err := m.Import(parsed, "2025-10-16.md", recordNow, render); err != nil || changed {
		t.Fatalf("same content again: changed %v, err %v", changed, err)
	}
	other := *parsed
	other.Notes = []alesco.Note{{Topic: "t", Text: "y"}}
	if changed, err := m.Import(&other, "2025-10-16.md", recordNow, render); err != nil || !changed || m.Revision != 2 ||
		m.Revisions[0].Reason != "re-imported from 2025-10-16.md" {
		t.Fatalf("new content: changed %v, err %v, rev %d", changed, err, m.Revision)
	}
	_, live := draft(t, four...)
	_, err := live.Import(parsed, "x.md", recordNow, render)
	wantErr(t, err, alesco.EPRECONDITION, "were recorded live; amend them instead of importing")
}

func TestCarryOver(t *testing.T) {
	oct, nov := alescotest.Date("2026-10-22"), alescotest.Date("2026-11-05")
	motions := []alesco.PastMotion{
		{MeetingID: "alesco-2026-10-22", Date: oct, Title: "Btrfs", ProposalNumber: 9, Outcome: alesco.OutcomePunted},
		{MeetingID: "alesco-2026-10-22", Date: oct, Title: "EPEL v2", Outcome: alesco.OutcomeTabled},
		{MeetingID: "alesco-2026-10-22", Date: oct, Title: "Kernels", ProposalNumber: 15, Outcome: alesco.OutcomeTabled},
		{MeetingID: "alesco-2026-11-05", Date: nov, Title: "Btrfs again", ProposalNumber: 9, Outcome: alesco.OutcomeRejected},
		{MeetingID: "alesco-2026-11-05", Date: nov, Title: "epel V2 ", Outcome: alesco.OutcomePassed},
	}
	items := []alesco.PastActionItem{{MeetingID: "alesco-2026-10-22", Date: oct, Owner: "Neal Gompa", Text: "ask upstream"}}
	var got []string
	for _, it := range alesco.CarryOver(motions, items) {
		got = append(got, string(it.Kind)+":"+it.Title+" ("+it.Note+")")
	}
	want := []string{"motion:Kernels (tabled on 2026-10-22)", "action_item:ask upstream (action item from the 2026-10-22 meeting)"}
	if !slices.Equal(got, want) {
		t.Fatalf("carried over %q, want %q", got, want)
	}
}

// TestLiveVoteRules: a live vote needs its member recorded present and
// quorum present; an async vote needs an http(s) link to where it was cast.
func TestLiveVoteRules(t *testing.T) {
	c, m := draft(t, four...) // Lance Albertson is recorded absent
	mo := motion(t, c, m, nil)
	_, _, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: "lance-albertson", Value: alesco.VoteYes}, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "Lance Albertson is not recorded present at meeting alesco-2026-11-19")
	for url, msg := range map[string]string{
		"":                    "an async vote needs reference_url",
		"javascript:alert(1)": "http(s)",
		"data:text/plain,hi":  "http(s)",
		"https://example.com/a) [click me](javascript:alert(1)": "may not contain",
	} {
		_, _, err = m.CastVote(c, mo.ID, alesco.Vote{MemberID: "lance-albertson", Value: alesco.VoteYes, Source: alesco.VoteAsync, ReferenceURL: url}, recordNow)
		wantErr(t, err, alesco.EINVALID, msg)
	}
	_, _, err = m.CastVote(c, mo.ID, alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteYes, ReferenceURL: "javascript:alert(1)"}, recordNow)
	wantErr(t, err, alesco.EINVALID, "http(s)")
	if len(mo.Votes) != 0 {
		t.Fatalf("refused votes were kept: %+v", mo.Votes)
	}
	ref := "https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-1"
	if _, _, err := m.CastVote(c, mo.ID, alesco.Vote{MemberID: "lance-albertson", Value: alesco.VoteYes, Source: alesco.VoteAsync, ReferenceURL: ref}, recordNow); err != nil {
		t.Fatalf("async vote of an absent member: %v", err)
	}
	// Neal leaves: three of five present is below quorum, so nobody votes
	// live any more, and nobody casts a deciding vote.
	if err := m.RecordAttendance(c, m.Attendees[:3]); err != nil {
		t.Fatal(err)
	}
	_, _, err = m.CastVote(c, mo.ID, alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteNo}, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "quorum not met: 3 of 5 members present, 4 required")

	// The deciding vote is cast in the meeting too: the chair must be there.
	c, m = draft(t, four...)
	mo = motion(t, c, m, map[string]alesco.VoteValue{"andrew-lukoshko": alesco.VoteYes, "ben-thomas": alesco.VoteNo})
	as := []alesco.Attendee{{Kind: alesco.AttendeeMember, MemberID: "andrew-lukoshko", Absent: true}}
	for _, id := range []string{"ben-thomas", "jonathan-wright", "neal-gompa", "lance-albertson"} {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
	}
	if err := m.RecordAttendance(c, as); err != nil {
		t.Fatal(err)
	}
	_, _, err = m.CastDecidingVote(c, mo.ID, "", alesco.VoteYes, false, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "Andrew Lukoshko is not recorded present")
	if _, _, err := m.CastDecidingVote(c, mo.ID, "neal-gompa", alesco.VoteYes, false, recordNow); err != nil {
		t.Fatalf("a designated member who is present: %v", err)
	}
}
