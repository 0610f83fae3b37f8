package alesco

// Every enum of the domain is spelled in exactly one table here: its value,
// its number in the API (proto/alesco/v1) and how people read it. The
// server's proto mapping, the pages and the minutes' Markdown all look
// their words up here.

type enumEntry[T comparable] struct {
	value T
	proto int32  // the API enum's number; 0 is UNSPECIFIED
	label string // how a page shows it
}

type enumTable[T comparable] []enumEntry[T]

func (t enumTable[T]) entry(v T) (enumEntry[T], bool) {
	for _, e := range t {
		if e.value == v {
			return e, true
		}
	}
	return enumEntry[T]{}, false
}

func (t enumTable[T]) proto(v T) int32 {
	e, _ := t.entry(v)
	return e.proto
}

func (t enumTable[T]) label(v T) string {
	e, _ := t.entry(v)
	return e.label
}

func (t enumTable[T]) fromProto(n int32) (T, bool) {
	for _, e := range t {
		if e.proto == n {
			return e.value, true
		}
	}
	var zero T
	return zero, false
}

var outcomeTable = enumTable[MotionOutcome]{
	{OutcomeNone, 0, "Open"},
	{OutcomePassed, 1, "Passed"},
	{OutcomeRejected, 2, "Rejected"},
	{OutcomeTied, 3, "Tied"},
	{OutcomeTabled, 4, "Tabled"},
	{OutcomePunted, 5, "Punted to the next meeting"},
}

// outcomeWords are how the wiki's minutes write an outcome.
var outcomeWords = map[MotionOutcome]string{
	OutcomePassed: "APPROVED", OutcomeRejected: "REJECTED", OutcomeTied: "TIED",
	OutcomeTabled: "TABLED", OutcomePunted: "PUNTED to the next meeting",
}

// Label is how a page shows the outcome: "Passed", "Punted to the next meeting".
func (o MotionOutcome) Label() string { return outcomeTable.label(o) }

// Word is how the minutes write the outcome: APPROVED, REJECTED, TIED,
// TABLED, "PUNTED to the next meeting"; "undecided" while open.
func (o MotionOutcome) Word() string {
	if w, ok := outcomeWords[o]; ok {
		return w
	}
	return "undecided"
}

// Proto is the outcome's API number.
func (o MotionOutcome) Proto() int32 { return outcomeTable.proto(o) }

// OutcomeFromProto reads an API outcome; EINVALID for an unknown number.
func OutcomeFromProto(n int32) (MotionOutcome, error) {
	if o, ok := outcomeTable.fromProto(n); ok {
		return o, nil
	}
	return "", Errorf(EINVALID, "unknown motion outcome %d (want PASSED, REJECTED, TIED, TABLED or PUNTED)", n)
}

var voteTable = enumTable[VoteValue]{
	{VoteYes, 1, "+1 (yes)"},
	{VoteAbstain, 2, "0 (abstain)"},
	{VoteNo, 3, "−1 (no)"},
}

// Label is how a page shows the vote: "+1 (yes)".
func (v VoteValue) Label() string { return voteTable.label(v) }

// Proto is the vote's API number.
func (v VoteValue) Proto() int32 { return voteTable.proto(v) }

// VoteFromProto reads an API vote value; EINVALID for UNSPECIFIED or an
// unknown number.
func VoteFromProto(n int32) (VoteValue, error) {
	if v, ok := voteTable.fromProto(n); ok {
		return v, nil
	}
	return 0, Errorf(EINVALID, "value is required: YES (+1), ABSTAIN (0) or NO (-1)")
}

var voteSourceTable = enumTable[VoteSource]{
	{VoteLive, 1, "in the meeting"},
	{VoteAsync, 2, "async"},
}

// Label is how a page shows where a vote was cast.
func (s VoteSource) Label() string { return voteSourceTable.label(s) }

// Proto is the source's API number.
func (s VoteSource) Proto() int32 { return voteSourceTable.proto(s) }

// VoteSourceFromProto reads an API vote source: UNSPECIFIED means live;
// an unknown number is EINVALID.
func VoteSourceFromProto(n int32) (VoteSource, error) {
	if n == 0 {
		return VoteLive, nil
	}
	if s, ok := voteSourceTable.fromProto(n); ok {
		return s, nil
	}
	return "", Errorf(EINVALID, "unknown vote source %d (want LIVE or ASYNC)", n)
}

var minutesStatusTable = enumTable[MinutesStatus]{
	{MinutesDraft, 1, "Draft"},
	{MinutesFinal, 2, "Final"},
}

// Label is how a page shows the status of minutes.
func (s MinutesStatus) Label() string { return minutesStatusTable.label(s) }

// Proto is the status's API number.
func (s MinutesStatus) Proto() int32 { return minutesStatusTable.proto(s) }

// MinutesStatusFromProto reads an API minutes status ("" for UNSPECIFIED).
func MinutesStatusFromProto(n int32) MinutesStatus {
	s, _ := minutesStatusTable.fromProto(n)
	return s
}

var motionStatusTable = enumTable[MotionStatus]{
	{MotionOpen, 1, "Open"},
	{MotionClosed, 2, "Closed"},
}

// Proto is the status's API number.
func (s MotionStatus) Proto() int32 { return motionStatusTable.proto(s) }

var attendeeKindTable = enumTable[AttendeeKind]{
	{AttendeeMember, 1, "Member"},
	{AttendeeBoard, 2, "Board"},
	{AttendeeCommunity, 3, "Community"},
}

// Proto is the kind's API number.
func (k AttendeeKind) Proto() int32 { return attendeeKindTable.proto(k) }

// AttendeeKindFromProto reads an API attendee kind; EINVALID for
// UNSPECIFIED or an unknown number.
func AttendeeKindFromProto(n int32) (AttendeeKind, error) {
	if k, ok := attendeeKindTable.fromProto(n); ok {
		return k, nil
	}
	return "", Errorf(EINVALID, "kind must be member, board or community")
}

var meetingStatusTable = enumTable[MeetingStatus]{
	{MeetingScheduled, 1, "Scheduled"},
	{MeetingCancelled, 2, "Cancelled"},
	{MeetingMoved, 3, "Moved"},
	{MeetingHeld, 4, "Held"},
}

// Label is how a page shows the meeting's status.
func (s MeetingStatus) Label() string { return meetingStatusTable.label(s) }

// Proto is the status's API number.
func (s MeetingStatus) Proto() int32 { return meetingStatusTable.proto(s) }

// MeetingStatusFromProto reads an API meeting status (0 for UNSPECIFIED).
func MeetingStatusFromProto(n int32) MeetingStatus {
	s, _ := meetingStatusTable.fromProto(n)
	return s
}

var proposalStateTable = enumTable[ProposalState]{
	{ProposalSubmitted, 1, "Submitted"},
	{ProposalDiscussion, 2, "In discussion"},
	{ProposalFCP, 3, "Vote at next meeting"},
	{ProposalAccepted, 4, "Accepted"},
	{ProposalRejected, 5, "Rejected"},
	{ProposalWithdrawn, 6, "Withdrawn"},
	{ProposalSuperseded, 7, "Superseded"},
}

// Label is how a page shows the state: "In discussion".
func (s ProposalState) Label() string {
	if l := proposalStateTable.label(s); l != "" {
		return l
	}
	return "Unknown state"
}

// Proto is the state's API number.
func (s ProposalState) Proto() int32 { return proposalStateTable.proto(s) }

// ProposalStateFromProto reads an API proposal state; EINVALID for
// UNSPECIFIED or an unknown number.
func ProposalStateFromProto(n int32) (ProposalState, error) {
	if s, ok := proposalStateTable.fromProto(n); ok {
		return s, nil
	}
	return 0, Errorf(EINVALID, "unknown proposal state %d", n)
}

var searchKindTable = enumTable[SearchKind]{
	{SearchNote, 1, "Note"},
	{SearchDecision, 2, "Decision"},
	{SearchActionItem, 3, "Action item"},
	{SearchProposal, 4, "Proposal"},
}

// Label is how a page shows the kind of a search hit.
func (k SearchKind) Label() string { return searchKindTable.label(k) }

// Proto is the kind's API number.
func (k SearchKind) Proto() int32 { return searchKindTable.proto(k) }

// SearchKindFromProto reads an API search result kind ("" for UNSPECIFIED).
func SearchKindFromProto(n int32) SearchKind {
	k, _ := searchKindTable.fromProto(n)
	return k
}

var motionKindTable = enumTable[MotionKind]{
	{MotionPlain, 0, "Motion"},
	{MotionElectChair, 1, "Chair election"},
	{MotionAppoint, 2, "Appointment"},
	{MotionRemove, 3, "Removal"},
}

// Label is how a page shows the kind of motion.
func (k MotionKind) Label() string { return motionKindTable.label(k) }

// Proto is the kind's API number (0 for an ordinary motion).
func (k MotionKind) Proto() int32 { return motionKindTable.proto(k) }

var attendanceActionTable = enumTable[AttendanceAction]{
	{AttendPresent, 1, "present"},
	{AttendLate, 2, "arrived late"},
	{AttendLeft, 3, "left"},
	{AttendAbsent, 4, "unable to attend"},
	{AttendBoard, 5, "board attendee"},
	{AttendGuest, 6, "community attendee"},
}

// Label is how a page shows the attendance change.
func (a AttendanceAction) Label() string { return attendanceActionTable.label(a) }

// Proto is the action's API number.
func (a AttendanceAction) Proto() int32 { return attendanceActionTable.proto(a) }

// AttendanceActionFromProto reads an API attendance action; EINVALID for
// UNSPECIFIED or an unknown number.
func AttendanceActionFromProto(n int32) (AttendanceAction, error) {
	if a, ok := attendanceActionTable.fromProto(n); ok {
		return a, nil
	}
	return "", Errorf(EINVALID, "action is required: PRESENT, LATE, LEFT, ABSENT, BOARD or GUEST")
}
