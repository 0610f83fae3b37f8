package sqlite

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/almalinux/alesco"
)

// SaveMinutes implements alesco.Tx. It compares the record with what is
// stored and writes the difference, in the order the immutability triggers
// allow: an amendment first turns final minutes back into a draft of the
// next revision, then the children change, then the minutes row takes its
// new state (final again, for an amendment with a replacement text).
func (t *txn) SaveMinutes(m *alesco.Minutes) error {
	old, err := t.Minutes(m.MeetingID)
	if alesco.ErrorCode(err) == alesco.ENOTFOUND {
		old, err = t.createMinutes(m)
	}
	if err != nil {
		return err
	}
	t.touch(old.CommitteeID)
	sealed := false // the stored row is final and stays so
	if old.Status == alesco.MinutesFinal {
		switch m.Revision {
		case old.Revision:
			sealed = true
		case old.Revision + 1:
			if _, err := t.exec(`UPDATE minutes SET status = 'draft', revision = ?, markdown = '', finalized_at = '', updated_at = ?
				WHERE meeting_id = ?`, m.Revision, FormatTime(t.now), m.MeetingID); err != nil {
				return fmt.Errorf("sqlite: reopen minutes: %w", err)
			}
			old.Status, old.Revision, old.Markdown, old.Finalized = alesco.MinutesDraft, m.Revision, "", time.Time{}
		default:
			return fmt.Errorf("sqlite: minutes of %s jump from revision %d to %d", m.MeetingID, old.Revision, m.Revision)
		}
	}
	changed, err := t.saveChildren(old, m)
	if err != nil {
		return triggerError(err, m.MeetingID)
	}
	rowChanged := old.Status != m.Status || old.Source != m.Source || old.Revision != m.Revision || old.Markdown != m.Markdown ||
		!old.Finalized.Equal(m.Finalized) || old.ImportHash != m.ImportHash ||
		!slices.Equal(old.RecordedBy, m.RecordedBy) || !slices.Equal(old.EditedBy, m.EditedBy)
	switch {
	case sealed && rowChanged:
		return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s are final; amend them", m.MeetingID)
	case sealed || (!rowChanged && !changed):
		return nil
	}
	_, err = t.exec(`UPDATE minutes SET status = ?, source = ?, revision = ?, recorded_by = ?, edited_by = ?, markdown = ?,
		finalized_at = ?, content_sha256 = ?, updated_at = ? WHERE meeting_id = ?`,
		string(m.Status), string(m.Source), m.Revision, jsonList(m.RecordedBy), jsonList(m.EditedBy), m.Markdown,
		FormatTime(m.Finalized), m.ImportHash, FormatTime(t.now), m.MeetingID)
	if err != nil {
		return triggerError(fmt.Errorf("sqlite: save minutes: %w", err), m.MeetingID)
	}
	if m.Status == alesco.MinutesFinal && old.Status != alesco.MinutesFinal && !slices.Contains(t.frozen, m.MeetingID) {
		t.frozen = append(t.frozen, m.MeetingID) // sealed in the audit row (sealFrozen)
	}
	return nil
}

// createMinutes inserts the row of new minutes, as an empty draft that
// SaveMinutes then fills in.
func (t *txn) createMinutes(m *alesco.Minutes) (*alesco.Minutes, error) {
	now := FormatTime(t.now)
	_, err := t.exec(`INSERT INTO minutes (meeting_id, committee_id, meeting_date, start_time, revision, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.MeetingID, m.CommitteeID, m.Date.String(), FormatTime(m.Start), m.Revision, now, now)
	if err != nil {
		return nil, fmt.Errorf("sqlite: create minutes: %w", err)
	}
	return &alesco.Minutes{MeetingID: m.MeetingID, CommitteeID: m.CommitteeID, Date: m.Date, Start: m.Start,
		Status: alesco.MinutesDraft, Source: alesco.SourceRecorded, Revision: m.Revision}, nil
}

// saveChildren writes the children of m that differ from old's.
func (t *txn) saveChildren(old, m *alesco.Minutes) (changed bool, err error) {
	for _, save := range []func(old, m *alesco.Minutes) (bool, error){
		t.saveRevisions, t.saveAttendees, t.saveDecisions, t.saveNotes,
		func(old, m *alesco.Minutes) (bool, error) { return t.saveMotions(old.Motions, m.Motions, m.MeetingID) },
		t.saveActionItems,
	} {
		c, err := save(old, m)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

// saveRevisions keeps the revisions that are new.
func (t *txn) saveRevisions(old, m *alesco.Minutes) (changed bool, err error) {
	for _, rev := range m.Revisions {
		if slices.ContainsFunc(old.Revisions, func(r alesco.MinutesRevision) bool { return r.Revision == rev.Revision }) {
			continue
		}
		changed = true
		if _, err := t.exec(`INSERT INTO minutes_revisions (meeting_id, revision, reason, markdown, finalized_at) VALUES (?, ?, ?, ?, ?)`,
			m.MeetingID, rev.Revision, rev.Reason, rev.Markdown, FormatTime(rev.Finalized)); err != nil {
			return false, fmt.Errorf("sqlite: keep revision: %w", err)
		}
	}
	return changed, nil
}

// saveAttendees rewrites the attendance when it changed.
func (t *txn) saveAttendees(old, m *alesco.Minutes) (bool, error) {
	if slices.EqualFunc(old.Attendees, m.Attendees, alesco.SameAttendee) {
		return false, nil
	}
	if _, err := t.exec(`DELETE FROM minutes_attendees WHERE meeting_id = ?`, m.MeetingID); err != nil {
		return false, err
	}
	for _, a := range m.Attendees {
		if _, err := t.exec(`INSERT INTO minutes_attendees (meeting_id, kind, member_id, name, absent, note, arrived_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			m.MeetingID, string(a.Kind), a.MemberID, a.Name, a.Absent, a.Note, FormatTime(a.Arrived), FormatTime(a.Left)); err != nil {
			return false, fmt.Errorf("sqlite: attendee: %w", err)
		}
	}
	return true, nil
}

// saveDecisions rewrites the decisions when they changed.
func (t *txn) saveDecisions(old, m *alesco.Minutes) (bool, error) {
	if slices.EqualFunc(old.Decisions, m.Decisions, sameDecision) {
		return false, nil
	}
	if _, err := t.exec(`DELETE FROM decisions WHERE meeting_id = ?`, m.MeetingID); err != nil {
		return false, err
	}
	for _, d := range m.Decisions {
		if _, err := t.exec(`INSERT INTO decisions (meeting_id, text, details, motion_id, proposal_number, outcome) VALUES (?, ?, ?, ?, ?, ?)`,
			m.MeetingID, d.Text, jsonList(d.Details), d.MotionID, d.ProposalNumber, string(d.Outcome)); err != nil {
			return false, fmt.Errorf("sqlite: decision: %w", err)
		}
	}
	return true, nil
}

// saveNotes writes the notes that changed, by id.
func (t *txn) saveNotes(old, m *alesco.Minutes) (bool, error) {
	id := m.MeetingID
	c, err := saveByID(t, old.Notes, m.Notes, func(n alesco.Note) int64 { return n.ID }, func(a, b alesco.Note) bool { return a == b },
		func(n *alesco.Note) error {
			res, err := t.exec(`INSERT INTO minutes_notes (meeting_id, topic, proposal_number, text, paragraph) VALUES (?, ?, ?, ?, ?)`,
				id, n.Topic, n.ProposalNumber, n.Text, n.Paragraph)
			if err == nil {
				n.ID, err = res.LastInsertId()
			}
			return err
		},
		func(_, n alesco.Note) error {
			_, err := t.exec(`UPDATE minutes_notes SET topic = ?, proposal_number = ?, text = ?, paragraph = ? WHERE id = ?`,
				n.Topic, n.ProposalNumber, n.Text, n.Paragraph, n.ID)
			return err
		},
		`DELETE FROM minutes_notes WHERE id = ?`)
	if err != nil {
		return false, fmt.Errorf("sqlite: notes: %w", err)
	}
	return c, nil
}

// saveActionItems writes the action items that changed, by id.
func (t *txn) saveActionItems(old, m *alesco.Minutes) (bool, error) {
	id := m.MeetingID
	c, err := saveByID(t, old.ActionItems, m.ActionItems, func(a alesco.ActionItem) int64 { return a.ID },
		func(a, b alesco.ActionItem) bool {
			return a.MeetingID == b.MeetingID && a.Owner == b.Owner && a.Text == b.Text && a.Done == b.Done && a.Completed.Equal(b.Completed)
		},
		func(a *alesco.ActionItem) error {
			res, err := t.exec(`INSERT INTO action_items (meeting_id, owner, text, done, completed_at) VALUES (?, ?, ?, ?, ?)`,
				id, a.Owner, a.Text, a.Done, FormatTime(a.Completed))
			if err == nil {
				a.MeetingID = id
				a.ID, err = res.LastInsertId()
			}
			return err
		},
		func(old, a alesco.ActionItem) error {
			if old.Owner == a.Owner && old.Text == a.Text {
				// Only this may change in final minutes (the triggers
				// refuse any UPDATE naming owner or text there).
				_, err := t.exec(`UPDATE action_items SET done = ?, completed_at = ? WHERE id = ?`, a.Done, FormatTime(a.Completed), a.ID)
				return err
			}
			_, err := t.exec(`UPDATE action_items SET owner = ?, text = ?, done = ?, completed_at = ? WHERE id = ?`,
				a.Owner, a.Text, a.Done, FormatTime(a.Completed), a.ID)
			return err
		},
		`DELETE FROM action_items WHERE id = ?`)
	if err != nil {
		return false, fmt.Errorf("sqlite: action items: %w", err)
	}
	return c, nil
}

// saveByID writes the difference between two lists of rows with ids: rows
// with id 0 are inserted (insert sets their id), rows whose content
// differs are updated (given the stored row too), stored rows no longer
// listed are deleted.
func saveByID[T any](t *txn, old, cur []T, id func(T) int64, same func(a, b T) bool,
	insert func(*T) error, update func(old, cur T) error, deleteSQL string) (changed bool, err error) {
	stored := make(map[int64]T, len(old))
	for _, o := range old {
		stored[id(o)] = o
	}
	kept := map[int64]bool{}
	for i := range cur {
		switch o, ok := stored[id(cur[i])]; {
		case id(cur[i]) == 0:
			changed = true
			if err := insert(&cur[i]); err != nil {
				return false, err
			}
		case !ok:
			return false, fmt.Errorf("row %d is not stored", id(cur[i]))
		case !same(o, cur[i]):
			changed = true
			if err := update(o, cur[i]); err != nil {
				return false, err
			}
		}
		kept[id(cur[i])] = true
	}
	for _, o := range old {
		if !kept[id(o)] {
			changed = true
			if _, err := t.exec(deleteSQL, id(o)); err != nil {
				return false, err
			}
		}
	}
	return changed, nil
}

func (t *txn) saveMotions(old, cur []alesco.Motion, meetingID string) (bool, error) {
	byID := map[int64]*alesco.Motion{}
	for i := range old {
		byID[old[i].ID] = &old[i]
	}
	changed := false
	for i := range cur {
		mo := &cur[i]
		prev := byID[mo.ID]
		if mo.ID == 0 {
			res, err := t.exec(`INSERT INTO motions (meeting_id, title, proposal_number, opened_at, topic, kind, subject_id, subject_name)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, meetingID, mo.Title, mo.ProposalNumber, FormatTime(mo.Opened), mo.Topic, string(mo.Kind), mo.SubjectID, mo.SubjectName)
			if err != nil {
				return false, triggerError(fmt.Errorf("sqlite: open motion: %w", err), meetingID)
			}
			if mo.ID, err = res.LastInsertId(); err != nil {
				return false, err
			}
			mo.MeetingID = meetingID
			prev = &alesco.Motion{ID: mo.ID, MeetingID: meetingID, Title: mo.Title, ProposalNumber: mo.ProposalNumber,
				Status: alesco.MotionOpen, Opened: mo.Opened, Topic: mo.Topic, Kind: mo.Kind, SubjectID: mo.SubjectID, SubjectName: mo.SubjectName}
			changed = true
		} else if prev == nil {
			return false, fmt.Errorf("sqlite: motion %d is not stored in %s", mo.ID, meetingID)
		}
		c, err := t.saveMotion(prev, mo)
		if err != nil {
			return false, triggerError(err, meetingID)
		}
		changed = changed || c
	}
	if len(cur) < len(old) {
		return false, errors.New("sqlite: motions are never deleted")
	}
	return changed, nil
}

func (t *txn) saveMotion(old, mo *alesco.Motion) (changed bool, err error) {
	if old.Title != mo.Title || old.ProposalNumber != mo.ProposalNumber || old.Status != mo.Status || old.Outcome != mo.Outcome ||
		old.Unanimous != mo.Unanimous || old.DesignatedMemberID != mo.DesignatedMemberID || !old.Closed.Equal(mo.Closed) ||
		old.Topic != mo.Topic || old.Kind != mo.Kind || old.SubjectID != mo.SubjectID || old.SubjectName != mo.SubjectName {
		changed = true
		if _, err := t.exec(`UPDATE motions SET title = ?, proposal_number = ?, status = ?, outcome = ?, unanimous = ?, designated_member_id = ?,
			closed_at = ?, topic = ?, kind = ?, subject_id = ?, subject_name = ? WHERE id = ?`, mo.Title, mo.ProposalNumber, string(mo.Status), string(mo.Outcome), mo.Unanimous,
			mo.DesignatedMemberID, FormatTime(mo.Closed), mo.Topic, string(mo.Kind), mo.SubjectID, mo.SubjectName, mo.ID); err != nil {
			return false, fmt.Errorf("sqlite: save motion: %w", err)
		}
	}
	votes := map[string]alesco.Vote{}
	for _, v := range old.Votes {
		votes[v.MemberID] = v
	}
	for _, v := range mo.Votes {
		prev, ok := votes[v.MemberID]
		if ok && sameVote(prev, v) {
			continue
		}
		changed = true
		// A member's second vote replaces the first and keeps its place.
		_, err := t.exec(`INSERT INTO votes (motion_id, member_id, member_name, value, source, reference_url, cast_at, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM votes WHERE motion_id = ?))
			ON CONFLICT (motion_id, member_id) DO UPDATE SET member_name = excluded.member_name, value = excluded.value,
			source = excluded.source, reference_url = excluded.reference_url, cast_at = excluded.cast_at`,
			mo.ID, v.MemberID, v.MemberName, int(v.Value), string(v.Source), v.ReferenceURL, FormatTime(v.Cast), mo.ID)
		if err != nil {
			return false, fmt.Errorf("sqlite: cast vote: %w", err)
		}
	}
	cast := map[string]bool{}
	for _, v := range mo.Votes {
		cast[v.MemberID] = true
	}
	for _, v := range old.Votes {
		if cast[v.MemberID] {
			continue
		}
		// Only an async vote of an open motion leaves: its member withdrew
		// it in the RFC's discussion (alesco.Minutes.FollowDiscussion).
		if old.Status != alesco.MotionOpen || v.Source != alesco.VoteAsync {
			return false, errors.New("sqlite: a vote is never withdrawn, but an async one from an open motion")
		}
		changed = true
		if _, err := t.exec(`DELETE FROM votes WHERE motion_id = ? AND member_id = ?`, mo.ID, v.MemberID); err != nil {
			return false, fmt.Errorf("sqlite: withdraw vote: %w", err)
		}
	}
	switch d := mo.Deciding; {
	case d == nil && old.Deciding != nil:
		return false, errors.New("sqlite: a deciding vote is never withdrawn")
	case d != nil && (old.Deciding == nil || !sameVote(*old.Deciding, *d)):
		changed = true
		_, err := t.exec(`INSERT INTO deciding_votes (motion_id, member_id, member_name, value, cast_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (motion_id) DO UPDATE SET member_id = excluded.member_id, member_name = excluded.member_name,
			value = excluded.value, cast_at = excluded.cast_at`, mo.ID, d.MemberID, d.MemberName, int(d.Value), FormatTime(d.Cast))
		if err != nil {
			return false, fmt.Errorf("sqlite: deciding vote: %w", err)
		}
	}
	return changed, nil
}

func sameVote(a, b alesco.Vote) bool {
	return a.MemberID == b.MemberID && a.MemberName == b.MemberName && a.Value == b.Value && a.Source == b.Source &&
		a.ReferenceURL == b.ReferenceURL && a.Cast.Equal(b.Cast)
}

func sameDecision(a, b alesco.Decision) bool {
	return a.Text == b.Text && slices.Equal(a.Details, b.Details) && a.MotionID == b.MotionID &&
		a.ProposalNumber == b.ProposalNumber && a.Outcome == b.Outcome
}

// jsonList stores a list of strings as a JSON array ("[]" for none).
// stringList reads a list jsonList wrote. It splits the plain case itself
// (no escapes: what names and labels almost always are) because
// encoding/json's reflection costs more than the rest of a row; anything
// else goes to encoding/json.
func stringList(s string) ([]string, error) {
	if s == "[]" {
		return []string{}, nil
	}
	if len(s) >= 4 && s[0] == '[' && s[1] == '"' && s[len(s)-2] == '"' && s[len(s)-1] == ']' && plainJSON(s) {
		// Quotes only in separators: the plain case.
		if inner := s[2 : len(s)-2]; strings.Count(inner, `"`) == 2*strings.Count(inner, `","`) {
			return strings.Split(inner, `","`), nil
		}
	}
	var out []string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// plainJSON reports whether s is valid UTF-8 without escapes or control
// characters, so its strings read as written.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c < 0x20 {
			return false
		}
	}
	return utf8.ValidString(s)
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v) // a []string always marshals
	return string(b)
}
