package alesco

import (
	"fmt"
	"strings"
)

// CarryOverKind says why an item is carried to a later agenda.
type CarryOverKind string

// Kinds of carried-over items.
const (
	CarryMotion     CarryOverKind = "motion"      // a motion tabled or punted
	CarryActionItem CarryOverKind = "action_item" // an action item still open
)

// CarryOverItem is something a meeting's minutes left open, which the next
// agenda lists under "carried over".
type CarryOverItem struct {
	Kind           CarryOverKind
	MeetingID      string // the meeting that left it open
	Date           Date   // that meeting's date
	Title          string
	ProposalNumber int // pull request the item is about; 0 for none
	Owner          string
	Note           string // e.g. "punted on 2026-11-19"
}

// PastMotion is a motion closed at an earlier meeting.
type PastMotion struct {
	MeetingID      string
	Date           Date
	Title          string
	ProposalNumber int
	Outcome        MotionOutcome
}

// PastActionItem is an action item of an earlier meeting, still open.
type PastActionItem struct {
	MeetingID string
	Date      Date
	Owner     string
	Text      string
}

// CarryOver is THE carry-over rule: what earlier meetings left open, for
// the next agenda. A motion tabled or punted is carried until a later
// motion on the same proposal (or with the same title when it names none)
// settles it; every open action item is carried. motions and items come
// oldest meeting first, and so does the result (motions, then items).
func CarryOver(motions []PastMotion, items []PastActionItem) []CarryOverItem {
	var order []string
	latest := map[string]PastMotion{}
	for _, mo := range motions {
		key := strings.ToLower(strings.TrimSpace(mo.Title))
		if mo.ProposalNumber != 0 {
			key = fmt.Sprintf("#%d", mo.ProposalNumber)
		}
		if _, ok := latest[key]; !ok {
			order = append(order, key)
		}
		latest[key] = mo
	}
	var out []CarryOverItem
	for _, k := range order {
		mo := latest[k]
		if !mo.Outcome.Carried() {
			continue
		}
		note := string(mo.Outcome) + " on " + mo.Date.String()
		out = append(out, CarryOverItem{Kind: CarryMotion, MeetingID: mo.MeetingID, Date: mo.Date, Title: mo.Title,
			ProposalNumber: mo.ProposalNumber, Note: note})
	}
	for _, it := range items {
		out = append(out, CarryOverItem{Kind: CarryActionItem, MeetingID: it.MeetingID, Date: it.Date, Title: it.Text,
			Owner: it.Owner, Note: "action item from the " + it.Date.String() + " meeting"})
	}
	return out
}

// DecidedProposal is a proposal a meeting voted on, PASSED or REJECTED,
// whose pull request GitHub still shows open: people have yet to merge or
// close it.
type DecidedProposal struct {
	Proposal
	MeetingID string // the meeting whose motion decided it
	Date      Date
	Outcome   MotionOutcome // OutcomePassed or OutcomeRejected
}

// Decided is THE rule for what an agenda does with proposals the committee
// has voted on. The latest closed motion on a proposal (motions come oldest
// meeting first) speaks for it: once it closed PASSED or REJECTED the
// proposal leaves the agenda's proposal sections, and is listed as decided
// while its pull request is still open (people merge or close it; alesco
// never does), and not at all once GitHub shows it merged or closed. A
// TABLED, PUNTED or TIED motion decides nothing: the proposal stays where
// its state puts it. pending keeps the order of proposals.
func Decided(proposals []Proposal, motions []PastMotion) (pending []Proposal, decided []DecidedProposal) {
	latest := map[int]PastMotion{}
	for _, mo := range motions {
		if mo.ProposalNumber > 0 {
			latest[mo.ProposalNumber] = mo
		}
	}
	for _, p := range proposals {
		mo, ok := latest[p.Number]
		if !ok || (mo.Outcome != OutcomePassed && mo.Outcome != OutcomeRejected) {
			pending = append(pending, p)
			continue
		}
		if p.Open {
			decided = append(decided, DecidedProposal{Proposal: p, MeetingID: mo.MeetingID, Date: mo.Date, Outcome: mo.Outcome})
		}
	}
	return pending, decided
}
