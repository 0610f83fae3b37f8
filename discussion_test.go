package alesco_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

func TestParseCommands(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []alesco.Command
	}{
		{"vote", "/vote +1", []alesco.Command{{Kind: alesco.CommandVote, Value: alesco.VoteYes}}},
		{"words and case", "/Vote YES\n/VOTE abstain\n/vote No", []alesco.Command{
			{Kind: alesco.CommandVote, Value: alesco.VoteYes}, {Kind: alesco.CommandVote, Value: alesco.VoteAbstain}, {Kind: alesco.CommandVote, Value: alesco.VoteNo}}},
		{"in a sentence is no command", "I would /vote +1 if", nil},
		{"no value", "/vote", nil},
		{"another value", "/vote 2\n/vote +2\n/vote maybe", nil},
		{"concern and resolve", "Text first.\r\n/concern  Needs a   rollback plan \n/resolve needs a rollback plan", []alesco.Command{
			{Kind: alesco.CommandConcern, Text: "Needs a rollback plan"}, {Kind: alesco.CommandResolve, Text: "needs a rollback plan"}}},
		{"concern without text", "/concern\n/resolve   ", nil},
		{"fenced code", "```\n/vote +1\n```\n~~~~\n/vote -1\n~~~~\n/vote 0", []alesco.Command{{Kind: alesco.CommandVote, Value: alesco.VoteAbstain}}},
		{"unclosed fence", "```sh\n/vote +1", nil},
		{"indented code", "    /vote +1\n\t/vote -1", nil},
		{"quote", "> /vote -1\n>/concern quoted", nil},
		{"slight indent is a line", "  /vote -1", []alesco.Command{{Kind: alesco.CommandVote, Value: alesco.VoteNo}}},
		{"unknown command", "/approve\n/lgtm", nil},
		{"control characters", "/concern bad\x07text", nil},
		{"too long", "/concern " + strings.Repeat("x", 201), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := alesco.ParseCommands(tc.body); !slices.Equal(got, tc.want) {
				t.Errorf("ParseCommands(%q) = %+v, want %+v", tc.body, got, tc.want)
			}
		})
	}
}

func FuzzParseCommands(f *testing.F) {
	for _, s := range []string{"/vote +1", "```\n/vote -1\n```", "> /concern x\n/resolve x", "/concern \x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range alesco.ParseCommands(body) {
			switch c.Kind {
			case alesco.CommandVote:
				if c.Value < alesco.VoteNo || c.Value > alesco.VoteYes {
					t.Fatalf("vote %d from %q", c.Value, body)
				}
			case alesco.CommandConcern, alesco.CommandResolve:
				if strings.TrimSpace(c.Text) == "" || strings.ContainsAny(c.Text, "\n\r") {
					t.Fatalf("bad text %q from %q", c.Text, body)
				}
			default:
				t.Fatalf("kind %q", c.Kind)
			}
		}
	})
}

// comments builds a discussion: each line "login: body" is one comment a
// minute after the one before, on a day when Cody had left and Lance had
// joined.
func comments(lines ...string) []alesco.DiscussionComment {
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	var out []alesco.DiscussionComment
	for i, l := range lines {
		login, body, _ := strings.Cut(l, ": ")
		t := at.Add(time.Duration(i) * time.Minute)
		out = append(out, alesco.DiscussionComment{CommitteeID: "alesco", Number: 16, ID: int64(i + 1), Author: login,
			URL: fmt.Sprintf("https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-%d", i+1), Body: body, Created: t, Updated: t})
	}
	return out
}

func TestDiscussionWhoCounts(t *testing.T) {
	c := alescoCommittee(t)
	cs := comments("ramereth: /vote +1", "RAMERETH: /vote -1", "codyro: /vote +1", "octocat: /vote no",
		"Conan-Kudo: /vote 0", "alesco-bot: <!-- alesco:github:status:alesco:16 -->\n/vote +1")
	d := c.Discussion(16, cs)
	var got []string
	for _, v := range d.Votes {
		got = append(got, fmt.Sprintf("%s %s %s", v.MemberID, v.Value, v.URL[len(v.URL)-1:]))
	}
	// Roster order; Lance's later vote replaces his first; the comment's link.
	if want := []string{"lance-albertson -1 2", "neal-gompa 0 5"}; !slices.Equal(got, want) {
		t.Errorf("binding votes %q, want %q", got, want)
	}
	got = nil
	for _, v := range d.NonBinding {
		got = append(got, v.Who()+" "+v.Value.String())
	}
	if want := []string{"Cody Robertson +1", "@octocat -1"}; !slices.Equal(got, want) {
		t.Errorf("non-binding votes %q, want %q", got, want)
	}
	if tl := d.Tally(); tl != (alesco.Tally{Abstain: 1, No: 1}) {
		t.Errorf("tally %+v", tl)
	}
	// A late comment is not counted; a deleted one (gone) withdraws.
	cs[4].Late = true
	if d := c.Discussion(16, cs[:5]); len(d.Votes) != 1 || len(d.Ignored) != 1 {
		t.Errorf("late vote counted: %+v", d)
	}
}

func TestDiscussionConcerns(t *testing.T) {
	c := alescoCommittee(t)
	d := c.Discussion(16, comments(
		"jonathanspw: /concern Signing keys are not documented",
		"Conan-Kudo: /resolve signing keys are NOT documented", // not his: refused
		"octocat: /concern a stranger's concern",               // not a member: not recorded
		"Conan-Kudo: /concern Needs a rollback plan",
		"Conan-Kudo: /resolve Needs a rollback plan", // his own
		"jonathanspw: /concern Mirrors",
		"andrewlukoshko: /resolve mirrors", // the chair
		"andrewlukoshko: /resolve nothing raised",
	))
	var got []string
	for _, con := range d.Concerns {
		got = append(got, fmt.Sprintf("%s by %s resolved=%v %s", con.Text, con.MemberID, con.Resolved, con.ResolvedBy))
	}
	want := []string{"Signing keys are not documented by jonathan-wright resolved=false ",
		"Needs a rollback plan by neal-gompa resolved=true Neal Gompa", "Mirrors by jonathan-wright resolved=true Andrew Lukoshko"}
	if !slices.Equal(got, want) {
		t.Errorf("concerns\n%q\nwant\n%q", got, want)
	}
	if open := d.OpenConcerns(); len(open) != 1 || open[0].Text != "Signing keys are not documented" {
		t.Errorf("open concerns %+v", open)
	}
	if len(d.Ignored) != 3 {
		t.Errorf("ignored %q, want 3", d.Ignored)
	}
}

func TestAddAsyncVotes(t *testing.T) {
	c := alescoCommittee(t)
	d := c.Discussion(16, comments("ramereth: /vote +1", "Conan-Kudo: /vote +1", "codyro: /vote -1"))
	m := &alesco.Minutes{MeetingID: "alesco-2026-12-03", Date: alesco.Date{Year: 2026, Month: 12, Day: 3}}
	mo := &alesco.Motion{Number: 1, ProposalNumber: 16, Status: alesco.MotionOpen,
		Votes: []alesco.Vote{{MemberID: "neal-gompa", MemberName: "Neal Gompa", Value: alesco.VoteNo, Source: alesco.VoteLive}}}
	now := time.Date(2026, 12, 3, 17, 5, 0, 0, time.UTC)
	added := m.AddAsyncVotes(c, mo, d, now)
	// Neal voted live already: his live vote stands; Cody is no member.
	if len(added) != 1 || added[0].MemberID != "lance-albertson" || added[0].Source != alesco.VoteAsync ||
		added[0].ReferenceURL != "https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-1" {
		t.Errorf("added %+v", added)
	}
	if len(mo.Votes) != 2 {
		t.Errorf("votes %+v", mo.Votes)
	}
}

func TestFollowDiscussion(t *testing.T) {
	c := alescoCommittee(t)
	link := func(i int) string {
		return fmt.Sprintf("https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-%d", i)
	}
	// Comments 1-3 voted when the motion opened; now Lance's second comment
	// (4) says 0, Jonathan (5) votes, Neal (6) votes on GitHub after voting
	// live, and Andrew's comment 3 was deleted (its vote withdrawn).
	cs := comments("ramereth: /vote +1", "x: -", "x: -", "ramereth: /vote 0", "jonathanspw: /vote -1", "Conan-Kudo: /vote -1")
	cs = slices.Delete(cs, 1, 3)
	d := c.Discussion(16, cs)
	vote := func(id, name string, v alesco.VoteValue, src alesco.VoteSource, ref string) alesco.Vote {
		return alesco.Vote{MemberID: id, MemberName: name, Value: v, Source: src, ReferenceURL: ref}
	}
	open := func() alesco.Motion {
		return alesco.Motion{ID: 1, Number: 1, ProposalNumber: 16, Status: alesco.MotionOpen, Votes: []alesco.Vote{
			vote("lance-albertson", "Lance Albertson", alesco.VoteYes, alesco.VoteAsync, link(1)),
			vote("andrew-lukoshko", "Andrew Lukoshko", alesco.VoteYes, alesco.VoteAsync, link(3)),
			vote("ben-thomas", "Ben Thomas", alesco.VoteYes, alesco.VoteAsync, "https://lists.almalinux.org/ben"),
			vote("neal-gompa", "Neal Gompa", alesco.VoteYes, alesco.VoteLive, ""),
		}}
	}
	closed := open()
	closed.ID, closed.Number, closed.Status = 2, 2, alesco.MotionClosed
	other := open()
	other.ID, other.Number, other.ProposalNumber = 3, 3, 17
	m := &alesco.Minutes{MeetingID: "alesco-2026-12-03", Date: alesco.Date{Year: 2026, Month: 12, Day: 3}, Status: alesco.MinutesDraft,
		Motions: []alesco.Motion{open(), closed, other}}
	fromDiscussion := func(u string) bool { return strings.HasPrefix(u, "https://github.com/AlmaLinux/ALESCo/pull/16#") }
	now := time.Date(2026, 12, 3, 17, 5, 0, 0, time.UTC)
	changed := m.FollowDiscussion(c, d, fromDiscussion, now)
	if len(changed) != 1 || changed[0].ID != 1 {
		t.Fatalf("changed %+v, want the open motion on #16 only", changed)
	}
	var got []string
	for _, v := range m.Motions[0].Votes {
		got = append(got, fmt.Sprintf("%s %s %s %s", v.MemberID, v.Value, v.Source, v.ReferenceURL))
	}
	want := []string{
		"lance-albertson 0 async " + link(4),                  // changed in place
		"ben-thomas +1 async https://lists.almalinux.org/ben", // recorded by the chair from elsewhere
		"neal-gompa +1 live ",                                 // the meeting's vote stands
		"jonathan-wright -1 async " + link(5),                 // new
	}
	if !slices.Equal(got, want) {
		t.Errorf("votes\n%q\nwant\n%q", got, want)
	}
	if !slices.Equal(m.Motions[1].Votes, closed.Votes) || !slices.Equal(m.Motions[2].Votes, other.Votes) {
		t.Error("a closed motion or one on another RFC changed")
	}
	if again := m.FollowDiscussion(c, d, fromDiscussion, now); len(again) != 0 {
		t.Errorf("following the same discussion again changed %+v", again)
	}
	m.Status = alesco.MinutesFinal
	if got := m.FollowDiscussion(c, c.Discussion(16, nil), fromDiscussion, now); len(got) != 0 {
		t.Errorf("final minutes changed: %+v", got)
	}
}

// BenchmarkDiscussion replays a discussion of 1,000 comments, as each
// comment's webhook does.
func BenchmarkDiscussion(b *testing.B) {
	c := alescotest.Committee(b)
	logins := []string{"ramereth: /vote +1", "Conan-Kudo: Looks fine.\n/vote -1", "octocat: /vote 0", "jonathanspw: /concern x\n/resolve x"}
	lines := make([]string, 1000)
	for i := range lines {
		lines[i] = logins[i%len(logins)]
	}
	cs := comments(lines...)
	b.ResetTimer()
	for b.Loop() {
		c.Discussion(16, cs)
	}
}
