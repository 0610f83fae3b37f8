package alesco

import (
	"slices"
	"strings"
	"time"
)

// This file is how a meeting decides, as methods on its record: the topic
// under discussion, motions (ordinary ones, and those that decide about the
// committee itself: chair elections, appointments, removals), votes and
// deciding votes, closing a motion with its outcome, "the" open motion, and
// decisions agreed without a vote. A meeting's live state is read from its
// record, so every front end (terminal, browser, chat) and a restarted
// server see the same: the topic is the last note's.

// MotionKind says what a motion decides about the committee itself.
type MotionKind string

// Motion kinds.
const (
	MotionPlain      MotionKind = ""            // a question about anything else
	MotionElectChair MotionKind = "elect_chair" // makes its subject chair from the meeting's date
	MotionAppoint    MotionKind = "appoint"     // makes its subject a member from the meeting's date
	MotionRemove     MotionKind = "remove"      // ends its subject's membership on the meeting's date
)

// Label is how a page shows the kind of motion.
func (k MotionKind) Label() string { return motionKindLabels[k] }

var motionKindLabels = map[MotionKind]string{
	MotionPlain: "Motion", MotionElectChair: "Chair election", MotionAppoint: "Appointment", MotionRemove: "Removal",
}

// CurrentTopic is the topic under discussion: the topic of the last note
// (a topic taken up with no notes yet is a note without text).
func (m *Minutes) CurrentTopic() (topic string, proposal int) {
	if len(m.Notes) == 0 {
		return "", 0
	}
	n := m.Notes[len(m.Notes)-1]
	return n.Topic, n.ProposalNumber
}

// TakeUp makes topic the one under discussion. It is recorded as a note
// with the topic and no text, so the minutes show a topic even before
// anything is noted under it; notes and motions that follow go under it.
// proposal ties the topic to a proposal (0 for none). A leading
// "Discussed" is dropped: the minutes write it.
func (m *Minutes) TakeUp(topic string, proposal int) (*Note, error) {
	if err := m.editable(); err != nil {
		return nil, err
	}
	topic, err := CleanMarkdown("topic", LineText, topic)
	if err != nil {
		return nil, err
	}
	if len(topic) > len("discussed ") && strings.EqualFold(topic[:len("discussed ")], "discussed ") {
		topic = strings.TrimSpace(topic[len("discussed "):])
	}
	if topic == "" {
		return nil, Errorf(EINVALID, "name the topic, e.g. topic #16 or topic EPEL possible breaking changes")
	}
	if strings.EqualFold(topic, ActionItemsTopic) {
		return nil, Errorf(EINVALID, "the topic %q is where the minutes list action items: record them with action NAME TEXT", topic)
	}
	if proposal < 0 {
		return nil, Errorf(EINVALID, "proposal_number cannot be negative")
	}
	m.Notes = append(m.Notes, Note{Topic: topic, ProposalNumber: proposal})
	return &m.Notes[len(m.Notes)-1], nil
}

// MotionSpec is a motion to put to a vote.
type MotionSpec struct {
	Title    string
	Proposal int
	// OnTopic puts the motion on the proposal of the topic under
	// discussion (Proposal is then ignored).
	OnTopic bool
	Kind    MotionKind
	// Subject names who an election, appointment or removal is about: a
	// member (Committee.FindMember), or for an appointment a new person's
	// full name.
	Subject string
}

// Propose puts a motion to a vote. Unlike OpenMotion it takes one
// question at a time (the live language's "the motion"), and it checks an
// election, appointment or removal against the charter before any vote.
// The motion is recorded under the topic under discussion.
func (m *Minutes) Propose(c *Committee, s MotionSpec, now time.Time) (*Motion, error) {
	if err := m.editable(); err != nil {
		return nil, err
	}
	if mo := m.LatestOpenMotion(); mo != nil {
		return nil, Errorf(EPRECONDITION, "motion %d (%s) is still open: close it first (close, close tabled or close punted)", mo.Number, mo.Title)
	}
	topic, topicProposal := m.CurrentTopic()
	if s.OnTopic {
		s.Proposal = topicProposal
	}
	var subjectID, subjectName string
	if s.Kind != MotionPlain {
		var err error
		if subjectID, subjectName, err = c.rosterMotion(s.Kind, s.Subject, m.Date); err != nil {
			return nil, err
		}
		if strings.TrimSpace(s.Title) == "" {
			s.Title = rosterMotionTitle(c, s.Kind, subjectName)
		}
	}
	if strings.TrimSpace(s.Title) == "" {
		return nil, Errorf(EINVALID, "say what the motion is, e.g. motion Accept RFC 16")
	}
	mo, err := m.OpenMotion(c, s.Title, s.Proposal, now)
	if err != nil {
		return nil, err
	}
	if s.Proposal == topicProposal || s.Proposal == 0 {
		mo.Topic = topic
	}
	mo.Kind, mo.SubjectID, mo.SubjectName = s.Kind, subjectID, subjectName
	return mo, nil
}

func rosterMotionTitle(c *Committee, k MotionKind, name string) string {
	switch k {
	case MotionElectChair:
		return "Elect " + name + " as " + c.ShortName + " chair"
	case MotionAppoint:
		return "Appoint " + name + " as a member of " + c.ShortName
	}
	return "Remove " + name + " from " + c.ShortName
}

// LatestOpenMotion returns the motion opened last among those still open,
// or nil: the live language's "the motion".
func (m *Minutes) LatestOpenMotion() *Motion {
	for i := len(m.Motions) - 1; i >= 0; i-- {
		if m.Motions[i].Status == MotionOpen {
			return &m.Motions[i]
		}
	}
	return nil
}

// OpenMotionID returns the id of the motion a command without one is
// about: id itself when not 0, else the latest open motion's (EPRECONDITION
// when none is open).
func (m *Minutes) OpenMotionID(id int64) (int64, error) {
	if id != 0 {
		return id, nil
	}
	if mo := m.LatestOpenMotion(); mo != nil {
		return mo.ID, nil
	}
	return 0, Errorf(EPRECONDITION, "no motion is open: put one with motion TEXT (or elect NAME)")
}

// Agree records a decision the meeting agreed without a vote (meetbot's
// #agreed): a "Decisions Adopted" entry tied to the topic's proposal.
func (m *Minutes) Agree(text string) (*Decision, error) {
	if err := m.editable(); err != nil {
		return nil, err
	}
	// A decision agreed (like one imported) is one line of Markdown.
	text, err := CleanMarkdown("decision", LineText, text)
	if err != nil {
		return nil, err
	}
	if text == "" {
		return nil, Errorf(EINVALID, "say what was agreed, e.g. agreed Unanimously voted to backport the gVNIC drivers")
	}
	_, proposal := m.CurrentTopic()
	m.Decisions = append(m.Decisions, Decision{Text: text, ProposalNumber: proposal})
	return &m.Decisions[len(m.Decisions)-1], nil
}

// OpenMotion opens a motion for a vote; it needs quorum present.
func (m *Minutes) OpenMotion(c *Committee, title string, proposal int, now time.Time) (*Motion, error) {
	title, err := CleanText("title", LineText, title)
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, Errorf(EINVALID, "a motion needs a title")
	}
	if proposal < 0 {
		return nil, Errorf(EINVALID, "proposal_number cannot be negative")
	}
	if err := m.editable(); err != nil {
		return nil, err
	}
	if err := QuorumError(m.Quorum(c)); err != nil {
		return nil, err
	}
	m.Motions = append(m.Motions, Motion{Number: len(m.Motions) + 1, MeetingID: m.MeetingID, Title: title, ProposalNumber: proposal, Status: MotionOpen, Opened: now})
	return &m.Motions[len(m.Motions)-1], nil
}

// Motion returns the motion with the given id, or ENOTFOUND.
func (m *Minutes) Motion(id int64) (*Motion, error) {
	for i := range m.Motions {
		if m.Motions[i].ID == id {
			return &m.Motions[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "no motion %d", id)
}

// openMotion returns a motion that still takes votes, in minutes that are
// not final.
func (m *Minutes) openMotion(id int64) (*Motion, error) {
	mo, err := m.Motion(id)
	if err != nil {
		return nil, err
	}
	if err := m.editable(); err != nil {
		return nil, err
	}
	if mo.Status != MotionOpen {
		return nil, Errorf(EPRECONDITION, "motion %d (%s) is closed: %s", mo.Number, mo.Title, mo.Outcome.Word())
	}
	return mo, nil
}

// CastVote records a member's vote on an open motion; a second vote by the
// same member replaces the first (replaced is the earlier value). Only
// members on the roster on the meeting's date may vote (EFORBIDDEN). A
// live vote is cast in the meeting: its member must be recorded present
// and quorum must be present. An async vote was cast elsewhere: its
// reference is the http(s) link to where.
func (m *Minutes) CastVote(c *Committee, motionID int64, v Vote, now time.Time) (mo *Motion, replaced *VoteValue, err error) {
	if v.Value < VoteNo || v.Value > VoteYes {
		return nil, nil, Errorf(EINVALID, "a vote is +1, 0 or -1")
	}
	if v.Source == "" {
		v.Source = VoteLive
	}
	if v.Source != VoteLive && v.Source != VoteAsync {
		return nil, nil, Errorf(EINVALID, "vote source must be live or async")
	}
	switch {
	case v.Source == VoteAsync:
		if v.ReferenceURL, err = CleanURL("reference_url", v.ReferenceURL); err != nil {
			return nil, nil, Errorf(EINVALID, "an async vote needs reference_url, the http(s) link where it was cast: %s", ErrorMessage(err))
		}
	case strings.TrimSpace(v.ReferenceURL) != "":
		if v.ReferenceURL, err = CleanURL("reference_url", v.ReferenceURL); err != nil {
			return nil, nil, err
		}
	}
	if mo, err = m.openMotion(motionID); err != nil {
		return nil, nil, err
	}
	mem, err := c.Voter(v.MemberID, m.Date)
	if err != nil {
		return nil, nil, err
	}
	if v.Source == VoteLive {
		if err := m.liveVoter(c, mem); err != nil {
			return nil, nil, err
		}
	}
	v.MemberID, v.MemberName, v.Cast = mem.ID, mem.Name, now
	for i := range mo.Votes {
		if mo.Votes[i].MemberID == mem.ID {
			old := mo.Votes[i].Value
			mo.Votes[i] = v // keeps its place: the order of first casting
			return mo, &old, nil
		}
	}
	mo.Votes = append(mo.Votes, v)
	return mo, nil, nil
}

// DesignateDecider records the member the chair designates to cast the
// deciding vote on a motion in the chair's place.
func (m *Minutes) DesignateDecider(c *Committee, motionID int64, memberID string) (*Motion, error) {
	mo, err := m.openMotion(motionID)
	if err != nil {
		return nil, err
	}
	mem, err := c.Voter(memberID, m.Date)
	if err != nil {
		return nil, err
	}
	mo.DesignatedMemberID = mem.ID
	return mo, nil
}

// CastDecidingVote records the tie-breaking vote on an open, tied motion
// (Committee.TieBreaker says who may cast it). memberID "" means the
// chair. Staff recording it for a member other than the chair designate
// that member at the same time (designated is then true).
func (m *Minutes) CastDecidingVote(c *Committee, motionID int64, memberID string, value VoteValue, selfCast bool, now time.Time) (mo *Motion, designated bool, err error) {
	if value != VoteYes && value != VoteNo {
		return nil, false, Errorf(EINVALID, "a deciding vote is +1 or -1")
	}
	if mo, err = m.openMotion(motionID); err != nil {
		return nil, false, err
	}
	mem, isChair, err := c.TieBreaker(m.Date, memberID, mo.DesignatedMemberID, selfCast)
	if err != nil {
		return nil, false, err
	}
	if t := mo.Tally(); !t.IsTie() {
		return nil, false, Errorf(EPRECONDITION, "motion %d is not tied (%s): no deciding vote is needed", mo.Number, t)
	}
	if err := m.liveVoter(c, mem); err != nil {
		return nil, false, err
	}
	if !isChair && mo.DesignatedMemberID != mem.ID {
		mo.DesignatedMemberID, designated = mem.ID, true
	}
	mo.Deciding = &Vote{MemberID: mem.ID, MemberName: mem.Name, Value: value, Source: VoteLive, Cast: now}
	return mo, designated, nil
}

// liveVoter is THE rule for a vote cast in the meeting: the member is
// recorded present, and quorum is present.
func (m *Minutes) liveVoter(c *Committee, mem *Member) error {
	if !slices.Contains(m.MembersPresent(c), mem.ID) {
		return Errorf(EPRECONDITION, "%s is not recorded present at meeting %s: record the attendance first (a vote cast elsewhere is an async vote, with its link)", mem.Name, m.MeetingID)
	}
	return QuorumError(m.Quorum(c))
}

// CloseMotion closes an open motion with CloseOutcome's outcome (override
// OutcomeNone lets the votes decide). A passed, rejected or tabled motion
// adds its entry to "Decisions Adopted".
func (m *Minutes) CloseMotion(c *Committee, motionID int64, override MotionOutcome, now time.Time) (*Motion, error) {
	mo, err := m.openMotion(motionID)
	if err != nil {
		return nil, err
	}
	var deciding *VoteValue
	if mo.Deciding != nil {
		deciding = &mo.Deciding.Value
	}
	q, present := m.Quorum(c)
	outcome, unanimous, err := CloseOutcome(q, present, mo.Tally(), deciding, override)
	if err != nil {
		return nil, err
	}
	if mo.Kind == MotionElectChair && outcome == OutcomePassed {
		if err := c.ChairMayStand(mo.SubjectID, m.Date); err != nil {
			return nil, err
		}
	}
	mo.Status, mo.Outcome, mo.Unanimous, mo.Closed = MotionClosed, outcome, unanimous, now
	if d, ok := mo.Decision(); ok {
		m.Decisions = append(m.Decisions, d)
	}
	return mo, nil
}

// Decision is THE rule for what a closed motion adopts: its "Decisions
// Adopted" entry, and false for outcomes that adopt nothing (tied, punted).
func (mo *Motion) Decision() (Decision, bool) {
	switch mo.Outcome {
	case OutcomePassed, OutcomeRejected, OutcomeTabled:
	default:
		return Decision{}, false
	}
	d := Decision{Text: mo.Title + " was " + mo.Outcome.Word(), MotionID: mo.ID, ProposalNumber: mo.ProposalNumber, Outcome: mo.Outcome}
	if mo.Unanimous {
		d.Details = append(d.Details, "Unanimous decision.")
	} else if t := mo.Tally(); mo.Outcome != OutcomeTabled {
		d.Details = append(d.Details, "Vote results: "+t.String())
	}
	if mo.Deciding != nil {
		d.Details = append(d.Details, "The tie was decided by "+mo.Deciding.MemberName+"'s deciding vote.")
	}
	return d, true
}
