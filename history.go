package alesco

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file is what the record of earlier meetings gives later ones: the
// items they left open (carried over to the next agenda) and the search of
// the record.

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

// MinutesRef names one meeting's minutes without loading them: enough to
// filter and page a list.
type MinutesRef struct {
	MeetingID string
	Date      Date
	Start     time.Time
	Status    MinutesStatus
}

// Listed says whether minutes appear in public lists and search at now:
// final minutes always, a draft only once its meeting has started (a
// draft prepared for a meeting that has not happened is no record yet).
func (r MinutesRef) Listed(now time.Time) bool {
	return r.Status == MinutesFinal || !r.Start.After(now)
}

// MinutesQuery selects a page of a committee's minutes: meetings from From
// to To (local dates, inclusive; zero for open), oldest first, PageSize at
// a time after the page that PageToken ended.
type MinutesQuery struct {
	From, To  Date
	PageSize  int
	PageToken string
}

// Page sizes of lists and searches.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// PageSizeOr returns n clamped to [1, MaxPageSize], or def when n is 0;
// a negative size is an error.
func PageSizeOr(n, def int) (int, error) {
	switch {
	case n < 0:
		return 0, Errorf(EINVALID, "page_size must not be negative, got %d", n)
	case n == 0:
		return def, nil
	case n > MaxPageSize:
		return MaxPageSize, nil
	}
	return n, nil
}

// SearchKind is what a search hit is.
type SearchKind string

// Kinds of search hit.
const (
	SearchNote       SearchKind = "note"     // a note of the minutes, under its topic
	SearchDecision   SearchKind = "decision" // a decision adopted
	SearchActionItem SearchKind = "action"   // an action item
	SearchProposal   SearchKind = "proposal" // a tracked proposal (RFC pull request)
)

// Label is how a page shows the kind of a search hit.
func (k SearchKind) Label() string { return searchKindLabels[k] }

var searchKindLabels = map[SearchKind]string{
	SearchNote: "Note", SearchDecision: "Decision", SearchActionItem: "Action item", SearchProposal: "Proposal",
}

// SnippetPart is a piece of a hit's snippet; Match marks the words that
// matched the query.
type SnippetPart struct {
	Text  string
	Match bool
}

// SearchHit is one result of a search, best first.
type SearchHit struct {
	Kind SearchKind
	// MeetingID and Date are set for hits in minutes.
	MeetingID string
	Date      Date
	// ProposalNumber is the pull request a note, decision or proposal is about.
	ProposalNumber int
	// Title is a note's topic or a proposal's title.
	Title string
	// URL is a proposal's pull request.
	URL     string
	Snippet []SnippetPart
	// Start is the meeting's start (for Listed).
	Start  time.Time
	Status MinutesStatus
}

// SnippetText is the snippet as plain text.
func (h SearchHit) SnippetText() string {
	var b strings.Builder
	for _, p := range h.Snippet {
		b.WriteString(p.Text)
	}
	return b.String()
}

// MaxSearchQuery bounds a search query's length (characters).
const MaxSearchQuery = 200

// SearchTerms splits a query as a person types it into the words to look
// for: letters and digits, every other character a separator. Search
// looks for hits holding all of them; an empty, overlong or word-less
// query is EINVALID.
func SearchTerms(query string) ([]string, error) {
	query = strings.TrimSpace(query)
	switch {
	case query == "":
		return nil, Errorf(EINVALID, "query is required: the words to look for, e.g. secure boot")
	case !utf8.ValidString(query):
		return nil, Errorf(EINVALID, "query is not valid UTF-8")
	case utf8.RuneCountInString(query) > MaxSearchQuery:
		return nil, Errorf(EINVALID, "query is longer than %d characters", MaxSearchQuery)
	}
	terms := strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(terms) == 0 {
		return nil, Errorf(EINVALID, "query %q has no words to look for", query)
	}
	return terms, nil
}
