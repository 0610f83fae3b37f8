package alesco_test

import (
	"testing"
	"time"

	"github.com/almalinux/alesco"
)

func TestLifecycle(t *testing.T) {
	g := alescoCommittee(t).GitHub
	cases := []struct {
		name         string
		open, merged bool
		labels       []string
		header       string
		want         alesco.ProposalState
	}{
		{"open, no labels", true, false, nil, "Draft", alesco.ProposalSubmitted},
		{"discussion label", true, false, []string{"accepted for discussion"}, "", alesco.ProposalDiscussion},
		{"fcp beats discussion", true, false, []string{"accepted for discussion", "vote at next meeting"}, "", alesco.ProposalFCP},
		{"label case ignored", true, false, []string{"Vote at next meeting", "board input required"}, "", alesco.ProposalFCP},
		{"merged", false, true, []string{"vote at next meeting"}, "Draft", alesco.ProposalAccepted},
		{"closed with rejected label", false, false, []string{"rejected"}, "Draft", alesco.ProposalRejected},
		{"closed, header withdrawn", false, false, []string{"accepted for discussion"}, "Withdrawn", alesco.ProposalWithdrawn},
		{"closed, header superseded", false, false, nil, "Superseded by RFC 0009", alesco.ProposalSuperseded},
		{"closed, nothing said", false, false, nil, "Draft", alesco.ProposalWithdrawn},
		{"label beats header", false, false, []string{"Superseded"}, "Withdrawn", alesco.ProposalSuperseded},
		{"open but rejected label", true, false, []string{"rejected"}, "", alesco.ProposalRejected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := g.Lifecycle(tc.open, tc.merged, tc.labels, tc.header); got != tc.want {
				t.Fatalf("Lifecycle = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTracks(t *testing.T) {
	g := alescoCommittee(t).GitHub
	cases := []struct {
		name   string
		files  []string
		labels []string
		want   bool
	}{
		{"rfc file", []string{"rfcs/0007-signed-newer-kernels.md"}, nil, true},
		{"readme only (#21)", []string{"README.md"}, nil, false},
		{"readme with lifecycle label", []string{"README.md"}, []string{"Vote At Next Meeting"}, true},
		{"template only", []string{"rfcs/0000-template.md"}, nil, false},
		{"nested file", []string{"rfcs/images/x.md"}, nil, false},
		{"unrelated label", []string{"README.md"}, []string{"documentation"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := g.Tracks(tc.files, tc.labels); got != tc.want {
				t.Fatalf("Tracks = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBoardInput(t *testing.T) {
	g := alescoCommittee(t).GitHub
	cases := []struct {
		name      string
		labels    []string
		trademark string
		want      bool
		recorded  bool
	}{
		{"n/a", nil, "N/A", false, false},
		{"empty", nil, "", false, false},
		{"none", nil, "None.", false, false},
		{"trademark required", nil, "Required: the foundation board must approve", true, false},
		{"label", []string{"Board Input Required"}, "N/A", true, false},
		{"input given", []string{"board input required", "Board input received"}, "N/A", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, reason, recorded := g.BoardInput(tc.labels, tc.trademark)
			if got != tc.want || (got && reason == "") || recorded != tc.recorded {
				t.Fatalf("BoardInput = %v (%q) recorded=%v, want %v recorded=%v", got, reason, recorded, tc.want, tc.recorded)
			}
		})
	}
}

func TestReviewAt(t *testing.T) {
	c := alescoCommittee(t) // 14-day review period
	day := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	meeting := day("2026-12-03T17:00:00Z")
	cases := []struct {
		name           string
		p              alesco.Proposal
		review, fcp    int
		fcpKnown, over bool
	}{
		{"from opening", alesco.Proposal{Created: day("2026-11-18T08:00:00Z")}, 15, 0, false, true},
		{"from discussion", alesco.Proposal{Created: day("2026-01-01T00:00:00Z"), DiscussionTime: day("2026-11-24T15:00:00Z")}, 9, 0, false, false},
		{"exactly 14 days", alesco.Proposal{Created: day("2026-11-19T17:00:00Z")}, 14, 0, false, true},
		{"fcp known", alesco.Proposal{Created: day("2026-01-20T17:00:00Z"), FCPTime: day("2026-11-24T15:00:00Z")}, 317, 9, true, true},
		{"opened after the meeting", alesco.Proposal{Created: day("2026-12-04T00:00:00Z")}, 0, 0, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.ReviewAt(tc.p, meeting)
			if r.DaysInReview != tc.review || r.DaysInFCP != tc.fcp || r.FCPKnown != tc.fcpKnown || r.PeriodOver != tc.over {
				t.Fatalf("ReviewAt = %+v", r)
			}
		})
	}
}

func TestProposalStateNames(t *testing.T) {
	for s := alesco.ProposalSubmitted; s <= alesco.ProposalSuperseded; s++ {
		got, err := alesco.ParseProposalState(s.String())
		if err != nil || got != s {
			t.Fatalf("%v: round trip gave %v, %v", s, got, err)
		}
	}
	if _, err := alesco.ParseProposalState("pending"); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Fatalf("unknown state: err = %v", err)
	}
}
