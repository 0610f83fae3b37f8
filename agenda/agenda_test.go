package agenda_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
)

func committee(t testing.TB) *alesco.Committee { return alescotest.Committee(t) }

func meeting(t testing.TB, c *alesco.Committee, day string) alesco.Meeting {
	t.Helper()
	d := alescotest.Date(day)
	for _, m := range c.Schedule(d.Midnight(c.Location), d.AddDays(1).Midnight(c.Location), nil, nil, time.Time{}) {
		return m
	}
	t.Fatalf("no meeting on %s", day)
	return alesco.Meeting{}
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBuild(t *testing.T) {
	c := committee(t)
	m := meeting(t, c, "2026-12-03")
	ps := []alesco.Proposal{
		{Number: 30, Title: "RFC: Late", State: alesco.ProposalFCP, Created: ts("2026-01-01T00:00:00Z"), FCPTime: ts("2026-11-30T00:00:00Z"), DiscussionTime: ts("2026-11-25T00:00:00Z")},
		{Number: 31, Title: "RFC: Early", State: alesco.ProposalFCP, Created: ts("2026-02-01T00:00:00Z"), FCPTime: ts("2026-11-01T00:00:00Z"),
			NeedsBoardInput: true, BoardInputReason: "trademark approval: yes", Authors: []string{"A", "B"}},
		{Number: 32, Title: "RFC: Recorded", State: alesco.ProposalFCP, Created: ts("2026-03-01T00:00:00Z"), NeedsBoardInput: true, BoardInputRecorded: true},
		{Number: 33, Title: "Talk", State: alesco.ProposalDiscussion, Created: ts("2026-03-01T00:00:00Z")},
		{Number: 35, Title: "WIP RFC: Draft", State: alesco.ProposalSubmitted, Draft: true, AuthorLogin: "someone"},
		{Number: 34, Title: "RFC: New", State: alesco.ProposalSubmitted},
		{Number: 36, Title: "RFC: Done", State: alesco.ProposalAccepted},
	}
	carried := []alesco.CarryOverItem{
		{Kind: alesco.CarryMotion, MeetingID: "alesco-2026-11-19", Title: "Vote on RFC: Tabled", ProposalNumber: 12, Note: "punted until a proof of concept"},
		{Kind: alesco.CarryActionItem, MeetingID: "alesco-2026-11-19", Title: "Email the board", Owner: "Benny Vasquez"},
	}
	a := agenda.Build(c, m, ps, carried)

	var votes []int
	for _, v := range a.Votes {
		votes = append(votes, v.Number)
	}
	// 32's FCP time is unknown: its opening (March) stands in, before 31's
	// FCP entry in November... but after 31? 31 entered FCP 2026-11-01,
	// 32 was opened 2026-03-01, so 32 sorts first.
	if !slices.Equal(votes, []int{32, 31, 30}) {
		t.Fatalf("votes = %v, want [32 31 30]", votes)
	}
	early, late, recorded := a.Votes[1], a.Votes[2], a.Votes[0]
	if !early.BoardInputNeeded || !slices.Contains(early.Warnings, agenda.WarnBoardInput) || early.DaysInFCP != 32 {
		t.Errorf("#31 = %+v", early)
	}
	if recorded.BoardInputNeeded || len(recorded.Warnings) != 0 {
		t.Errorf("#32 (board input on record) = %+v", recorded)
	}
	if !late.ReviewPeriodOpen || !slices.Contains(late.Warnings, agenda.WarnReviewPeriod) || late.DaysInReview != 8 {
		t.Errorf("#30 = %+v", late)
	}
	if len(a.Discussion) != 1 || a.Discussion[0].Number != 33 || a.Discussion[0].ReviewPeriodOpen {
		t.Errorf("discussion = %+v (no review warning outside votes)", a.Discussion)
	}
	if len(a.NewSubmissions) != 2 || a.NewSubmissions[0].Number != 34 || !a.NewSubmissions[1].Draft {
		t.Errorf("new submissions = %+v", a.NewSubmissions)
	}
	if len(a.CarriedOver) != 2 || a.CarriedOver[0].Kind != agenda.KindMotion || a.CarriedOver[0].URL != "https://github.com/AlmaLinux/ALESCo/pull/12" {
		t.Errorf("carried over = %+v", a.CarriedOver)
	}
	if !a.ChairElection.Due || a.ChairElection.CurrentChair != "Andrew Lukoshko" {
		t.Errorf("chair election = %+v", a.ChairElection)
	}

	md := a.Markdown()
	for _, want := range []string{
		"# ALESCo Meeting Agenda (2026-12-03)",
		"### RFC: Early\n\n- [#31](https://github.com/AlmaLinux/ALESCo/pull/31) by A, B\n- In FCP for 32 days; in review for 305 days.\n- **Warning: board input needed** (trademark approval: yes)",
		"**Warning: review period not over**",
		"### RFC: Talk",
		"- Vote on RFC: Tabled ([#12](https://github.com/AlmaLinux/ALESCo/pull/12)) (punted until a proof of concept), from the 2026-11-19 meeting",
		"- Action item from the 2026-11-19 meeting: Email the board — Benny Vasquez",
		"- [#35](https://github.com/AlmaLinux/ALESCo/pull/35) Draft (draft) — @someone",
		"## Open Floor",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "#36") {
		t.Error("an accepted RFC is on the agenda")
	}
	sum := a.Summary()
	for _, want := range []string{"Votes:", "- #31 Early (board input needed)", "Discussion:", "Carried over: 2 items.", "New submissions: 2 RFCs.", "Chair election due."} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

func TestEmptyAgendaSummary(t *testing.T) {
	c := committee(t)
	c.Chairs = []alesco.ChairTerm{{MemberID: "neal-gompa", Term: alesco.Term{Start: alescotest.Date("2026-11-01")}}}
	a := agenda.Build(c, meeting(t, c, "2026-12-03"), nil, nil)
	if !a.Empty() || a.Summary() != "" {
		t.Fatalf("empty agenda: empty %v, summary %q", a.Empty(), a.Summary())
	}
	if md := a.Markdown(); !strings.Contains(md, "No RFC is in the final comment period.") || strings.Contains(md, "Chair Election") {
		t.Fatalf("markdown:\n%s", md)
	}
}

// BenchmarkAgenda builds and renders the agenda of a meeting with 1,000
// open RFCs stored in SQLite: the store read, Build and Markdown, as a
// cache miss on GET /agenda/{id}.md costs. The store keeps the proposals
// it decoded while they are unchanged (a minutes write, say, empties the
// render cache but not that); "decode" changes one pull request before
// every run (not timed), so the read decodes all 1,000 rows again.
func BenchmarkAgenda(b *testing.B) {
	c := committee(b)
	m := meeting(b, c, "2026-12-03")
	ctx := context.Background()
	db := alescotest.Store(b, alescotest.NewClock(alescotest.Epoch))
	var pulls []alesco.PullRecord
	states := []alesco.ProposalState{alesco.ProposalSubmitted, alesco.ProposalDiscussion, alesco.ProposalFCP}
	for i := range 1000 {
		created := ts("2025-01-01T00:00:00Z").Add(time.Duration(i) * 7 * time.Hour)
		p := alesco.PullRecord{Tracked: true, Proposal: alesco.Proposal{
			CommitteeID: c.ID, Number: i + 1, Title: fmt.Sprintf("RFC: Proposal number %d", i+1),
			URL: fmt.Sprintf("https://github.com/AlmaLinux/ALESCo/pull/%d", i+1), Authors: []string{"Jane Doe", "John Roe"},
			State: states[i%3], Open: true, Draft: i%10 == 0, Labels: []string{"accepted for discussion"},
			NeedsBoardInput: i%7 == 0, Created: created, Updated: created, RFCPath: fmt.Sprintf("rfcs/%04d-x.md", i),
		}}
		if p.State == alesco.ProposalFCP && i%2 == 0 {
			p.FCPTime = created.Add(24 * time.Hour)
		}
		pulls = append(pulls, p)
	}
	if err := db.SaveSync(ctx, alesco.SyncRecord{CommitteeID: c.ID, Pulls: pulls}); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B) int {
		var ps []alesco.Proposal
		err := db.View(ctx, func(tx alesco.ReadTx) error {
			var err error
			ps, err = tx.Proposals(c.ID, states...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		a := agenda.Build(c, m, ps, nil)
		if len(a.Votes)+len(a.Discussion)+len(a.NewSubmissions) != 1000 {
			b.Fatalf("agenda has %d RFCs, want 1000", len(a.Votes)+len(a.Discussion)+len(a.NewSubmissions))
		}
		return len(a.Markdown())
	}
	b.Run("warm", func(b *testing.B) {
		var size int
		b.ReportAllocs()
		for b.Loop() {
			size = run(b)
		}
		b.ReportMetric(float64(size), "md-bytes")
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		other := pulls[0]
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			other.Title = fmt.Sprintf("RFC: Proposal number 1, edit %d", i)
			if err := db.SaveSync(ctx, alesco.SyncRecord{CommitteeID: c.ID, Pulls: []alesco.PullRecord{other}}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			run(b)
		}
	})
}

// BenchmarkAgendaBuild is Build and Markdown alone over 1,000 open RFCs.
func BenchmarkAgendaBuild(b *testing.B) {
	c := committee(b)
	m := meeting(b, c, "2026-12-03")
	var ps []alesco.Proposal
	states := []alesco.ProposalState{alesco.ProposalSubmitted, alesco.ProposalDiscussion, alesco.ProposalFCP}
	for i := range 1000 {
		ps = append(ps, alesco.Proposal{Number: i + 1, Title: fmt.Sprintf("RFC: Proposal %d", i+1), Authors: []string{"Jane Doe"},
			State: states[i%3], Created: ts("2025-01-01T00:00:00Z").Add(time.Duration(i) * time.Hour)})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = agenda.Build(c, m, ps, nil).Markdown()
	}
}
