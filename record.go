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

// This file is the minutes lifecycle: attendance, notes, action items,
// finalize, amend and import, as methods on the record (motions and votes
// are in motions.go). They are pure: the application layer loads a
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
// still be completed: they are followed up at later meetings. A refusal
// names the day it was done on the committee's calendar.
func (m *Minutes) CompleteActionItem(c *Committee, id int64, now time.Time) (*ActionItem, error) {
	for i := range m.ActionItems {
		a := &m.ActionItems[i]
		if a.ID != id {
			continue
		}
		if a.Done {
			return nil, Errorf(EPRECONDITION, "action item %d of %s was already completed on %s", a.Number, m.MeetingID, c.Today(a.Completed))
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

// The rules of when a meeting's record may be written:
// the record follows the meeting, never runs ahead of it. Every time is
// the one clock of the transaction that writes (Tx.Now).

// RecordLead is how long before a meeting's start its minutes may be
// begun: the secretary opens the record and takes attendance as people
// arrive.
const RecordLead = time.Hour

// Clock writes an instant as a committee's people read it: in the
// committee's time zone, with the zone's abbreviation ("2026-12-03 12:00
// EST"). Every message that tells a chair a time writes it so, never in UTC
// beside others in local time.
func Clock(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// clock formats an instant in the meeting's time zone, as a chair reads it.
func (m Meeting) clock(t time.Time) string { return Clock(t, m.loc()) }

// CheckRecording is THE rule for writing a meeting's minutes at now: from
// RecordLead before its start on, and never for a cancelled meeting.
func (m Meeting) CheckRecording(now time.Time) error {
	if m.Status == MeetingCancelled {
		reason := ""
		if m.CancelReason != "" {
			reason = " (" + m.CancelReason + ")"
		}
		return Errorf(EPRECONDITION, "meeting %s was cancelled%s: it takes no minutes", m.ID, reason)
	}
	return m.checkStarted(now, m.Start.Add(-RecordLead), "its minutes can be recorded from "+m.clock(m.Start.Add(-RecordLead))+", an hour before it starts")
}

// CheckImport is the rule for importing published minutes of m at now:
// the meeting must be due (as for recording). A meeting alesco shows as
// cancelled still takes them: the published record says it met, and the
// import warns about the disagreement.
func (m Meeting) CheckImport(now time.Time) error {
	return m.checkStarted(now, m.Start.Add(-RecordLead), "minutes of a meeting that has not taken place cannot be imported")
}

func (m Meeting) checkStarted(now, from time.Time, what string) error {
	if now.Before(from) {
		return Errorf(EPRECONDITION, "meeting %s starts %s: %s", m.ID, m.clock(m.Start), what)
	}
	return nil
}

// heldAt is THE rule for a held meeting: it has minutes and has started
// (and was not cancelled).
func (m Meeting) heldAt(now time.Time) bool {
	return m.Recorded && m.Status != MeetingCancelled && !now.Before(m.Start)
}

// checkFinalize is the rule for finalizing minutes at now: only once the
// meeting has started. The refusal gives the start in c's time zone.
func (m *Minutes) checkFinalize(c *Committee, now time.Time) error {
	if now.Before(m.Start) {
		return Errorf(EPRECONDITION, "meeting %s has not started yet (it starts %s): finalize its minutes after it starts",
			m.MeetingID, Clock(m.Start, c.loc()))
	}
	return nil
}

// Withdrawal names an entry of the minutes to take back (the live
// language's undo): a note or an action item by id, or a decision agreed
// without a vote by its text.
type Withdrawal struct {
	Kind WithdrawalKind
	ID   int64
	Text string
}

// WithdrawalKind is what a Withdrawal takes back.
type WithdrawalKind string

// The entries undo may take back.
const (
	WithdrawNote     WithdrawalKind = "note"
	WithdrawAction   WithdrawalKind = "action item"
	WithdrawDecision WithdrawalKind = "decision"
)

// Withdraw takes an entry out of draft minutes; found is false when it is
// no longer there (taken back already). Action items after it move up.
func (m *Minutes) Withdraw(w Withdrawal) (found bool, err error) {
	if err := m.editable(); err != nil {
		return false, err
	}
	switch w.Kind {
	case WithdrawNote:
		for i, n := range m.Notes {
			if n.ID == w.ID {
				m.Notes = append(m.Notes[:i], m.Notes[i+1:]...)
				return true, nil
			}
		}
	case WithdrawAction:
		for i, a := range m.ActionItems {
			if a.ID == w.ID {
				m.ActionItems = append(m.ActionItems[:i], m.ActionItems[i+1:]...)
				for j := i; j < len(m.ActionItems); j++ {
					m.ActionItems[j].Number = j + 1
				}
				return true, nil
			}
		}
	case WithdrawDecision:
		for i := len(m.Decisions) - 1; i >= 0; i-- {
			if d := m.Decisions[i]; d.MotionID == 0 && d.Text == w.Text {
				m.Decisions = append(m.Decisions[:i], m.Decisions[i+1:]...)
				return true, nil
			}
		}
	}
	return false, nil
}
