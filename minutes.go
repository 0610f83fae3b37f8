package alesco

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MinutesStatus says whether minutes may still change.
type MinutesStatus string

// Minutes statuses.
const (
	MinutesDraft MinutesStatus = "draft" // being recorded
	MinutesFinal MinutesStatus = "final" // immutable; only an amendment changes it
)

// MinutesSource says where a record's text came from.
type MinutesSource string

// Minutes sources.
const (
	// SourceRecorded minutes were recorded live through the API: their
	// Markdown is rendered from notes, motions and votes.
	SourceRecorded MinutesSource = "recorded"
	// SourceMarkdown minutes were imported from (or amended with) a wiki
	// Markdown file: their notes hold the file's text verbatim.
	SourceMarkdown MinutesSource = "markdown"
)

// AttendeeKind says in which list of the minutes an attendee appears.
type AttendeeKind string

// Kinds of attendee.
const (
	AttendeeMember    AttendeeKind = "member"
	AttendeeBoard     AttendeeKind = "board"
	AttendeeCommunity AttendeeKind = "community"
)

// Attendee is one line of a meeting's attendance.
type Attendee struct {
	Kind     AttendeeKind
	MemberID string // set for committee members known to the configuration
	Name     string
	Absent   bool   // a member who was unable to attend
	Note     string // "arrived late", "left early", "briefly"
	// Arrived and Left are when attendance recorded one person at a time
	// saw them arrive and leave (zero when not recorded so). A member who
	// left no longer counts toward quorum.
	Arrived time.Time `json:",omitzero"`
	Left    time.Time `json:",omitzero"`
}

// Present reports whether the attendee is in the meeting now: listed as
// attending, and not recorded as having left.
func (a Attendee) Present() bool { return !a.Absent && a.Left.IsZero() }

// SameAttendee reports whether two attendance lines say the same.
func SameAttendee(a, b Attendee) bool {
	return a.Kind == b.Kind && a.MemberID == b.MemberID && a.Name == b.Name && a.Absent == b.Absent && a.Note == b.Note &&
		a.Arrived.Equal(b.Arrived) && a.Left.Equal(b.Left)
}

// VoteValue is a vote: +1, 0 or -1.
type VoteValue int

// Vote values.
const (
	VoteNo      VoteValue = -1
	VoteAbstain VoteValue = 0
	VoteYes     VoteValue = 1
)

// String formats a vote the way the minutes write it: +1, 0, -1.
func (v VoteValue) String() string {
	if v > 0 {
		return "+1"
	}
	return fmt.Sprint(int(v))
}

// VoteSource says where a vote was cast.
type VoteSource string

// Vote sources.
const (
	VoteLive  VoteSource = "live"  // cast in the meeting
	VoteAsync VoteSource = "async" // cast elsewhere, e.g. in the pull-request discussion
)

// Vote is one member's vote on a motion.
type Vote struct {
	MemberID     string
	MemberName   string
	Value        VoteValue
	Source       VoteSource
	ReferenceURL string // where an async vote was cast
	Cast         time.Time
}

// Tally counts votes.
type Tally struct {
	Yes, Abstain, No int
}

// TallyOf counts the votes.
func TallyOf(votes []Vote) Tally {
	var t Tally
	for _, v := range votes {
		switch v.Value {
		case VoteYes:
			t.Yes++
		case VoteNo:
			t.No++
		default:
			t.Abstain++
		}
	}
	return t
}

// String formats the tally as the wiki's vote line does:
// "+4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)".
func (t Tally) String() string {
	return fmt.Sprintf("%s, %d, %s (%d in favor, %d abstained, %d not in favor)", signed('+', t.Yes), t.Abstain, signed('-', t.No), t.Yes, t.Abstain, t.No)
}

// signed writes a count the way the wiki does: "+4", "-1", and a bare "0".
func signed(sign byte, n int) string {
	if n == 0 {
		return "0"
	}
	return string(sign) + strconv.Itoa(n)
}

// MotionStatus says whether a motion still takes votes.
type MotionStatus string

// Motion statuses.
const (
	MotionOpen   MotionStatus = "open"
	MotionClosed MotionStatus = "closed"
)

// MotionOutcome is how a motion ended.
type MotionOutcome string

// Motion outcomes.
const (
	OutcomeNone     MotionOutcome = ""
	OutcomePassed   MotionOutcome = "passed"
	OutcomeRejected MotionOutcome = "rejected"
	OutcomeTied     MotionOutcome = "tied"   // a tie nobody decided
	OutcomeTabled   MotionOutcome = "tabled" // set aside; carried to a later agenda
	OutcomePunted   MotionOutcome = "punted" // deferred to the next meeting
)

// Carried reports whether the outcome leaves the motion for a later agenda.
func (o MotionOutcome) Carried() bool { return o == OutcomeTabled || o == OutcomePunted }

// Motion is a question put to a vote in a meeting.
type Motion struct {
	// ID is the store's, unique across meetings (the API's handle);
	// Number is the motion's place in its meeting, from 1: the number
	// people are told ("motion 2").
	ID             int64
	Number         int
	MeetingID      string
	Title          string
	ProposalNumber int
	Status         MotionStatus
	Outcome        MotionOutcome
	Unanimous      bool
	Votes          []Vote
	// Deciding is the tie-breaking vote, when one was cast.
	Deciding *Vote
	// DesignatedMemberID is the member the chair designated to cast the
	// deciding vote in the chair's place; empty when none was.
	DesignatedMemberID string
	Opened, Closed     time.Time
	// Topic is the topic under discussion when the motion was put (the
	// minutes write the motion under it); "" for a motion of its own.
	Topic string
	// Kind says what the motion decides about the committee itself;
	// SubjectID and SubjectName are who (SubjectID is "" for a new member
	// an appointment names).
	Kind        MotionKind
	SubjectID   string
	SubjectName string
}

// Tally counts the motion's votes (the deciding vote is not among them).
func (m *Motion) Tally() Tally { return TallyOf(m.Votes) }

// VoteOf returns the vote a member cast on the motion.
func (m *Motion) VoteOf(memberID string) (Vote, bool) {
	for _, v := range m.Votes {
		if v.MemberID == memberID {
			return v, true
		}
	}
	return Vote{}, false
}

// QuorumError returns nil when present members make quorum q, else an
// EPRECONDITION error a chair understands:
// "quorum not met: 3 of 5 members present, 4 required".
func QuorumError(q Quorum, present int) error {
	if q.Met(present) {
		return nil
	}
	return Errorf(EPRECONDITION, "quorum not met: %d of %d members present, %d required", present, q.RosterSize, q.Required)
}

// DecideMotion is the charter's voting rule, the one place it lives: a vote
// needs quorum present; it passes when more members vote yes than no and is
// rejected when more vote no; a tie is decided by the deciding vote (the
// chair's, or a member the chair designated) and otherwise stays TIED.
// Unanimous means every vote was yes. deciding is nil when no deciding vote
// was cast.
func DecideMotion(q Quorum, present int, t Tally, deciding *VoteValue) (MotionOutcome, bool, error) {
	if err := QuorumError(q, present); err != nil {
		return OutcomeNone, false, err
	}
	unanimous := t.Yes > 0 && t.No == 0 && t.Abstain == 0
	switch {
	case t.Yes > t.No:
		return OutcomePassed, unanimous, nil
	case t.No > t.Yes:
		return OutcomeRejected, false, nil
	case deciding != nil && *deciding == VoteYes:
		return OutcomePassed, false, nil
	case deciding != nil && *deciding == VoteNo:
		return OutcomeRejected, false, nil
	}
	return OutcomeTied, false, nil
}

// CloseOutcome is the outcome a motion closes with. With no override it is
// DecideMotion's. TABLED and PUNTED set the motion aside without a vote and
// need no quorum. A chair's PASSED, REJECTED or TIED override still needs
// quorum, and is unanimous only when the votes were.
func CloseOutcome(q Quorum, present int, t Tally, deciding *VoteValue, override MotionOutcome) (MotionOutcome, bool, error) {
	switch override {
	case OutcomeTabled, OutcomePunted:
		return override, false, nil
	case OutcomeNone:
		return DecideMotion(q, present, t, deciding)
	case OutcomePassed, OutcomeRejected, OutcomeTied:
		_, unanimous, err := DecideMotion(q, present, t, deciding)
		return override, unanimous && override == OutcomePassed, err
	}
	return OutcomeNone, false, Errorf(EINVALID, "unknown outcome %q", override)
}

// IsTie reports whether a tally needs a deciding vote.
func (t Tally) IsTie() bool { return t.Yes == t.No }

// Note is a discussion note under a topic. Text is Markdown.
type Note struct {
	ID             int64
	Topic          string
	ProposalNumber int
	Text           string
	// Paragraph: the topic is written as a plain line ("Discussed [RFC:
	// ...](...)") above its bullets, as the wiki does since 2025-10, rather
	// than as a "### Topic" heading.
	Paragraph bool
}

// ActionItemsTopic is the heading under which the minutes list their
// action items; no note may take it as its topic.
const ActionItemsTopic = "Action Items"

// ActionItem is a task someone took on in a meeting.
type ActionItem struct {
	// ID is the store's, unique across meetings (the API's handle);
	// Number is the item's place in its meeting, from 1: the number
	// people are told ("action item 2").
	ID        int64
	Number    int
	MeetingID string
	Owner     string
	Text      string
	Done      bool
	Completed time.Time
}

// Decision is one entry of "Decisions Adopted".
type Decision struct {
	Text           string
	Details        []string // sub-points; nested ones keep their Markdown indentation
	MotionID       int64    // the motion that produced it, 0 for imported text
	ProposalNumber int
	Outcome        MotionOutcome
}

// MinutesRevision is an earlier finalized version of amended minutes.
type MinutesRevision struct {
	Revision  int
	Reason    string // why it was amended
	Markdown  string
	Finalized time.Time
}

// Minutes is a meeting's record.
type Minutes struct {
	MeetingID   string
	CommitteeID string
	Date        Date
	Start       time.Time
	Status      MinutesStatus
	Source      MinutesSource
	Revision    int
	RecordedBy  []string
	EditedBy    []string
	Attendees   []Attendee
	Decisions   []Decision
	Notes       []Note
	Motions     []Motion
	ActionItems []ActionItem
	// Markdown is the frozen text of final minutes ("" while a draft).
	Markdown  string
	Finalized time.Time
	Revisions []MinutesRevision
	// ImportHash identifies the imported content (ImportHash); "" for
	// minutes recorded live.
	ImportHash string
}

// MembersPresent returns the ids of members on c's roster on the meeting's
// date who are recorded present.
func (m *Minutes) MembersPresent(c *Committee) []string {
	var out []string
	for _, a := range m.Attendees {
		if a.Kind != AttendeeMember || !a.Present() || a.MemberID == "" {
			continue
		}
		if mem, ok := c.Member(a.MemberID); ok && mem.IsMemberOn(m.Date) {
			out = append(out, a.MemberID)
		}
	}
	return out
}

// Quorum returns the quorum on the meeting's date and how many members
// are present.
func (m *Minutes) Quorum(c *Committee) (Quorum, int) {
	return c.QuorumOn(m.Date), len(m.MembersPresent(c))
}

// MemberByName finds the member of c called name (case-insensitive, spaces
// normalised).
func (c *Committee) MemberByName(name string) (*Member, bool) {
	want := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	for i := range c.Members {
		if strings.Join(strings.Fields(strings.ToLower(c.Members[i].Name)), " ") == want {
			return &c.Members[i], true
		}
	}
	return nil, false
}
