// Package agenda builds a meeting's agenda from stored data only (proposals
// as last synced, items the previous minutes left open, the committee's
// rules) and renders it as Markdown that reads like the committee's own
// minutes, ready to paste in chat. It never calls GitHub.
package agenda

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// ItemKind says what an agenda item is about.
type ItemKind int

// Item kinds (numbered as the API's AgendaItemKind).
const (
	KindProposal   ItemKind = 1
	KindMotion     ItemKind = 2
	KindActionItem ItemKind = 3
)

// Warnings an item can carry.
const (
	WarnBoardInput   = "board input needed"
	WarnReviewPeriod = "review period not over"
)

// Item is one line of the agenda.
type Item struct {
	Kind         ItemKind             `json:"kind"`
	Number       int                  `json:"number,omitempty"` // pull request
	Title        string               `json:"title"`
	URL          string               `json:"url,omitempty"`
	Authors      []string             `json:"authors,omitempty"`
	State        alesco.ProposalState `json:"state,omitempty"`
	Draft        bool                 `json:"draft,omitempty"`
	DaysInFCP    int                  `json:"days_in_fcp,omitempty"`
	FCPKnown     bool                 `json:"fcp_known,omitempty"`
	DaysInReview int                  `json:"days_in_review,omitempty"`
	// BoardInputNeeded: needed and not yet on record.
	BoardInputNeeded bool     `json:"board_input_needed,omitempty"`
	BoardInputReason string   `json:"board_input_reason,omitempty"`
	ReviewPeriodOpen bool     `json:"review_period_open,omitempty"`
	Warnings         []string `json:"warnings,omitempty"`
	SourceMeetingID  string   `json:"source_meeting_id,omitempty"`
	Owner            string   `json:"owner,omitempty"`
	Note             string   `json:"note,omitempty"`
	// Outcome is how the committee decided a proposal listed as decided.
	Outcome alesco.MotionOutcome `json:"outcome,omitempty"`
	// AsyncVotes and Concerns are the members' votes and the open
	// concerns of an RFC's GitHub discussion (Discuss).
	AsyncVotes []AsyncVote `json:"async_votes,omitempty"`
	Concerns   []Concern   `json:"concerns,omitempty"`
}

// ChairElection says whether the agenda includes a chair election.
type ChairElection struct {
	Due            bool   `json:"due"`
	CurrentChairID string `json:"current_chair_id,omitempty"`
	CurrentChair   string `json:"current_chair,omitempty"`
	Reason         string `json:"reason,omitempty"`
	// CannotStand says why the sitting chair cannot be elected again (the
	// charter's term limit); "" when they may stand.
	CannotStand string `json:"cannot_stand,omitempty"`
}

// Agenda is a meeting's agenda.
type Agenda struct {
	MeetingID      string    `json:"meeting_id"`
	CommitteeID    string    `json:"committee_id"`
	Committee      string    `json:"committee"` // short name
	Title          string    `json:"title"`
	Start          time.Time `json:"start"`
	TimeZone       string    `json:"time_zone"`
	Votes          []Item    `json:"votes"`
	Discussion     []Item    `json:"discussion"`
	CarriedOver    []Item    `json:"carried_over"`
	NewSubmissions []Item    `json:"new_submissions"`
	// Decided are proposals the committee decided whose pull requests
	// GitHub still shows open (Decide).
	Decided       []Item        `json:"decided,omitempty"`
	ChairElection ChairElection `json:"chair_election"`
	Frozen        bool          `json:"frozen"`
	FrozenAt      time.Time     `json:"frozen_at,omitzero"`
	// EventURL is the meeting's event page on the events site, if any.
	EventURL string `json:"event_url,omitempty"`
}

// Build assembles the agenda of meeting m from the committee's stored
// proposals and the items earlier minutes left open. Day counts are taken at
// the meeting's start.
func Build(c *alesco.Committee, m alesco.Meeting, proposals []alesco.Proposal, carried []alesco.CarryOverItem) Agenda {
	a := Agenda{
		MeetingID: m.ID, CommitteeID: c.ID, Committee: c.ShortName, Title: m.Title, Start: m.Start, TimeZone: m.TimeZone, EventURL: m.EventURL,
		Votes: []Item{}, Discussion: []Item{}, CarriedOver: []Item{}, NewSubmissions: []Item{},
	}
	at := m.Start
	// Sort pointers, not the proposals or items themselves: they are a few
	// hundred bytes each and a thousand of them are common.
	var fcp, discussion, submitted []*alesco.Proposal
	for i := range proposals {
		switch p := &proposals[i]; p.State {
		case alesco.ProposalFCP:
			fcp = append(fcp, p)
		case alesco.ProposalDiscussion:
			discussion = append(discussion, p)
		case alesco.ProposalSubmitted:
			submitted = append(submitted, p)
		}
	}
	// Votes: oldest in FCP first. When the time a proposal entered FCP is
	// unknown (it was already in FCP at the first sync), its opening time
	// stands in, which puts it before any proposal seen entering FCP later.
	slices.SortStableFunc(fcp, func(a, b *alesco.Proposal) int {
		if c := fcpOrder(a).Compare(fcpOrder(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.Number, b.Number)
	})
	byNumber := func(a, b *alesco.Proposal) int { return cmp.Compare(a.Number, b.Number) }
	slices.SortStableFunc(discussion, byNumber)
	slices.SortStableFunc(submitted, byNumber)
	a.Votes = items(c, fcp, at)
	a.Discussion = items(c, discussion, at)
	a.NewSubmissions = items(c, submitted, at)
	for _, it := range carried {
		kind := KindActionItem
		if it.Kind == alesco.CarryMotion {
			kind = KindMotion
		}
		item := Item{Kind: kind, Number: it.ProposalNumber, Title: it.Title, SourceMeetingID: it.MeetingID, Owner: it.Owner, Note: it.Note}
		if it.ProposalNumber > 0 {
			item.URL = pullURL(c, it.ProposalNumber)
		}
		a.CarriedOver = append(a.CarriedOver, item)
	}
	day := alesco.DateIn(m.Start, c.Location)
	if due, reason := c.ChairElectionDue(day); due {
		a.ChairElection = ChairElection{Due: true, Reason: reason}
		if t, ok := c.ChairOn(day); ok {
			a.ChairElection.CurrentChairID = t.MemberID
			if mem, ok := c.Member(t.MemberID); ok {
				a.ChairElection.CurrentChair = mem.Name
			}
			if err := c.ChairMayStand(t.MemberID, day); err != nil {
				a.ChairElection.CannotStand = alesco.ErrorMessage(err)
			}
		}
	}
	return a
}

func items(c *alesco.Committee, ps []*alesco.Proposal, at time.Time) []Item {
	out := make([]Item, len(ps))
	for i, p := range ps {
		out[i] = proposalItem(c, p, at)
	}
	return out
}

func fcpOrder(p *alesco.Proposal) time.Time {
	if !p.FCPTime.IsZero() {
		return p.FCPTime
	}
	return p.Created
}

func pullURL(c *alesco.Committee, n int) string {
	if c.GitHub.Repo == "" {
		return ""
	}
	return "https://github.com/" + c.GitHub.Repo + "/pull/" + strconv.Itoa(n)
}

// Warning lists items share (read-only; full, so an append copies).
var (
	warnBoard       = []string{WarnBoardInput}[:1:1]
	warnReview      = []string{WarnReviewPeriod}[:1:1]
	warnBoardReview = []string{WarnBoardInput, WarnReviewPeriod}[:2:2]
)

func proposalItem(c *alesco.Committee, p *alesco.Proposal, at time.Time) Item {
	r := c.ReviewAt(*p, at)
	it := Item{
		Kind: KindProposal, Number: p.Number, Title: p.Title, URL: p.URL, Authors: p.Authors, State: p.State,
		Draft: p.Draft, DaysInReview: r.DaysInReview, DaysInFCP: r.DaysInFCP, FCPKnown: r.FCPKnown,
	}
	if it.URL == "" {
		it.URL = pullURL(c, p.Number)
	}
	if len(it.Authors) == 0 && p.AuthorLogin != "" {
		it.Authors = []string{"@" + p.AuthorLogin}
	}
	if p.NeedsBoardInput && !p.BoardInputRecorded {
		it.BoardInputNeeded, it.BoardInputReason = true, p.BoardInputReason
		it.Warnings = warnBoard
	}
	if p.State == alesco.ProposalFCP && !r.PeriodOver {
		it.ReviewPeriodOpen = true
		if it.Warnings == nil {
			it.Warnings = warnReview
		} else {
			it.Warnings = warnBoardReview
		}
	}
	return it
}

// Decide lists proposals the committee decided (alesco.Decided) under
// "Decided, awaiting merge/close on GitHub"; Build gets the proposals still
// pending, so none of these are under Votes.
func (a *Agenda) Decide(c *alesco.Committee, decided []alesco.DecidedProposal) {
	a.Decided = nil
	for _, d := range decided {
		it := proposalItem(c, &d.Proposal, a.Start)
		it.Warnings, it.BoardInputNeeded, it.ReviewPeriodOpen = nil, false, false
		it.Outcome, it.SourceMeetingID = d.Outcome, d.MeetingID
		wait := "awaiting merge"
		if d.Outcome == alesco.OutcomeRejected {
			wait = "awaiting close"
		}
		it.Note = d.Outcome.Label() + " on " + d.Date.String() + ", " + wait
		a.Decided = append(a.Decided, it)
	}
	slices.SortStableFunc(a.Decided, func(x, y Item) int { return cmp.Compare(x.Number, y.Number) })
}

// Empty reports whether nothing is on the agenda but the open floor.
func (a Agenda) Empty() bool {
	return len(a.Votes)+len(a.Discussion)+len(a.CarriedOver)+len(a.NewSubmissions)+len(a.Decided) == 0 && !a.ChairElection.Due
}

// Summary is the short plain-text agenda a calendar event's DESCRIPTION
// carries; empty when only the open floor is on the agenda.
func (a Agenda) Summary() string {
	if a.Empty() {
		return ""
	}
	var lines []string
	list := func(head string, items []Item) {
		if len(items) == 0 {
			return
		}
		lines = append(lines, head)
		for _, it := range items {
			l := fmt.Sprintf("- #%d %s", it.Number, title(it.Title))
			if len(it.Warnings) > 0 {
				l += " (" + strings.Join(it.Warnings, "; ") + ")"
			}
			lines = append(lines, l)
		}
	}
	list("Votes:", a.Votes)
	if len(a.Decided) > 0 {
		nums := make([]string, len(a.Decided))
		for i, it := range a.Decided {
			nums[i] = fmt.Sprintf("#%d", it.Number)
		}
		lines = append(lines, "Decided, awaiting GitHub: "+strings.Join(nums, ", ")+".")
	}
	list("Discussion:", a.Discussion)
	if n := len(a.CarriedOver); n > 0 {
		lines = append(lines, fmt.Sprintf("Carried over: %s.", plural(n, "item")))
	}
	if n := len(a.NewSubmissions); n > 0 {
		lines = append(lines, fmt.Sprintf("New submissions: %s.", plural(n, "RFC")))
	}
	if a.ChairElection.Due {
		lines = append(lines, "Chair election due.")
	}
	return strings.Join(lines, "\n")
}
