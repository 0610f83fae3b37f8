package alesco_test

import (
	"testing"

	"github.com/almalinux/alesco"
)

func TestDecideMotion(t *testing.T) {
	q := alesco.QuorumRule{Fraction: 0.5, Plus: 1, Minimum: 4}
	five := alesco.Quorum{RosterSize: 5, Required: q.QuorumRequired(5)}
	yes, no := alesco.VoteYes, alesco.VoteNo
	cases := []struct {
		name      string
		present   int
		tally     alesco.Tally
		deciding  *alesco.VoteValue
		want      alesco.MotionOutcome
		unanimous bool
		err       string
	}{
		{"no quorum", 3, alesco.Tally{Yes: 3}, nil, "", false, "quorum not met: 3 of 5 members present, 4 required"},
		{"majority yes", 4, alesco.Tally{Yes: 3, No: 1}, nil, alesco.OutcomePassed, false, ""},
		{"unanimous", 5, alesco.Tally{Yes: 5}, nil, alesco.OutcomePassed, true, ""},
		{"abstention is not unanimous", 5, alesco.Tally{Yes: 4, Abstain: 1}, nil, alesco.OutcomePassed, false, ""},
		{"majority no", 4, alesco.Tally{Yes: 1, No: 2, Abstain: 1}, nil, alesco.OutcomeRejected, false, ""},
		{"tie undecided", 4, alesco.Tally{Yes: 2, No: 2}, nil, alesco.OutcomeTied, false, ""},
		{"tie decided yes", 4, alesco.Tally{Yes: 2, No: 2}, &yes, alesco.OutcomePassed, false, ""},
		{"tie decided no", 4, alesco.Tally{Yes: 2, No: 2}, &no, alesco.OutcomeRejected, false, ""},
		{"deciding vote ignored without a tie", 4, alesco.Tally{Yes: 1, No: 3}, &yes, alesco.OutcomeRejected, false, ""},
		{"all abstain is a tie", 4, alesco.Tally{Abstain: 4}, nil, alesco.OutcomeTied, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, unanimous, err := alesco.DecideMotion(five, tc.present, tc.tally, tc.deciding)
			if tc.err != "" {
				if alesco.ErrorCode(err) != alesco.EPRECONDITION || alesco.ErrorMessage(err) != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || unanimous != tc.unanimous {
				t.Fatalf("got %q unanimous %v err %v, want %q %v", got, unanimous, err, tc.want, tc.unanimous)
			}
		})
	}
}

func TestTallyString(t *testing.T) {
	votes := []alesco.Vote{{Value: alesco.VoteYes}, {Value: alesco.VoteYes}, {Value: alesco.VoteNo}, {Value: alesco.VoteYes}, {Value: alesco.VoteYes}}
	if got, want := alesco.TallyOf(votes).String(), "+4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
