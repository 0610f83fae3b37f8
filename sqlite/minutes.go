package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// A meeting's minutes are one row of minutes and rows of its children:
// attendance, notes, motions (with votes and the deciding vote), decisions,
// action items and earlier revisions. Loading reads them all; saving
// writes what differs from what is stored.

// triggerError turns the immutability triggers' abort into the error a
// chair reads.
func triggerError(err error, meetingID string) error {
	if err != nil && strings.Contains(err.Error(), "minutes are final") {
		return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s are final; amend them", meetingID)
	}
	return err
}

// Minutes implements alesco.ReadTx.
func (t *txn) Minutes(meetingID string) (*alesco.Minutes, error) {
	m := &alesco.Minutes{MeetingID: meetingID}
	var date, start, status, source, recorded, edited, finalized string
	err := t.queryRow(`SELECT committee_id, meeting_date, start_time, status, source, revision, recorded_by, edited_by, markdown, finalized_at, content_sha256
		FROM minutes WHERE meeting_id = ?`, meetingID).Scan(&m.CommitteeID, &date, &start, &status, &source, &m.Revision, &recorded, &edited,
		&m.Markdown, &finalized, &m.ImportHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, alesco.Errorf(alesco.ENOTFOUND, "meeting %s has no minutes", meetingID)
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: load minutes: %w", err)
	}
	m.Status, m.Source = alesco.MinutesStatus(status), alesco.MinutesSource(source)
	if m.Date, err = alesco.ParseDate(date); err != nil {
		return nil, err
	}
	if m.Start, err = ParseTime(start); err != nil {
		return nil, err
	}
	if m.Finalized, err = ParseTime(finalized); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(recorded), &m.RecordedBy); err != nil {
		return nil, fmt.Errorf("sqlite: recorded_by: %w", err)
	}
	if err := json.Unmarshal([]byte(edited), &m.EditedBy); err != nil {
		return nil, fmt.Errorf("sqlite: edited_by: %w", err)
	}
	id := []any{meetingID}
	err = t.each(`SELECT kind, member_id, name, absent, note FROM minutes_attendees WHERE meeting_id = ? ORDER BY id`, id, func(r *sql.Rows) error {
		var a alesco.Attendee
		err := r.Scan(&a.Kind, &a.MemberID, &a.Name, &a.Absent, &a.Note)
		m.Attendees = append(m.Attendees, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = t.each(`SELECT id, topic, proposal_number, text, paragraph FROM minutes_notes WHERE meeting_id = ? ORDER BY id`, id, func(r *sql.Rows) error {
		var n alesco.Note
		err := r.Scan(&n.ID, &n.Topic, &n.ProposalNumber, &n.Text, &n.Paragraph)
		m.Notes = append(m.Notes, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = t.each(`SELECT text, details, motion_id, proposal_number, outcome FROM decisions WHERE meeting_id = ? ORDER BY id`, id, func(r *sql.Rows) error {
		var d alesco.Decision
		var details string
		if err := r.Scan(&d.Text, &details, &d.MotionID, &d.ProposalNumber, &d.Outcome); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(details), &d.Details); err != nil {
			return fmt.Errorf("sqlite: decision details: %w", err)
		}
		if len(d.Details) == 0 {
			d.Details = nil
		}
		m.Decisions = append(m.Decisions, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := t.loadMotions(m); err != nil {
		return nil, err
	}
	err = t.each(`SELECT id, meeting_id, owner, text, done, completed_at FROM action_items WHERE meeting_id = ? ORDER BY id`, id, func(r *sql.Rows) error {
		a, err := scanActionItem(r)
		a.Number = len(m.ActionItems) + 1 // in the order of their ids
		m.ActionItems = append(m.ActionItems, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = t.each(`SELECT revision, reason, markdown, finalized_at FROM minutes_revisions WHERE meeting_id = ? ORDER BY revision`, id, func(r *sql.Rows) error {
		var rev alesco.MinutesRevision
		var at string
		if err := r.Scan(&rev.Revision, &rev.Reason, &rev.Markdown, &at); err != nil {
			return err
		}
		var err error
		rev.Finalized, err = ParseTime(at)
		m.Revisions = append(m.Revisions, rev)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (t *txn) loadMotions(m *alesco.Minutes) error {
	index := map[int64]int{}
	err := t.each(`SELECT id, title, proposal_number, status, outcome, unanimous, designated_member_id, opened_at, closed_at,
		topic, kind, subject_id, subject_name FROM motions WHERE meeting_id = ? ORDER BY id`, []any{m.MeetingID}, func(r *sql.Rows) error {
		mo := alesco.Motion{MeetingID: m.MeetingID}
		var opened, closed string
		if err := r.Scan(&mo.ID, &mo.Title, &mo.ProposalNumber, &mo.Status, &mo.Outcome, &mo.Unanimous, &mo.DesignatedMemberID, &opened, &closed,
			&mo.Topic, &mo.Kind, &mo.SubjectID, &mo.SubjectName); err != nil {
			return err
		}
		var err error
		if mo.Opened, err = ParseTime(opened); err != nil {
			return err
		}
		if mo.Closed, err = ParseTime(closed); err != nil {
			return err
		}
		index[mo.ID] = len(m.Motions)
		mo.Number = len(m.Motions) + 1 // in the order of their ids
		m.Motions = append(m.Motions, mo)
		return nil
	})
	if err != nil || len(m.Motions) == 0 {
		return err
	}
	err = t.each(`SELECT v.motion_id, v.member_id, v.member_name, v.value, v.source, v.reference_url, v.cast_at FROM votes v
		JOIN motions x ON x.id = v.motion_id WHERE x.meeting_id = ? ORDER BY v.motion_id, v.seq`, []any{m.MeetingID}, func(r *sql.Rows) error {
		var id int64
		var v alesco.Vote
		var at string
		if err := r.Scan(&id, &v.MemberID, &v.MemberName, &v.Value, &v.Source, &v.ReferenceURL, &at); err != nil {
			return err
		}
		var err error
		v.Cast, err = ParseTime(at)
		mo := &m.Motions[index[id]]
		mo.Votes = append(mo.Votes, v)
		return err
	})
	if err != nil {
		return err
	}
	return t.each(`SELECT d.motion_id, d.member_id, d.member_name, d.value, d.cast_at FROM deciding_votes d
		JOIN motions x ON x.id = d.motion_id WHERE x.meeting_id = ?`, []any{m.MeetingID}, func(r *sql.Rows) error {
		var id int64
		d := alesco.Vote{Source: alesco.VoteLive}
		var at string
		if err := r.Scan(&id, &d.MemberID, &d.MemberName, &d.Value, &at); err != nil {
			return err
		}
		var err error
		d.Cast, err = ParseTime(at)
		m.Motions[index[id]].Deciding = &d
		return err
	})
}

func scanActionItem(r scanner) (alesco.ActionItem, error) {
	var a alesco.ActionItem
	var at string
	if err := r.Scan(&a.ID, &a.MeetingID, &a.Owner, &a.Text, &a.Done, &at); err != nil {
		return a, err
	}
	var err error
	a.Completed, err = ParseTime(at)
	return a, err
}

// ListMinutes implements alesco.ReadTx.
func (t *txn) ListMinutes(committeeID string) ([]*alesco.Minutes, error) {
	var ids []string
	err := t.each(`SELECT meeting_id FROM minutes WHERE committee_id = ? ORDER BY start_time, meeting_id`, []any{committeeID}, func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list minutes: %w", err)
	}
	out := make([]*alesco.Minutes, 0, len(ids))
	for _, id := range ids {
		m, err := t.Minutes(id)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// MeetingOfMotion implements alesco.ReadTx.
func (t *txn) MeetingOfMotion(id int64) (string, error) {
	return t.meetingOf(`SELECT meeting_id FROM motions WHERE id = ?`, id, "motion")
}

// MeetingOfActionItem implements alesco.ReadTx.
func (t *txn) MeetingOfActionItem(id int64) (string, error) {
	return t.meetingOf(`SELECT meeting_id FROM action_items WHERE id = ?`, id, "action item")
}

func (t *txn) meetingOf(query string, id int64, what string) (string, error) {
	if id <= 0 {
		return "", alesco.Errorf(alesco.EINVALID, "%s id is required", what)
	}
	var meetingID string
	err := t.queryRow(query, id).Scan(&meetingID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", alesco.Errorf(alesco.ENOTFOUND, "no %s %d", what, id)
	} else if err != nil {
		return "", fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return meetingID, nil
}

// PastMotions implements alesco.ReadTx.
func (t *txn) PastMotions(committeeID string, before time.Time) ([]alesco.PastMotion, error) {
	var out []alesco.PastMotion
	err := t.each(`SELECT x.meeting_id, m.meeting_date, x.title, x.proposal_number, x.outcome FROM motions x
		JOIN minutes m ON m.meeting_id = x.meeting_id
		WHERE m.committee_id = ? AND m.start_time < ? AND x.status = 'closed'
		ORDER BY m.start_time, x.id`, []any{committeeID, FormatTime(before)}, func(r *sql.Rows) error {
		var p alesco.PastMotion
		var date string
		if err := r.Scan(&p.MeetingID, &date, &p.Title, &p.ProposalNumber, &p.Outcome); err != nil {
			return err
		}
		var err error
		p.Date, err = alesco.ParseDate(date)
		out = append(out, p)
		return err
	})
	return out, err
}

// PastActionItems implements alesco.ReadTx.
func (t *txn) PastActionItems(committeeID string, before time.Time) ([]alesco.PastActionItem, error) {
	var out []alesco.PastActionItem
	err := t.each(`SELECT a.meeting_id, m.meeting_date, a.owner, a.text FROM action_items a
		JOIN minutes m ON m.meeting_id = a.meeting_id
		WHERE m.committee_id = ? AND m.start_time < ? AND a.done = 0
		ORDER BY m.start_time, a.id`, []any{committeeID, FormatTime(before)}, func(r *sql.Rows) error {
		var p alesco.PastActionItem
		var date string
		if err := r.Scan(&p.MeetingID, &date, &p.Owner, &p.Text); err != nil {
			return err
		}
		var err error
		p.Date, err = alesco.ParseDate(date)
		out = append(out, p)
		return err
	})
	return out, err
}

// RosterDecisions implements alesco.ReadTx.
func (t *txn) RosterDecisions(committeeID string) ([]alesco.RosterDecision, error) {
	var out []alesco.RosterDecision
	err := t.each(`SELECT x.meeting_id, m.meeting_date, x.id, x.kind, x.subject_id, x.subject_name FROM motions x
		JOIN minutes m ON m.meeting_id = x.meeting_id
		WHERE x.kind <> '' AND m.committee_id = ? AND x.status = 'closed' AND x.outcome = 'passed'
		ORDER BY m.start_time, x.closed_at, x.id`, []any{committeeID}, func(r *sql.Rows) error {
		var d alesco.RosterDecision
		var date string
		if err := r.Scan(&d.MeetingID, &date, &d.MotionID, &d.Kind, &d.MemberID, &d.Name); err != nil {
			return err
		}
		var err error
		d.Date, err = alesco.ParseDate(date)
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: roster decisions: %w", err)
	}
	return out, nil
}
