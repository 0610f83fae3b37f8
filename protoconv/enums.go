package protoconv

import (
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
)

// Every enum of the domain has exactly one table here: its values and
// their numbers in the API (proto/alesco/v1). The domain knows how people
// read its values (Label, Word); only this package knows the wire.

// enumTable pairs a domain enum's values with the API's.
type enumTable[D comparable, P ~int32] []struct {
	domain D
	api    P
}

// toAPI is v's API value; UNSPECIFIED (0) for a value the table lacks.
func (t enumTable[D, P]) toAPI(v D) P {
	for _, e := range t {
		if e.domain == v {
			return e.api
		}
	}
	return 0
}

// fromAPI is the domain value of API value n, if the table has it.
func (t enumTable[D, P]) fromAPI(n P) (D, bool) {
	for _, e := range t {
		if e.api == n {
			return e.domain, true
		}
	}
	var zero D
	return zero, false
}

var outcomes = enumTable[alesco.MotionOutcome, alescov1.MotionOutcome]{
	{alesco.OutcomeNone, alescov1.MotionOutcome_MOTION_OUTCOME_UNSPECIFIED},
	{alesco.OutcomePassed, alescov1.MotionOutcome_MOTION_OUTCOME_PASSED},
	{alesco.OutcomeRejected, alescov1.MotionOutcome_MOTION_OUTCOME_REJECTED},
	{alesco.OutcomeTied, alescov1.MotionOutcome_MOTION_OUTCOME_TIED},
	{alesco.OutcomeTabled, alescov1.MotionOutcome_MOTION_OUTCOME_TABLED},
	{alesco.OutcomePunted, alescov1.MotionOutcome_MOTION_OUTCOME_PUNTED},
}

// Outcome is a motion outcome's API value (UNSPECIFIED while open).
func Outcome(o alesco.MotionOutcome) alescov1.MotionOutcome { return outcomes.toAPI(o) }

// OutcomeFrom reads an API outcome (UNSPECIFIED: none); EINVALID for an
// unknown number.
func OutcomeFrom(n alescov1.MotionOutcome) (alesco.MotionOutcome, error) {
	if o, ok := outcomes.fromAPI(n); ok {
		return o, nil
	}
	return "", alesco.Errorf(alesco.EINVALID, "unknown motion outcome %d (want PASSED, REJECTED, TIED, TABLED or PUNTED)", n)
}

var votes = enumTable[alesco.VoteValue, alescov1.VoteValue]{
	{alesco.VoteYes, alescov1.VoteValue_VOTE_VALUE_YES},
	{alesco.VoteAbstain, alescov1.VoteValue_VOTE_VALUE_ABSTAIN},
	{alesco.VoteNo, alescov1.VoteValue_VOTE_VALUE_NO},
}

// Vote is a vote value's API value.
func Vote(v alesco.VoteValue) alescov1.VoteValue { return votes.toAPI(v) }

// VoteFrom reads an API vote value; EINVALID for UNSPECIFIED or an unknown
// number.
func VoteFrom(n alescov1.VoteValue) (alesco.VoteValue, error) {
	if v, ok := votes.fromAPI(n); ok {
		return v, nil
	}
	return 0, alesco.Errorf(alesco.EINVALID, "value is required: YES (+1), ABSTAIN (0) or NO (-1)")
}

var voteSources = enumTable[alesco.VoteSource, alescov1.VoteSource]{
	{alesco.VoteLive, alescov1.VoteSource_VOTE_SOURCE_LIVE},
	{alesco.VoteAsync, alescov1.VoteSource_VOTE_SOURCE_ASYNC},
}

// VoteSource is a vote source's API value.
func VoteSource(s alesco.VoteSource) alescov1.VoteSource { return voteSources.toAPI(s) }

// VoteSourceFrom reads an API vote source: UNSPECIFIED means live; an
// unknown number is EINVALID.
func VoteSourceFrom(n alescov1.VoteSource) (alesco.VoteSource, error) {
	if n == alescov1.VoteSource_VOTE_SOURCE_UNSPECIFIED {
		return alesco.VoteLive, nil
	}
	if s, ok := voteSources.fromAPI(n); ok {
		return s, nil
	}
	return "", alesco.Errorf(alesco.EINVALID, "unknown vote source %d (want LIVE or ASYNC)", n)
}

var minutesStatuses = enumTable[alesco.MinutesStatus, alescov1.MinutesStatus]{
	{alesco.MinutesDraft, alescov1.MinutesStatus_MINUTES_STATUS_DRAFT},
	{alesco.MinutesFinal, alescov1.MinutesStatus_MINUTES_STATUS_FINAL},
}

// MinutesStatus is a minutes status's API value.
func MinutesStatus(s alesco.MinutesStatus) alescov1.MinutesStatus { return minutesStatuses.toAPI(s) }

var motionStatuses = enumTable[alesco.MotionStatus, alescov1.MotionStatus]{
	{alesco.MotionOpen, alescov1.MotionStatus_MOTION_STATUS_OPEN},
	{alesco.MotionClosed, alescov1.MotionStatus_MOTION_STATUS_CLOSED},
}

// MotionStatus is a motion status's API value.
func MotionStatus(s alesco.MotionStatus) alescov1.MotionStatus { return motionStatuses.toAPI(s) }

var attendeeKinds = enumTable[alesco.AttendeeKind, alescov1.AttendeeKind]{
	{alesco.AttendeeMember, alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER},
	{alesco.AttendeeBoard, alescov1.AttendeeKind_ATTENDEE_KIND_BOARD},
	{alesco.AttendeeCommunity, alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY},
}

// AttendeeKind is an attendee kind's API value.
func AttendeeKind(k alesco.AttendeeKind) alescov1.AttendeeKind { return attendeeKinds.toAPI(k) }

// AttendeeKindFrom reads an API attendee kind; EINVALID for UNSPECIFIED or
// an unknown number.
func AttendeeKindFrom(n alescov1.AttendeeKind) (alesco.AttendeeKind, error) {
	if k, ok := attendeeKinds.fromAPI(n); ok {
		return k, nil
	}
	return "", alesco.Errorf(alesco.EINVALID, "kind must be member, board or community")
}

var meetingStatuses = enumTable[alesco.MeetingStatus, alescov1.MeetingStatus]{
	{alesco.MeetingScheduled, alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED},
	{alesco.MeetingCancelled, alescov1.MeetingStatus_MEETING_STATUS_CANCELLED},
	{alesco.MeetingMoved, alescov1.MeetingStatus_MEETING_STATUS_MOVED},
	{alesco.MeetingHeld, alescov1.MeetingStatus_MEETING_STATUS_HELD},
}

// MeetingStatus is a meeting status's API value.
func MeetingStatus(s alesco.MeetingStatus) alescov1.MeetingStatus { return meetingStatuses.toAPI(s) }

var proposalStates = enumTable[alesco.ProposalState, alescov1.ProposalState]{
	{alesco.ProposalSubmitted, alescov1.ProposalState_PROPOSAL_STATE_SUBMITTED},
	{alesco.ProposalDiscussion, alescov1.ProposalState_PROPOSAL_STATE_DISCUSSION},
	{alesco.ProposalFCP, alescov1.ProposalState_PROPOSAL_STATE_FCP},
	{alesco.ProposalAccepted, alescov1.ProposalState_PROPOSAL_STATE_ACCEPTED},
	{alesco.ProposalRejected, alescov1.ProposalState_PROPOSAL_STATE_REJECTED},
	{alesco.ProposalWithdrawn, alescov1.ProposalState_PROPOSAL_STATE_WITHDRAWN},
	{alesco.ProposalSuperseded, alescov1.ProposalState_PROPOSAL_STATE_SUPERSEDED},
}

// ProposalState is a proposal state's API value.
func ProposalState(s alesco.ProposalState) alescov1.ProposalState { return proposalStates.toAPI(s) }

// ProposalStateFrom reads an API proposal state; EINVALID for UNSPECIFIED
// or an unknown number.
func ProposalStateFrom(n alescov1.ProposalState) (alesco.ProposalState, error) {
	if s, ok := proposalStates.fromAPI(n); ok {
		return s, nil
	}
	return 0, alesco.Errorf(alesco.EINVALID, "unknown proposal state %d", n)
}

var searchKinds = enumTable[alesco.SearchKind, alescov1.SearchResultKind]{
	{alesco.SearchNote, alescov1.SearchResultKind_SEARCH_RESULT_KIND_NOTE},
	{alesco.SearchDecision, alescov1.SearchResultKind_SEARCH_RESULT_KIND_DECISION},
	{alesco.SearchActionItem, alescov1.SearchResultKind_SEARCH_RESULT_KIND_ACTION_ITEM},
	{alesco.SearchProposal, alescov1.SearchResultKind_SEARCH_RESULT_KIND_PROPOSAL},
}

// SearchKind is a search hit kind's API value.
func SearchKind(k alesco.SearchKind) alescov1.SearchResultKind { return searchKinds.toAPI(k) }

var motionKinds = enumTable[alesco.MotionKind, alescov1.MotionKind]{
	{alesco.MotionPlain, alescov1.MotionKind_MOTION_KIND_UNSPECIFIED},
	{alesco.MotionElectChair, alescov1.MotionKind_MOTION_KIND_ELECT_CHAIR},
	{alesco.MotionAppoint, alescov1.MotionKind_MOTION_KIND_APPOINT},
	{alesco.MotionRemove, alescov1.MotionKind_MOTION_KIND_REMOVE},
}

// MotionKind is a motion kind's API value (UNSPECIFIED for an ordinary
// motion).
func MotionKind(k alesco.MotionKind) alescov1.MotionKind { return motionKinds.toAPI(k) }

var attendanceActions = enumTable[alesco.AttendanceAction, alescov1.AttendanceAction]{
	{alesco.AttendPresent, alescov1.AttendanceAction_ATTENDANCE_ACTION_PRESENT},
	{alesco.AttendLate, alescov1.AttendanceAction_ATTENDANCE_ACTION_LATE},
	{alesco.AttendLeft, alescov1.AttendanceAction_ATTENDANCE_ACTION_LEFT},
	{alesco.AttendAbsent, alescov1.AttendanceAction_ATTENDANCE_ACTION_ABSENT},
	{alesco.AttendBoard, alescov1.AttendanceAction_ATTENDANCE_ACTION_BOARD},
	{alesco.AttendGuest, alescov1.AttendanceAction_ATTENDANCE_ACTION_GUEST},
}

// AttendanceActionFrom reads an API attendance action; EINVALID for
// UNSPECIFIED or an unknown number.
func AttendanceActionFrom(n alescov1.AttendanceAction) (alesco.AttendanceAction, error) {
	if a, ok := attendanceActions.fromAPI(n); ok {
		return a, nil
	}
	return "", alesco.Errorf(alesco.EINVALID, "action is required: PRESENT, LATE, LEFT, ABSENT, BOARD or GUEST")
}
