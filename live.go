package alesco

import (
	"strings"
	"time"
)

// This file is what a meeting recorded live needs beyond the record's
// parts: the topic under discussion, motions that decide something about
// the committee itself (chair elections, appointments, removals), "the"
// open motion, and decisions agreed without a vote. A meeting's live state
// is read from its record, so every front end (terminal, browser, chat)
// and a restarted server see the same: the topic is the last note's.

// MotionKind says what a motion decides about the committee itself.
type MotionKind string

// Motion kinds.
const (
	MotionPlain      MotionKind = ""            // a question about anything else
	MotionElectChair MotionKind = "elect_chair" // makes its subject chair from the meeting's date
	MotionAppoint    MotionKind = "appoint"     // makes its subject a member from the meeting's date
	MotionRemove     MotionKind = "remove"      // ends its subject's membership on the meeting's date
)

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
