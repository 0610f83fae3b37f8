package alesco

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file is the minutes lifecycle: attendance, notes, motions, votes,
// deciding votes, closing, action items, finalize, amend and import, as
// methods on the record. They are pure: the application layer loads a
// record, calls one of them with the clock's time, and saves the record in
// the same transaction. New notes, motions and action items get their ids
// when the record is saved.

// NewMinutes starts the draft minutes of meeting m.
func NewMinutes(m Meeting) *Minutes {
	return &Minutes{MeetingID: m.ID, CommitteeID: m.CommitteeID, Date: m.LocalDate(), Start: m.Start,
		Status: MinutesDraft, Source: SourceRecorded, Revision: 1}
}

// Render turns a record into its Markdown (the minutes package's
// rendering); finalize and amend freeze its result.
type Render func(*Minutes) string

func finalError(meetingID string) error {
	return Errorf(EPRECONDITION, "minutes of %s are final; amend them", meetingID)
}

// editable refuses changes to final minutes.
func (m *Minutes) editable() error {
	if m.Status == MinutesFinal {
		return finalError(m.MeetingID)
	}
	return nil
}

// RecordAttendance replaces the attendance. Member attendees must be on
// c's roster on the meeting's date (found by id, or else by name); their
// names come from c. Board and community attendees need a name.
func (m *Minutes) RecordAttendance(c *Committee, in []Attendee) error {
	if err := m.editable(); err != nil {
		return err
	}
	out := make([]Attendee, 0, len(in))
	seen := map[string]bool{}
	for i, a := range in {
		var err error
		if a.Name, err = CleanText(fmt.Sprintf("attendee %d: name", i+1), NameText, a.Name); err != nil {
			return err
		}
		if a.Note, err = CleanText(fmt.Sprintf("attendee %d: note", i+1), NameText, a.Note); err != nil {
			return err
		}
		switch a.Kind {
		case AttendeeMember:
			mem, ok := c.Member(a.MemberID)
			if !ok && a.MemberID == "" {
				mem, ok = c.MemberByName(a.Name)
			}
			if !ok {
				return Errorf(EINVALID, "attendee %d: %q is not a member of %s", i+1, a.MemberID+a.Name, c.ID)
			}
			if !mem.IsMemberOn(m.Date) {
				return Errorf(EINVALID, "attendee %d: %s is not on the %s roster on %s", i+1, mem.Name, c.ShortName, m.Date)
			}
			if seen[mem.ID] {
				return Errorf(EINVALID, "attendee %d: %s is listed twice", i+1, mem.Name)
			}
			seen[mem.ID] = true
			a.MemberID, a.Name = mem.ID, mem.Name
		case AttendeeBoard, AttendeeCommunity:
			if a.Name == "" {
				return Errorf(EINVALID, "attendee %d: a %s attendee needs a name", i+1, a.Kind)
			}
			a.MemberID, a.Absent = "", false
		default:
			return Errorf(EINVALID, "attendee %d: kind must be member, board or community", i+1)
		}
		out = append(out, a)
	}
	m.Attendees = out
	return nil
}

// AddNote adds a discussion note; one that names no topic goes under the
// topic under discussion. Its topic is one line; its text is Markdown.
// "Action Items" is no topic: it is the list AddActionItem keeps.
func (m *Minutes) AddNote(n Note) (*Note, error) {
	if err := m.editable(); err != nil {
		return nil, err
	}
	var err error
	n.ID = 0
	if n.Topic, err = CleanMarkdown("topic", LineText, n.Topic); err != nil {
		return nil, err
	}
	if n.Text, err = CleanMarkdown("text", NoteText, n.Text); err != nil {
		return nil, err
	}
	if strings.EqualFold(n.Topic, ActionItemsTopic) {
		return nil, Errorf(EINVALID, "the topic %q is where the minutes list action items: record them with AddActionItem", n.Topic)
	}
	if n.Text == "" {
		return nil, Errorf(EINVALID, "a note needs text")
	}
	if n.Topic == "" && n.ProposalNumber == 0 {
		// A note that names no topic goes under the one under discussion.
		n.Topic, n.ProposalNumber = m.CurrentTopic()
	}
	if n.ProposalNumber < 0 {
		return nil, Errorf(EINVALID, "proposal_number cannot be negative")
	}
	m.Notes = append(m.Notes, n)
	return &m.Notes[len(m.Notes)-1], nil
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

// AddActionItem records an action item: one line of Markdown, and who
// took it on. Without an owner, text written the wiki's way ("Owner: what
// to do", SplitOwner) names its owner.
func (m *Minutes) AddActionItem(owner, text string) (*ActionItem, error) {
	a := ActionItem{MeetingID: m.MeetingID}
	var err error
	if a.Text, err = CleanMarkdown("text", LineText, text); err != nil {
		return nil, err
	}
	if a.Owner, err = CleanText("owner", NameText, owner); err != nil {
		return nil, err
	}
	if o, rest, ok := SplitOwner(a.Text); ok && a.Owner == "" {
		if a.Owner, err = CleanText("owner (the text before \": \")", NameText, o); err != nil {
			return nil, err
		}
		a.Text = strings.TrimSpace(rest)
	}
	if a.Text == "" {
		return nil, Errorf(EINVALID, "an action item needs text")
	}
	if err := m.editable(); err != nil {
		return nil, err
	}
	a.Number = len(m.ActionItems) + 1
	m.ActionItems = append(m.ActionItems, a)
	return &m.ActionItems[len(m.ActionItems)-1], nil
}

// CompleteActionItem marks an action item done. Items of final minutes may
// still be completed: they are followed up at later meetings.
func (m *Minutes) CompleteActionItem(id int64, now time.Time) (*ActionItem, error) {
	for i := range m.ActionItems {
		a := &m.ActionItems[i]
		if a.ID != id {
			continue
		}
		if a.Done {
			return nil, Errorf(EPRECONDITION, "action item %d of %s was already completed on %s", a.Number, m.MeetingID, a.Completed.Format(time.DateOnly))
		}
		a.Done, a.Completed = true, now
		return a, nil
	}
	return nil, Errorf(ENOTFOUND, "no action item %d", id)
}

// Finalize makes the minutes immutable: the meeting has started, every
// motion is closed; the Markdown is rendered once and frozen. Names given
// replace the recorded and edited-by lists. c is the meeting's committee
// (its refusals speak its time).
func (m *Minutes) Finalize(c *Committee, recordedBy, editedBy []string, now time.Time, render Render) error {
	if m.Status == MinutesFinal {
		return Errorf(EPRECONDITION, "minutes of %s are already final; amend them", m.MeetingID)
	}
	if err := m.checkFinalize(c, now); err != nil {
		return err
	}
	for _, mo := range m.Motions {
		if mo.Status == MotionOpen {
			return Errorf(EPRECONDITION, "motion %d (%s) is still open: close it before finalizing", mo.Number, mo.Title)
		}
	}
	r, err := cleanNames("recorded_by", recordedBy)
	if err != nil {
		return err
	}
	e, err := cleanNames("edited_by", editedBy)
	if err != nil {
		return err
	}
	if len(r) > 0 {
		m.RecordedBy = r
	}
	if len(e) > 0 {
		m.EditedBy = e
	}
	m.freeze(now, render)
	return nil
}

func (m *Minutes) freeze(now time.Time, render Render) {
	m.Status, m.Finalized = MinutesFinal, now
	m.Markdown = render(m)
}

// maxNames bounds a "recorded by" or "edited by" list.
const maxNames = 20

func cleanNames(field string, in []string) ([]string, error) {
	if len(in) > maxNames {
		return nil, Errorf(EINVALID, "%s lists %d names, at most %d", field, len(in), maxNames)
	}
	var out []string
	for i, n := range in {
		n, err := CleanText(fmt.Sprintf("%s %d", field, i+1), NameText, n)
		if err != nil {
			return nil, err
		}
		if n != "" {
			out = append(out, n)
		}
	}
	return out, nil
}

// reopen keeps the final text as a revision and turns the minutes back
// into a draft of the next revision.
func (m *Minutes) reopen(reason string) {
	m.Revisions = append(m.Revisions, MinutesRevision{Revision: m.Revision, Reason: reason, Markdown: m.Markdown, Finalized: m.Finalized})
	m.Status, m.Revision, m.Markdown, m.Finalized = MinutesDraft, m.Revision+1, "", time.Time{}
}

// replaceText takes the attendance, decisions, notes and names of minutes
// parsed from Markdown.
func (m *Minutes) replaceText(from *Minutes) {
	m.Attendees = slices.Clone(from.Attendees)
	m.Decisions = slices.Clone(from.Decisions)
	m.Notes = make([]Note, len(from.Notes))
	for i, n := range from.Notes {
		n.ID = 0
		m.Notes[i] = n
	}
	m.RecordedBy, m.EditedBy, m.Source = from.RecordedBy, from.EditedBy, SourceMarkdown
}

// Amend amends final minutes, keeping the finalized text as a revision.
// With a replacement (parsed from Markdown) the new text replaces
// attendance, decisions and notes and the minutes stay final; without one
// they reopen as a draft of the next revision (CompareMinutes says what
// changed).
func (m *Minutes) Amend(reason string, replacement *Minutes, now time.Time, render Render) error {
	reason, err := CleanText("reason", ReasonText, reason)
	if err != nil {
		return err
	}
	if reason == "" {
		return Errorf(EINVALID, "an amendment needs a reason")
	}
	if m.Status != MinutesFinal {
		return Errorf(EPRECONDITION, "minutes of %s are still a draft: record changes directly, amend only final minutes", m.MeetingID)
	}
	if replacement != nil {
		if err := replacement.checkText(); err != nil {
			return err
		}
	}
	m.reopen(reason)
	if replacement != nil {
		m.replaceText(replacement)
		m.freeze(now, render)
	}
	return nil
}

// ImportHash identifies what an import stores, so that importing the same
// file again changes nothing.
func ImportHash(parsed *Minutes) string {
	b, _ := json.Marshal(struct {
		R, E []string
		A    []Attendee
		D    []Decision
		N    []Note
		I    []ActionItem
	}{parsed.RecordedBy, parsed.EditedBy, parsed.Attendees, parsed.Decisions, parsed.Notes, parsed.ActionItems})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Import replaces the record with minutes parsed from a wiki file and
// freezes it. Importing the same content again changes nothing (changed is
// false); different content for imported minutes becomes a new revision;
// minutes recorded live are never overwritten.
func (m *Minutes) Import(parsed *Minutes, file string, now time.Time, render Render) (changed bool, err error) {
	if err := parsed.checkText(); err != nil {
		return false, Errorf(EINVALID, "%s: %s", file, ErrorMessage(err))
	}
	hash := ImportHash(parsed)
	switch {
	case m.ImportHash == hash:
		return false, nil
	case m.Source == SourceRecorded && m.hasContent():
		return false, Errorf(EPRECONDITION, "minutes of %s were recorded live; amend them instead of importing", m.MeetingID)
	}
	if m.Status == MinutesFinal {
		m.reopen("re-imported from " + file)
	}
	m.replaceText(parsed)
	m.ActionItems = make([]ActionItem, len(parsed.ActionItems))
	for i, a := range parsed.ActionItems {
		a.ID, a.Number, a.MeetingID = 0, i+1, m.MeetingID
		m.ActionItems[i] = a
	}
	m.ImportHash = hash
	m.freeze(now, render)
	return true, nil
}

// hasContent reports whether anything was recorded.
func (m *Minutes) hasContent() bool {
	return m.Status == MinutesFinal || len(m.Attendees)+len(m.Notes)+len(m.Motions)+len(m.ActionItems)+len(m.Decisions) > 0
}
