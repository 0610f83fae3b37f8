package alesco

import (
	"fmt"
	"strings"
	"time"
)

// ProposalState is where an RFC (a pull request) stands in the committee's
// lifecycle (PROCESS-README: RFC Lifecycle). The numbering matches the API's
// enum.
type ProposalState int

// Proposal states.
const (
	ProposalSubmitted  ProposalState = iota + 1 // open, not yet accepted for discussion
	ProposalDiscussion                          // labelled "accepted for discussion"
	ProposalFCP                                 // labelled "vote at next meeting"
	ProposalAccepted                            // merged
	ProposalRejected
	ProposalWithdrawn
	ProposalSuperseded
)

var proposalStateNames = map[ProposalState]string{
	ProposalSubmitted: "submitted", ProposalDiscussion: "discussion", ProposalFCP: "fcp",
	ProposalAccepted: "accepted", ProposalRejected: "rejected", ProposalWithdrawn: "withdrawn",
	ProposalSuperseded: "superseded",
}

// String returns the state's lowercase name ("fcp").
func (s ProposalState) String() string {
	if n, ok := proposalStateNames[s]; ok {
		return n
	}
	return "unknown"
}

// Label is how a page shows the state: "In discussion".
func (s ProposalState) Label() string {
	if l, ok := proposalStateLabels[s]; ok {
		return l
	}
	return "Unknown state"
}

var proposalStateLabels = map[ProposalState]string{
	ProposalSubmitted: "Submitted", ProposalDiscussion: "In discussion", ProposalFCP: "Vote at next meeting",
	ProposalAccepted: "Accepted", ProposalRejected: "Rejected", ProposalWithdrawn: "Withdrawn", ProposalSuperseded: "Superseded",
}

// Open reports whether the state is still before a decision.
func (s ProposalState) Open() bool {
	return s == ProposalSubmitted || s == ProposalDiscussion || s == ProposalFCP
}

// ParseProposalState parses a state name as String writes it (case-insensitive).
func ParseProposalState(name string) (ProposalState, error) {
	for s, n := range proposalStateNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return s, nil
		}
	}
	return 0, Errorf(EINVALID, "unknown proposal state %q (want submitted, discussion, fcp, accepted, rejected, withdrawn or superseded)", name)
}

// Proposal is a tracked pull request of a committee's RFC repository, as last
// seen through GitHub (sync or webhook).
type Proposal struct {
	CommitteeID string
	Number      int // pull-request number
	Title       string
	URL         string
	AuthorLogin string
	Authors     []string // from the RFC header
	RFCNumber   string   // "0007"; empty while unassigned
	RFCPath     string
	// HeaderStatus is the RFC header's Status field as written.
	HeaderStatus string
	State        ProposalState
	Open         bool // the pull request is open
	Draft        bool
	Merged       bool
	Labels       []string
	// NeedsBoardInput: the foundation board must give input before the vote.
	NeedsBoardInput  bool
	BoardInputReason string
	// BoardInputRecorded: the board's input is on record (the pull request
	// carries the board-input-received label).
	BoardInputRecorded bool
	Created, Updated   time.Time
	Closed, MergedAt   time.Time
	// DiscussionTime and FCPTime are when the proposal entered discussion and
	// the final comment period, when known (zero otherwise).
	DiscussionTime time.Time
	FCPTime        time.Time
	HeadSHA        string
	Abstract       string
	// TrademarkApproval is the RFC header's Scope field of that name, as
	// written: the board-input rule reads it (GitHubSettings.BoardInput).
	TrademarkApproval string
	// Tracked: the committee's rules make the pull request a proposal
	// (GitHubSettings.Tracks). A pull request that is not one is kept all
	// the same, so that a sync need not read it again; only tracked ones
	// are listed, shown and voted on.
	Tracked bool
}

// labelIn reports whether labels holds name, compared case-insensitively
// (the repository has both "vote at next meeting" and "Vote at next meeting").
func labelIn(labels []string, name string) bool {
	if name == "" {
		return false
	}
	for _, l := range labels {
		if strings.EqualFold(strings.TrimSpace(l), name) {
			return true
		}
	}
	return false
}

// HasLabel reports whether labels carries the named label, case-insensitively.
func (g GitHubSettings) HasLabel(labels []string, name string) bool { return labelIn(labels, name) }

// lifecycleLabels are the labels that make a pull request a proposal.
func (g GitHubSettings) lifecycleLabels() []string {
	return []string{g.DiscussionLabel, g.FCPLabel, g.BoardInputLabel, g.RejectedLabel, g.WithdrawnLabel, g.SupersededLabel}
}

// IsRFCFile reports whether a changed file is an RFC file: a Markdown file
// under the configured RFC folder (the template does not count).
func (g GitHubSettings) IsRFCFile(path string) bool {
	dir := g.RFCPath
	if dir == "" {
		dir = "rfcs/"
	}
	name, ok := strings.CutPrefix(path, dir)
	return ok && name != "" && !strings.Contains(name, "/") &&
		strings.HasSuffix(strings.ToLower(name), ".md") && !strings.EqualFold(name, "0000-template.md")
}

// Tracks is THE rule for which pull requests are proposals: one that adds
// or changes an RFC file, or carries a lifecycle label (process changes such
// as #5 were voted on without an RFC file). Others (typo fixes) are ignored.
func (g GitHubSettings) Tracks(files, labels []string) bool {
	for _, f := range files {
		if g.IsRFCFile(f) {
			return true
		}
	}
	for _, l := range g.lifecycleLabels() {
		if labelIn(labels, l) {
			return true
		}
	}
	return false
}

// Lifecycle is THE lifecycle rule: the state of a pull request from whether
// it is open or merged, its labels and its RFC header's status.
//
//   - merged: ACCEPTED;
//   - a rejected/withdrawn/superseded label: that state (the decision is on
//     record even before the pull request is closed);
//   - closed unmerged: the header's status when it names one of those, else
//     WITHDRAWN;
//   - open: FCP with the FCP label, DISCUSSION with the discussion label,
//     else SUBMITTED.
func (g GitHubSettings) Lifecycle(open, merged bool, labels []string, headerStatus string) ProposalState {
	switch {
	case merged:
		return ProposalAccepted
	case labelIn(labels, g.RejectedLabel):
		return ProposalRejected
	case labelIn(labels, g.WithdrawnLabel):
		return ProposalWithdrawn
	case labelIn(labels, g.SupersededLabel):
		return ProposalSuperseded
	case !open:
		switch s := HeaderState(headerStatus); s {
		case ProposalRejected, ProposalWithdrawn, ProposalSuperseded:
			return s
		}
		return ProposalWithdrawn
	case labelIn(labels, g.FCPLabel):
		return ProposalFCP
	case labelIn(labels, g.DiscussionLabel):
		return ProposalDiscussion
	}
	return ProposalSubmitted
}

// BoardInput is THE board-input rule (PROCESS-README: "AlmaLinux OS
// Foundation Board input as a blocker"): the board must give input before
// the vote when the pull request carries the board-input label, or the RFC's
// Scope names a trademark approval other than N/A. The input is on record
// once the pull request carries the board-input-received label.
func (g GitHubSettings) BoardInput(labels []string, trademarkApproval string) (needed bool, reason string, recorded bool) {
	recorded = labelIn(labels, g.BoardInputGivenLabel)
	if t := strings.TrimSpace(trademarkApproval); !isNotApplicable(t) {
		return true, "trademark approval: " + t, recorded
	}
	if labelIn(labels, g.BoardInputLabel) {
		return true, "labelled " + g.BoardInputLabel, recorded
	}
	return false, "", recorded
}

// isNotApplicable reports whether a Scope value says "nothing here".
func isNotApplicable(v string) bool {
	v = strings.ToLower(strings.Trim(strings.TrimSpace(v), ".`*_ "))
	switch v {
	case "", "n/a", "na", "n.a", "none", "no", "not applicable", "not required", "-", "—":
		return true
	}
	return false
}

// Review is how long a proposal has been under review on a given instant.
type Review struct {
	// Since is when the review period started: when the proposal entered
	// discussion if known, else when the pull request was opened.
	Since        time.Time
	DaysInReview int
	// DaysInFCP counts whole days since the proposal entered the final
	// comment period; 0 when that time is unknown (FCPKnown false).
	DaysInFCP int
	FCPKnown  bool
	// PeriodOver: at least ReviewPeriodDays have passed since Since.
	PeriodOver bool
}

// ReviewAt is THE review-period rule: days counted from when the proposal
// entered discussion (else from when it was opened) to at, in whole days;
// the period is over once Rules.ReviewPeriodDays have passed.
func (c *Committee) ReviewAt(p Proposal, at time.Time) Review {
	r := Review{Since: p.DiscussionTime}
	if r.Since.IsZero() {
		r.Since = p.Created
	}
	r.DaysInReview = wholeDays(r.Since, at)
	r.PeriodOver = r.DaysInReview >= c.Rules.ReviewPeriodDays
	if !p.FCPTime.IsZero() {
		r.FCPKnown = true
		r.DaysInFCP = wholeDays(p.FCPTime, at)
	}
	return r
}

// wholeDays counts full 24-hour days from a to b (0 when b is not after a).
func wholeDays(a, b time.Time) int {
	if a.IsZero() || !b.After(a) {
		return 0
	}
	return int(b.Sub(a) / (24 * time.Hour))
}

// SyncState is how a committee's last reconciliation with GitHub went.
type SyncState struct {
	LastSynced  time.Time // last success; zero if never
	LastAttempt time.Time
	LastError   string // "" when the last attempt succeeded
}

// SyncResult reports one reconciliation to its caller.
type SyncResult struct {
	Requests    int
	NotModified int
	Changed     int
	SyncedAt    time.Time
}

// MaxPullNumber is the largest pull-request number alesco keeps: GitHub
// numbers them from 1, and the API carries them as int32.
const MaxPullNumber = 1<<31 - 1

// Validate checks what GitHub said about a pull request before it is
// stored: a number in range, and every text field by the record's text
// rules (CleanText, CleanURL).
func (p Proposal) Validate() error {
	if p.Number < 1 || p.Number > MaxPullNumber {
		return Errorf(EINVALID, "pull request number %d is out of range (1 to %d)", p.Number, MaxPullNumber)
	}
	check := func(field string, kind TextKind, s string) error {
		_, err := CleanText(fmt.Sprintf("pull request #%d: %s", p.Number, field), kind, s)
		return err
	}
	for _, f := range []struct {
		name string
		kind TextKind
		s    string
	}{
		{"title", LineText, p.Title}, {"author", NameText, p.AuthorLogin}, {"RFC number", NameText, p.RFCNumber},
		{"RFC path", LineText, p.RFCPath}, {"RFC status", NameText, p.HeaderStatus}, {"head SHA", NameText, p.HeadSHA},
		{"abstract", NoteText, p.Abstract}, {"trademark approval", ReasonText, p.TrademarkApproval},
	} {
		if err := check(f.name, f.kind, f.s); err != nil {
			return err
		}
	}
	for _, l := range p.Labels {
		if err := check("label", NameText, l); err != nil {
			return err
		}
	}
	for _, a := range p.Authors {
		if err := check("author", NameText, a); err != nil {
			return err
		}
	}
	if p.URL != "" {
		if _, err := CleanURL(fmt.Sprintf("pull request #%d: url", p.Number), p.URL); err != nil {
			return err
		}
	}
	return nil
}

// HeaderState maps an RFC header's Status to a state: "Approved" counts as
// "Accepted"; "Draft" and unknown words give 0.
func HeaderState(status string) ProposalState {
	s := strings.ToLower(strings.TrimSpace(status))
	switch {
	case s == "accepted" || s == "approved" || s == "merged" || s == "implemented":
		return ProposalAccepted
	case s == "rejected" || s == "declined":
		return ProposalRejected
	case s == "withdrawn":
		return ProposalWithdrawn
	case strings.HasPrefix(s, "superseded"):
		return ProposalSuperseded
	case s == "final comment period" || s == "fcp":
		return ProposalFCP
	case strings.HasPrefix(s, "accepted for discussion") || s == "open for discussion" || s == "discussion":
		return ProposalDiscussion
	case s == "submitted":
		return ProposalSubmitted
	}
	return 0
}
