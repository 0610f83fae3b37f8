package alesco_test

import (
	"slices"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestDecided: the latest closed motion on a proposal decides what the
// agenda does with it.
func TestDecided(t *testing.T) {
	open := func(n int, s alesco.ProposalState) alesco.Proposal {
		return alesco.Proposal{Number: n, State: s, Open: true}
	}
	motion := func(day string, n int, o alesco.MotionOutcome) alesco.PastMotion {
		return alesco.PastMotion{MeetingID: "alesco-" + day, Date: alescotest.Date(day), Title: "Accept the RFC", ProposalNumber: n, Outcome: o}
	}
	merged := alesco.Proposal{Number: 9, State: alesco.ProposalAccepted, Merged: true}
	for _, tc := range []struct {
		name        string
		proposals   []alesco.Proposal
		motions     []alesco.PastMotion
		wantPending []int
		wantDecided map[int]alesco.MotionOutcome
	}{
		{"no motion: everything pending", []alesco.Proposal{open(17, alesco.ProposalFCP), open(16, alesco.ProposalDiscussion)}, nil,
			[]int{17, 16}, nil},
		{"passed: decided, awaiting merge", []alesco.Proposal{open(17, alesco.ProposalFCP), open(16, alesco.ProposalDiscussion)},
			[]alesco.PastMotion{motion("2026-12-03", 17, alesco.OutcomePassed)}, []int{16}, map[int]alesco.MotionOutcome{17: alesco.OutcomePassed}},
		{"rejected and labelled so, still open: awaiting close", []alesco.Proposal{{Number: 18, State: alesco.ProposalRejected, Open: true}},
			[]alesco.PastMotion{motion("2026-12-03", 18, alesco.OutcomeRejected)}, nil, map[int]alesco.MotionOutcome{18: alesco.OutcomeRejected}},
		{"merged: GitHub shows it, gone", []alesco.Proposal{merged},
			[]alesco.PastMotion{motion("2026-12-03", 9, alesco.OutcomePassed)}, nil, nil},
		{"tabled stays", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-12-03", 17, alesco.OutcomeTabled)}, []int{17}, nil},
		{"punted stays", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-12-03", 17, alesco.OutcomePunted)}, []int{17}, nil},
		{"tied stays", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-12-03", 17, alesco.OutcomeTied)}, []int{17}, nil},
		{"punted, then passed: decided", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-11-19", 17, alesco.OutcomePunted), motion("2026-12-03", 17, alesco.OutcomePassed)},
			nil, map[int]alesco.MotionOutcome{17: alesco.OutcomePassed}},
		{"passed, then put back and tabled: pending again", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-11-19", 17, alesco.OutcomePassed), motion("2026-12-03", 17, alesco.OutcomeTabled)}, []int{17}, nil},
		{"a motion on no proposal decides none", []alesco.Proposal{open(17, alesco.ProposalFCP)},
			[]alesco.PastMotion{motion("2026-12-03", 0, alesco.OutcomePassed)}, []int{17}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pending, decided := alesco.Decided(tc.proposals, tc.motions)
			var got []int
			for _, p := range pending {
				got = append(got, p.Number)
			}
			if !slices.Equal(got, tc.wantPending) {
				t.Errorf("pending %v, want %v", got, tc.wantPending)
			}
			if len(decided) != len(tc.wantDecided) {
				t.Fatalf("decided %+v, want %v", decided, tc.wantDecided)
			}
			for _, d := range decided {
				if tc.wantDecided[d.Number] != d.Outcome || d.MeetingID == "" {
					t.Errorf("decided #%d %s at %q, want %s", d.Number, d.Outcome, d.MeetingID, tc.wantDecided[d.Number])
				}
			}
		})
	}
}
