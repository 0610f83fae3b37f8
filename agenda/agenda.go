// Package agenda builds a meeting's agenda from stored data only (proposals
// as last synced, items the previous minutes left open, the committee's
// rules) and renders it as Markdown that reads like the committee's own
// minutes, ready to paste in chat. It never calls GitHub.
package agenda

import (
	"fmt"
	"sort"
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
}

// Build assembles the agenda of meeting m from the committee's stored
// proposals and the items earlier minutes left open. Day counts are taken at
// the meeting's start.
func Build(c *alesco.Committee, m alesco.Meeting, proposals []alesco.Proposal, carried []alesco.CarryOverItem) Agenda {
	a := Agenda{
		MeetingID: m.ID, CommitteeID: c.ID, Committee: c.ShortName, Title: m.Title, Start: m.Start, TimeZone: m.TimeZone,
		Votes: []Item{}, Discussion: []Item{}, CarriedOver: []Item{}, NewSubmissions: []Item{},
	}
	at := m.Start
	var fcp []alesco.Proposal
	for _, p := range proposals {
		switch p.State {
		case alesco.ProposalFCP:
			fcp = append(fcp, p)
		case alesco.ProposalDiscussion:
			a.Discussion = append(a.Discussion, proposalItem(c, p, at))
		case alesco.ProposalSubmitted:
			a.NewSubmissions = append(a.NewSubmissions, proposalItem(c, p, at))
		}
	}
	// Votes: oldest in FCP first. When the time a proposal entered FCP is
	// unknown (it was already in FCP at the first sync), its opening time
	// stands in, which puts it before any proposal seen entering FCP later.
	sort.SliceStable(fcp, func(i, j int) bool {
		ti, tj := fcpOrder(fcp[i]), fcpOrder(fcp[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return fcp[i].Number < fcp[j].Number
	})
	for _, p := range fcp {
		a.Votes = append(a.Votes, proposalItem(c, p, at))
	}
	sort.SliceStable(a.Discussion, func(i, j int) bool { return a.Discussion[i].Number < a.Discussion[j].Number })
	sort.SliceStable(a.NewSubmissions, func(i, j int) bool { return a.NewSubmissions[i].Number < a.NewSubmissions[j].Number })
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

func fcpOrder(p alesco.Proposal) time.Time {
	if !p.FCPTime.IsZero() {
		return p.FCPTime
	}
	return p.Created
}

func pullURL(c *alesco.Committee, n int) string {
	if c.GitHub.Repo == "" {
		return ""
	}
	return fmt.Sprintf("https://github.com/%s/pull/%d", c.GitHub.Repo, n)
}

func proposalItem(c *alesco.Committee, p alesco.Proposal, at time.Time) Item {
	r := c.ReviewAt(p, at)
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
		it.Warnings = append(it.Warnings, WarnBoardInput)
	}
	if p.State == alesco.ProposalFCP && !r.PeriodOver {
		it.ReviewPeriodOpen = true
		it.Warnings = append(it.Warnings, WarnReviewPeriod)
	}
	return it
}

// Decide lists proposals the committee decided (alesco.Decided) under
// "Decided, awaiting merge/close on GitHub"; Build gets the proposals still
// pending, so none of these are under Votes.
func (a *Agenda) Decide(c *alesco.Committee, decided []alesco.DecidedProposal) {
	a.Decided = nil
	for _, d := range decided {
		it := proposalItem(c, d.Proposal, a.Start)
		it.Warnings, it.BoardInputNeeded, it.ReviewPeriodOpen = nil, false, false
		it.Outcome, it.SourceMeetingID = d.Outcome, d.MeetingID
		wait := "awaiting merge"
		if d.Outcome == alesco.OutcomeRejected {
			wait = "awaiting close"
		}
		it.Note = d.Outcome.Label() + " on " + d.Date.String() + ", " + wait
		a.Decided = append(a.Decided, it)
	}
	sort.SliceStable(a.Decided, func(i, j int) bool { return a.Decided[i].Number < a.Decided[j].Number })
}

// Empty reports whether nothing is on the agenda but the open floor.
func (a Agenda) Empty() bool {
	return len(a.Votes)+len(a.Discussion)+len(a.CarriedOver)+len(a.NewSubmissions)+len(a.Decided) == 0 && !a.ChairElection.Due
}

// title strips the "RFC:" prefix the pull-request titles carry, since the
// Markdown heading adds its own.
func title(t string) string {
	t = strings.TrimSpace(t)
	for _, p := range []string{"RFC:", "RFC -", "WIP RFC:", "WIP:"} {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			return strings.TrimSpace(t[len(p):])
		}
	}
	return t
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// Markdown renders the agenda the way the committee writes its minutes:
// "### RFC: Title" headings and "[#17](url)" links.
func (a Agenda) Markdown() string {
	var b strings.Builder
	start := a.Start
	if loc, err := time.LoadLocation(a.TimeZone); err == nil && a.TimeZone != "" {
		start = start.In(loc)
	}
	fmt.Fprintf(&b, "# %s Meeting Agenda (%s)\n\n", a.Committee, start.Format("2006-01-02"))
	fmt.Fprintf(&b, "%s, %s (%s UTC).\n", a.Title, start.Format("Monday 2 January 2006, 15:04 MST"), a.Start.UTC().Format("15:04"))
	if a.Frozen {
		fmt.Fprintf(&b, "\nThis agenda is on record as it stood when the meeting started (%s UTC).\n", a.FrozenAt.UTC().Format("2006-01-02 15:04"))
	}

	b.WriteString("\n## Votes\n\n")
	if len(a.Votes) == 0 {
		b.WriteString("No RFC is in the final comment period.\n\n")
	}
	for _, it := range a.Votes {
		writeProposal(&b, it)
		fcp := "in FCP since before alesco first synced"
		if it.FCPKnown {
			fcp = "in FCP for " + plural(it.DaysInFCP, "day")
		}
		fmt.Fprintf(&b, "- %s; in review for %s.\n", capitalize(fcp), plural(it.DaysInReview, "day"))
		writeWarnings(&b, it)
		b.WriteString("\n")
	}

	if len(a.Decided) > 0 {
		b.WriteString("## Decided, awaiting merge/close on GitHub\n\n")
		for _, it := range a.Decided {
			fmt.Fprintf(&b, "- [#%d](%s) %s — %s\n", it.Number, it.URL, title(it.Title), it.Note)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Discussion\n\n")
	if len(a.Discussion) == 0 {
		b.WriteString("No RFC is open for discussion.\n\n")
	}
	for _, it := range a.Discussion {
		writeProposal(&b, it)
		fmt.Fprintf(&b, "- In review for %s.\n", plural(it.DaysInReview, "day"))
		writeWarnings(&b, it)
		b.WriteString("\n")
	}

	b.WriteString("## Carried Over\n\n")
	if len(a.CarriedOver) == 0 {
		b.WriteString("Nothing was left open at the previous meeting.\n")
	}
	for _, it := range a.CarriedOver {
		line := it.Title
		if it.Number > 0 && it.URL != "" {
			line += fmt.Sprintf(" ([#%d](%s))", it.Number, it.URL)
		}
		if it.Kind == KindActionItem {
			line = "Action item: " + line
			if it.Owner != "" {
				line += " — " + it.Owner
			}
		}
		if it.Note != "" {
			line += " (" + it.Note + ")"
		}
		if it.SourceMeetingID != "" {
			line += ", from " + it.SourceMeetingID
		}
		fmt.Fprintf(&b, "- %s\n", line)
	}

	b.WriteString("\n## New Submissions\n\n")
	if len(a.NewSubmissions) == 0 {
		b.WriteString("No new RFC awaits triage.\n")
	}
	for _, it := range a.NewSubmissions {
		draft := ""
		if it.Draft {
			draft = " (draft)"
		}
		fmt.Fprintf(&b, "- [#%d](%s) %s%s", it.Number, it.URL, title(it.Title), draft)
		if len(it.Authors) > 0 {
			fmt.Fprintf(&b, " — %s", strings.Join(it.Authors, ", "))
		}
		b.WriteString("\n")
	}

	if a.ChairElection.Due {
		b.WriteString("\n## Chair Election\n\n")
		fmt.Fprintf(&b, "- Elect a chair: %s.\n", a.ChairElection.Reason)
		if a.ChairElection.CurrentChair != "" {
			fmt.Fprintf(&b, "- Current chair: %s.\n", a.ChairElection.CurrentChair)
		}
		if a.ChairElection.CannotStand != "" {
			fmt.Fprintf(&b, "- %s.\n", a.ChairElection.CannotStand)
		}
	}

	b.WriteString("\n## Open Floor\n\n- Any other business.\n")
	return b.String()
}

func writeProposal(b *strings.Builder, it Item) {
	fmt.Fprintf(b, "### RFC: %s\n\n", title(it.Title))
	fmt.Fprintf(b, "- [#%d](%s)", it.Number, it.URL)
	if len(it.Authors) > 0 {
		fmt.Fprintf(b, " by %s", strings.Join(it.Authors, ", "))
	}
	b.WriteString("\n")
}

func writeWarnings(b *strings.Builder, it Item) {
	for _, w := range it.Warnings {
		line := "**Warning: " + w + "**"
		if w == WarnBoardInput && it.BoardInputReason != "" {
			line += " (" + it.BoardInputReason + ")"
		}
		fmt.Fprintf(b, "- %s\n", line)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
