package alesco

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

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
