package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutes"
)

// MeetingRef names the meeting a minutes write is about. The store creates
// the minutes row from it on the first write.
type MeetingRef struct {
	ID          string
	CommitteeID string
	Date        alesco.Date
	Start       time.Time
}

// errUnchanged rolls back an import that would change nothing, so that it
// leaves no audit row either.
var errUnchanged = errors.New("sqlite: unchanged")

func finalError(meetingID string) error {
	return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s are final; amend them", meetingID)
}

// triggerError turns the immutability triggers' abort into the error a
// chair reads.
func triggerError(err error, meetingID string) error {
	if err != nil && strings.Contains(err.Error(), "minutes are final") {
		return finalError(meetingID)
	}
	return err
}

// ensureMinutes creates the minutes row of a meeting if missing and fails
// with EPRECONDITION when the minutes are final.
func (db *DB) ensureMinutes(ctx context.Context, tx *sql.Tx, ref MeetingRef) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM minutes WHERE meeting_id = ?`, ref.ID).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		now := FormatTime(db.now())
		_, err = tx.ExecContext(ctx, `INSERT INTO minutes (meeting_id, committee_id, meeting_date, start_time, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, ref.ID, ref.CommitteeID, ref.Date.String(), FormatTime(ref.Start), now, now)
		if err != nil {
			return fmt.Errorf("sqlite: create minutes: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("sqlite: minutes status: %w", err)
	case status == string(alesco.MinutesFinal):
		return finalError(ref.ID)
	}
	return nil
}

func (db *DB) touch(ctx context.Context, tx *sql.Tx, meetingID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE minutes SET updated_at = ? WHERE meeting_id = ?`, FormatTime(db.now()), meetingID)
	return triggerError(err, meetingID)
}

// Minutes returns a meeting's minutes; found is false when it has none.
func (db *DB) Minutes(ctx context.Context, meetingID string) (m *alesco.Minutes, found bool, err error) {
	err = db.View(ctx, func(tx *sql.Tx) error {
		m, err = loadMinutes(ctx, tx, meetingID)
		return err
	})
	if err != nil {
		var e *alesco.Error
		if errors.As(err, &e) && e.Code == alesco.ENOTFOUND {
			return nil, false, nil
		}
		return nil, false, err
	}
	return m, true, nil
}

// ListMinutes returns the minutes of a committee's meetings, oldest first.
func (db *DB) ListMinutes(ctx context.Context, committeeID string) ([]*alesco.Minutes, error) {
	var out []*alesco.Minutes
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT meeting_id FROM minutes WHERE committee_id = ? ORDER BY start_time, meeting_id`, committeeID)
		if err != nil {
			return fmt.Errorf("sqlite: list minutes: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			m, err := loadMinutes(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func loadMinutes(ctx context.Context, tx *sql.Tx, meetingID string) (*alesco.Minutes, error) {
	m := &alesco.Minutes{MeetingID: meetingID}
	var date, start, status, source, recorded, edited, finalized string
	err := tx.QueryRowContext(ctx, `SELECT committee_id, meeting_date, start_time, status, source, revision, recorded_by, edited_by, markdown, finalized_at
		FROM minutes WHERE meeting_id = ?`, meetingID).Scan(&m.CommitteeID, &date, &start, &status, &source, &m.Revision, &recorded, &edited, &m.Markdown, &finalized)
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

	err = eachRow(ctx, tx, `SELECT kind, member_id, name, absent, note FROM minutes_attendees WHERE meeting_id = ? ORDER BY id`, []any{meetingID},
		func(r *sql.Rows) error {
			var a alesco.Attendee
			var kind string
			if err := r.Scan(&kind, &a.MemberID, &a.Name, &a.Absent, &a.Note); err != nil {
				return err
			}
			a.Kind = alesco.AttendeeKind(kind)
			m.Attendees = append(m.Attendees, a)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT id, topic, proposal_number, text, paragraph FROM minutes_notes WHERE meeting_id = ? ORDER BY id`, []any{meetingID},
		func(r *sql.Rows) error {
			var n alesco.Note
			if err := r.Scan(&n.ID, &n.Topic, &n.ProposalNumber, &n.Text, &n.Paragraph); err != nil {
				return err
			}
			m.Notes = append(m.Notes, n)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT text, details, motion_id, proposal_number, outcome FROM decisions WHERE meeting_id = ? ORDER BY id`, []any{meetingID},
		func(r *sql.Rows) error {
			var d alesco.Decision
			var details, outcome string
			if err := r.Scan(&d.Text, &details, &d.MotionID, &d.ProposalNumber, &outcome); err != nil {
				return err
			}
			d.Outcome = alesco.MotionOutcome(outcome)
			if err := json.Unmarshal([]byte(details), &d.Details); err != nil {
				return fmt.Errorf("sqlite: decision details: %w", err)
			}
			m.Decisions = append(m.Decisions, d)
			return nil
		})
	if err != nil {
		return nil, err
	}
	var motionIDs []int64
	err = eachRow(ctx, tx, `SELECT id FROM motions WHERE meeting_id = ? ORDER BY id`, []any{meetingID}, func(r *sql.Rows) error {
		var id int64
		motionIDs = append(motionIDs, id)
		return r.Scan(&motionIDs[len(motionIDs)-1])
	})
	if err != nil {
		return nil, err
	}
	for _, id := range motionIDs {
		mo, err := loadMotion(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		m.Motions = append(m.Motions, *mo)
	}
	err = eachRow(ctx, tx, `SELECT id, meeting_id, owner, text, done, completed_at FROM action_items WHERE meeting_id = ? ORDER BY id`, []any{meetingID},
		func(r *sql.Rows) error {
			a, err := scanActionItem(r)
			m.ActionItems = append(m.ActionItems, a)
			return err
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT revision, reason, markdown, finalized_at FROM minutes_revisions WHERE meeting_id = ? ORDER BY revision`, []any{meetingID},
		func(r *sql.Rows) error {
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

func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
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

func loadMotion(ctx context.Context, tx *sql.Tx, id int64) (*alesco.Motion, error) {
	mo := &alesco.Motion{ID: id}
	var status, outcome, opened, closed string
	err := tx.QueryRowContext(ctx, `SELECT meeting_id, title, proposal_number, status, outcome, unanimous, designated_member_id, opened_at, closed_at
		FROM motions WHERE id = ?`, id).Scan(&mo.MeetingID, &mo.Title, &mo.ProposalNumber, &status, &outcome, &mo.Unanimous, &mo.DesignatedMemberID, &opened, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, alesco.Errorf(alesco.ENOTFOUND, "no motion %d", id)
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: load motion: %w", err)
	}
	mo.Status, mo.Outcome = alesco.MotionStatus(status), alesco.MotionOutcome(outcome)
	if mo.Opened, err = ParseTime(opened); err != nil {
		return nil, err
	}
	if mo.Closed, err = ParseTime(closed); err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT member_id, member_name, value, source, reference_url, cast_at FROM votes WHERE motion_id = ? ORDER BY seq`, []any{id},
		func(r *sql.Rows) error {
			var v alesco.Vote
			var source, at string
			if err := r.Scan(&v.MemberID, &v.MemberName, &v.Value, &source, &v.ReferenceURL, &at); err != nil {
				return err
			}
			v.Source = alesco.VoteSource(source)
			var err error
			v.Cast, err = ParseTime(at)
			mo.Votes = append(mo.Votes, v)
			return err
		})
	if err != nil {
		return nil, err
	}
	var d alesco.Vote
	var at string
	err = tx.QueryRowContext(ctx, `SELECT member_id, member_name, value, cast_at FROM deciding_votes WHERE motion_id = ?`, id).Scan(&d.MemberID, &d.MemberName, &d.Value, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("sqlite: deciding vote: %w", err)
	default:
		d.Source = alesco.VoteLive
		if d.Cast, err = ParseTime(at); err != nil {
			return nil, err
		}
		mo.Deciding = &d
	}
	return mo, nil
}

// RecordAttendance replaces a meeting's attendance. Member attendees must
// be on c's roster on the meeting's date; their names come from c.
func (db *DB) RecordAttendance(ctx context.Context, c *alesco.Committee, ref MeetingRef, attendees []alesco.Attendee) (*alesco.Minutes, error) {
	clean, err := cleanAttendees(c, ref.Date, attendees)
	if err != nil {
		return nil, err
	}
	var m *alesco.Minutes
	err = db.Update(ctx, "minutes.attendance", "meeting/"+ref.ID, clean, func(tx *sql.Tx) error {
		if err := db.ensureMinutes(ctx, tx, ref); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM minutes_attendees WHERE meeting_id = ?`, ref.ID); err != nil {
			return triggerError(err, ref.ID)
		}
		if err := insertAttendees(ctx, tx, ref.ID, clean); err != nil {
			return err
		}
		if err := db.touch(ctx, tx, ref.ID); err != nil {
			return err
		}
		m, err = loadMinutes(ctx, tx, ref.ID)
		return err
	})
	return m, err
}

func cleanAttendees(c *alesco.Committee, d alesco.Date, in []alesco.Attendee) ([]alesco.Attendee, error) {
	out := make([]alesco.Attendee, 0, len(in))
	seen := map[string]bool{}
	for i, a := range in {
		a.Name, a.Note = strings.TrimSpace(a.Name), strings.TrimSpace(a.Note)
		switch a.Kind {
		case alesco.AttendeeMember:
			mem, ok := c.Member(a.MemberID)
			if !ok && a.MemberID == "" {
				mem, ok = c.MemberByName(a.Name)
			}
			if !ok {
				return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: %q is not a member of %s", i+1, a.MemberID+a.Name, c.ID)
			}
			if !mem.IsMemberOn(d) {
				return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: %s is not on the %s roster on %s", i+1, mem.Name, c.ShortName, d)
			}
			if seen[mem.ID] {
				return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: %s is listed twice", i+1, mem.Name)
			}
			seen[mem.ID] = true
			a.MemberID, a.Name = mem.ID, mem.Name
		case alesco.AttendeeBoard, alesco.AttendeeCommunity:
			if a.Name == "" {
				return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: a %s attendee needs a name", i+1, a.Kind)
			}
			a.MemberID, a.Absent = "", false
		default:
			return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: kind must be member, board or community", i+1)
		}
		out = append(out, a)
	}
	return out, nil
}

func insertAttendees(ctx context.Context, tx *sql.Tx, meetingID string, as []alesco.Attendee) error {
	for _, a := range as {
		_, err := tx.ExecContext(ctx, `INSERT INTO minutes_attendees (meeting_id, kind, member_id, name, absent, note) VALUES (?, ?, ?, ?, ?, ?)`,
			meetingID, string(a.Kind), a.MemberID, a.Name, a.Absent, a.Note)
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: attendee: %w", err), meetingID)
		}
	}
	return nil
}

// AddNote adds a discussion note.
func (db *DB) AddNote(ctx context.Context, ref MeetingRef, n alesco.Note) (alesco.Note, error) {
	n.Topic, n.Text = strings.TrimSpace(n.Topic), strings.TrimSpace(n.Text)
	if n.Text == "" {
		return n, alesco.Errorf(alesco.EINVALID, "a note needs text")
	}
	if n.ProposalNumber < 0 {
		return n, alesco.Errorf(alesco.EINVALID, "proposal_number cannot be negative")
	}
	err := db.Update(ctx, "minutes.note", "meeting/"+ref.ID, n, func(tx *sql.Tx) error {
		if err := db.ensureMinutes(ctx, tx, ref); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO minutes_notes (meeting_id, topic, proposal_number, text) VALUES (?, ?, ?, ?)`,
			ref.ID, n.Topic, n.ProposalNumber, n.Text)
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: add note: %w", err), ref.ID)
		}
		n.ID, _ = res.LastInsertId()
		return db.touch(ctx, tx, ref.ID)
	})
	return n, err
}

// quorumOf checks quorum for the meeting's minutes as stored in tx.
func quorumOf(ctx context.Context, tx *sql.Tx, c *alesco.Committee, meetingID string) (*alesco.Minutes, alesco.Quorum, int, error) {
	m, err := loadMinutes(ctx, tx, meetingID)
	if err != nil {
		return nil, alesco.Quorum{}, 0, err
	}
	q, present := m.Quorum(c)
	return m, q, present, nil
}

// OpenMotion opens a motion for a vote; it needs quorum present.
func (db *DB) OpenMotion(ctx context.Context, c *alesco.Committee, ref MeetingRef, title string, proposal int) (*alesco.Motion, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "a motion needs a title")
	}
	if proposal < 0 {
		return nil, alesco.Errorf(alesco.EINVALID, "proposal_number cannot be negative")
	}
	var mo *alesco.Motion
	err := db.Update(ctx, "motion.open", "meeting/"+ref.ID, map[string]any{"title": title, "proposal": proposal}, func(tx *sql.Tx) error {
		if err := db.ensureMinutes(ctx, tx, ref); err != nil {
			return err
		}
		_, q, present, err := quorumOf(ctx, tx, c, ref.ID)
		if err != nil {
			return err
		}
		if err := alesco.QuorumError(q, present); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO motions (meeting_id, title, proposal_number, opened_at) VALUES (?, ?, ?, ?)`,
			ref.ID, title, proposal, FormatTime(db.now()))
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: open motion: %w", err), ref.ID)
		}
		id, _ := res.LastInsertId()
		if err := db.touch(ctx, tx, ref.ID); err != nil {
			return err
		}
		mo, err = loadMotion(ctx, tx, id)
		return err
	})
	return mo, err
}

// openMotion loads a motion that must still be open, in minutes that are
// not final, and returns it with its minutes.
func openMotion(ctx context.Context, tx *sql.Tx, id int64) (*alesco.Motion, *alesco.Minutes, error) {
	mo, err := loadMotion(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	m, err := loadMinutes(ctx, tx, mo.MeetingID)
	if err != nil {
		return nil, nil, err
	}
	if m.Status == alesco.MinutesFinal {
		return nil, nil, finalError(m.MeetingID)
	}
	if mo.Status != alesco.MotionOpen {
		return nil, nil, alesco.Errorf(alesco.EPRECONDITION, "motion %d (%s) is closed: %s", mo.ID, mo.Title, minutes.OutcomeWord(mo.Outcome))
	}
	return mo, m, nil
}

// CastVote records a member's vote on an open motion; a second vote by the
// same member replaces the first (the audit log keeps both). Only members
// on the roster on the meeting's date may vote (EFORBIDDEN).
func (db *DB) CastVote(ctx context.Context, c *alesco.Committee, motionID int64, v alesco.Vote) (*alesco.Motion, error) {
	if v.Value < alesco.VoteNo || v.Value > alesco.VoteYes {
		return nil, alesco.Errorf(alesco.EINVALID, "a vote is +1, 0 or -1")
	}
	if v.Source == "" {
		v.Source = alesco.VoteLive
	}
	if v.Source != alesco.VoteLive && v.Source != alesco.VoteAsync {
		return nil, alesco.Errorf(alesco.EINVALID, "vote source must be live or async")
	}
	var mo *alesco.Motion
	detail := map[string]any{"member": v.MemberID, "value": int(v.Value), "source": v.Source, "reference_url": v.ReferenceURL}
	err := db.Update(ctx, "motion.vote", fmt.Sprintf("motion/%d", motionID), detail, func(tx *sql.Tx) error {
		cur, m, err := openMotion(ctx, tx, motionID)
		if err != nil {
			return err
		}
		mem, err := c.Voter(v.MemberID, m.Date)
		if err != nil {
			return err
		}
		for _, old := range cur.Votes {
			if old.MemberID == mem.ID {
				detail["replaces"] = int(old.Value)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (motion_id, member_id, member_name, value, source, reference_url, cast_at, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM votes WHERE motion_id = ?))
			ON CONFLICT (motion_id, member_id) DO UPDATE SET value = excluded.value, source = excluded.source,
			reference_url = excluded.reference_url, cast_at = excluded.cast_at`,
			motionID, mem.ID, mem.Name, int(v.Value), string(v.Source), v.ReferenceURL, FormatTime(db.now()), motionID)
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: cast vote: %w", err), m.MeetingID)
		}
		if err := db.touch(ctx, tx, m.MeetingID); err != nil {
			return err
		}
		mo, err = loadMotion(ctx, tx, motionID)
		return err
	})
	return mo, err
}

// DesignateDecider records the member the chair designates to cast the
// deciding vote on a motion in the chair's place.
func (db *DB) DesignateDecider(ctx context.Context, c *alesco.Committee, motionID int64, memberID string) (*alesco.Motion, error) {
	var mo *alesco.Motion
	err := db.Update(ctx, "motion.designate", fmt.Sprintf("motion/%d", motionID), map[string]any{"member": memberID}, func(tx *sql.Tx) error {
		_, m, err := openMotion(ctx, tx, motionID)
		if err != nil {
			return err
		}
		mem, err := c.Voter(memberID, m.Date)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE motions SET designated_member_id = ? WHERE id = ?`, mem.ID, motionID); err != nil {
			return triggerError(err, m.MeetingID)
		}
		mo, err = loadMotion(ctx, tx, motionID)
		return err
	})
	return mo, err
}

// CastDecidingVote records the tie-breaking vote on an open, tied motion.
// memberID defaults to the chair on the meeting's date. With selfCast (a
// member casting it themselves) the member must be that chair or the member
// the chair designated (EFORBIDDEN otherwise); a staff recording for a
// member other than the chair designates that member at the same time.
func (db *DB) CastDecidingVote(ctx context.Context, c *alesco.Committee, motionID int64, memberID string, value alesco.VoteValue, selfCast bool) (*alesco.Motion, error) {
	if value != alesco.VoteYes && value != alesco.VoteNo {
		return nil, alesco.Errorf(alesco.EINVALID, "a deciding vote is +1 or -1")
	}
	var mo *alesco.Motion
	detail := map[string]any{"member": memberID, "value": int(value)}
	err := db.Update(ctx, "motion.deciding_vote", fmt.Sprintf("motion/%d", motionID), detail, func(tx *sql.Tx) error {
		cur, m, err := openMotion(ctx, tx, motionID)
		if err != nil {
			return err
		}
		mem, isChair, err := c.TieBreaker(m.Date, memberID, cur.DesignatedMemberID, selfCast)
		if err != nil {
			return err
		}
		detail["member"] = mem.ID
		if t := cur.Tally(); !t.IsTie() {
			return alesco.Errorf(alesco.EPRECONDITION, "motion %d is not tied (%s): no deciding vote is needed", motionID, t)
		}
		if !isChair && cur.DesignatedMemberID != mem.ID {
			if _, err := tx.ExecContext(ctx, `UPDATE motions SET designated_member_id = ? WHERE id = ?`, mem.ID, motionID); err != nil {
				return triggerError(err, m.MeetingID)
			}
			detail["designated"] = true
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO deciding_votes (motion_id, member_id, member_name, value, cast_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (motion_id) DO UPDATE SET member_id = excluded.member_id, member_name = excluded.member_name,
			value = excluded.value, cast_at = excluded.cast_at`, motionID, mem.ID, mem.Name, int(value), FormatTime(db.now()))
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: deciding vote: %w", err), m.MeetingID)
		}
		if err := db.touch(ctx, tx, m.MeetingID); err != nil {
			return err
		}
		mo, err = loadMotion(ctx, tx, motionID)
		return err
	})
	return mo, err
}

// CloseMotion closes an open motion. With no override the outcome comes
// from alesco.DecideMotion (which needs quorum). TABLED and PUNTED close
// it without a vote and need no quorum; a PASSED, REJECTED or TIED
// override still needs quorum. A passed, rejected or tabled motion adds an
// entry to "Decisions Adopted".
func (db *DB) CloseMotion(ctx context.Context, c *alesco.Committee, motionID int64, override alesco.MotionOutcome) (*alesco.Motion, error) {
	var mo *alesco.Motion
	detail := map[string]any{"override": override}
	err := db.Update(ctx, "motion.close", fmt.Sprintf("motion/%d", motionID), detail, func(tx *sql.Tx) error {
		cur, m, err := openMotion(ctx, tx, motionID)
		if err != nil {
			return err
		}
		q, present := m.Quorum(c)
		var deciding *alesco.VoteValue
		if cur.Deciding != nil {
			deciding = &cur.Deciding.Value
		}
		outcome, unanimous, err := alesco.CloseOutcome(q, present, cur.Tally(), deciding, override)
		if err != nil {
			return err
		}
		detail["outcome"], detail["tally"] = outcome, cur.Tally().String()
		_, err = tx.ExecContext(ctx, `UPDATE motions SET status = 'closed', outcome = ?, unanimous = ?, closed_at = ? WHERE id = ?`,
			string(outcome), unanimous, FormatTime(db.now()), motionID)
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: close motion: %w", err), m.MeetingID)
		}
		if mo, err = loadMotion(ctx, tx, motionID); err != nil {
			return err
		}
		if d, ok := minutes.DecisionFor(mo); ok {
			if err := insertDecisions(ctx, tx, m.MeetingID, []alesco.Decision{d}); err != nil {
				return err
			}
		}
		return db.touch(ctx, tx, m.MeetingID)
	})
	return mo, err
}

func insertDecisions(ctx context.Context, tx *sql.Tx, meetingID string, ds []alesco.Decision) error {
	for _, d := range ds {
		details, err := json.Marshal(nonNil(d.Details))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decisions (meeting_id, text, details, motion_id, proposal_number, outcome) VALUES (?, ?, ?, ?, ?, ?)`,
			meetingID, d.Text, string(details), d.MotionID, d.ProposalNumber, string(d.Outcome))
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: decision: %w", err), meetingID)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AddActionItem records an action item.
func (db *DB) AddActionItem(ctx context.Context, ref MeetingRef, owner, text string) (alesco.ActionItem, error) {
	a := alesco.ActionItem{MeetingID: ref.ID, Owner: strings.TrimSpace(owner), Text: strings.TrimSpace(text)}
	if a.Text == "" {
		return a, alesco.Errorf(alesco.EINVALID, "an action item needs text")
	}
	err := db.Update(ctx, "action_item.add", "meeting/"+ref.ID, a, func(tx *sql.Tx) error {
		if err := db.ensureMinutes(ctx, tx, ref); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO action_items (meeting_id, owner, text) VALUES (?, ?, ?)`, ref.ID, a.Owner, a.Text)
		if err != nil {
			return triggerError(fmt.Errorf("sqlite: add action item: %w", err), ref.ID)
		}
		a.ID, _ = res.LastInsertId()
		return db.touch(ctx, tx, ref.ID)
	})
	return a, err
}

// CompleteActionItem marks an action item done. Items of final minutes
// may still be completed: they are followed up at later meetings.
func (db *DB) CompleteActionItem(ctx context.Context, id int64) (alesco.ActionItem, error) {
	var a alesco.ActionItem
	err := db.Update(ctx, "action_item.complete", fmt.Sprintf("action_item/%d", id), nil, func(tx *sql.Tx) error {
		var err error
		a, err = scanActionItem(tx.QueryRowContext(ctx, `SELECT id, meeting_id, owner, text, done, completed_at FROM action_items WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return alesco.Errorf(alesco.ENOTFOUND, "no action item %d", id)
		} else if err != nil {
			return err
		}
		if a.Done {
			return alesco.Errorf(alesco.EPRECONDITION, "action item %d was already completed on %s", id, a.Completed.Format(time.DateOnly))
		}
		a.Done, a.Completed = true, db.now()
		_, err = tx.ExecContext(ctx, `UPDATE action_items SET done = 1, completed_at = ? WHERE id = ?`, FormatTime(a.Completed), id)
		return err
	})
	return a, err
}

// FinalizeMinutes makes a meeting's minutes immutable: every motion must be
// closed; the Markdown is rendered once and frozen.
func (db *DB) FinalizeMinutes(ctx context.Context, c *alesco.Committee, meetingID string, recordedBy, editedBy []string) (*alesco.Minutes, error) {
	recordedBy, editedBy = cleanNames(recordedBy), cleanNames(editedBy)
	var m *alesco.Minutes
	err := db.Update(ctx, "minutes.finalize", "meeting/"+meetingID, map[string]any{"recorded_by": recordedBy, "edited_by": editedBy}, func(tx *sql.Tx) error {
		var err error
		if m, err = loadMinutes(ctx, tx, meetingID); err != nil {
			return err
		}
		if m.Status == alesco.MinutesFinal {
			return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s are already final; amend them", meetingID)
		}
		for _, mo := range m.Motions {
			if mo.Status == alesco.MotionOpen {
				return alesco.Errorf(alesco.EPRECONDITION, "motion %d (%s) is still open: close it before finalizing", mo.ID, mo.Title)
			}
		}
		if len(recordedBy) > 0 {
			m.RecordedBy = recordedBy
		}
		if len(editedBy) > 0 {
			m.EditedBy = editedBy
		}
		return db.freeze(ctx, tx, c, m)
	})
	return m, err
}

func cleanNames(in []string) []string {
	var out []string
	for _, n := range in {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// freeze renders m, stores its names and text, and marks it final.
func (db *DB) freeze(ctx context.Context, tx *sql.Tx, c *alesco.Committee, m *alesco.Minutes) error {
	m.Status, m.Finalized = alesco.MinutesFinal, db.now()
	m.Markdown = minutes.Render(c, m)
	rec, _ := json.Marshal(nonNil(m.RecordedBy))
	ed, _ := json.Marshal(nonNil(m.EditedBy))
	_, err := tx.ExecContext(ctx, `UPDATE minutes SET status = 'final', source = ?, recorded_by = ?, edited_by = ?, markdown = ?,
		finalized_at = ?, updated_at = ? WHERE meeting_id = ?`,
		string(m.Source), string(rec), string(ed), m.Markdown, FormatTime(m.Finalized), FormatTime(db.now()), m.MeetingID)
	if err != nil {
		return triggerError(fmt.Errorf("sqlite: finalize: %w", err), m.MeetingID)
	}
	return nil
}

// reopen keeps final minutes as a revision and turns them back into a
// draft of the next revision.
func (db *DB) reopen(ctx context.Context, tx *sql.Tx, m *alesco.Minutes, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO minutes_revisions (meeting_id, revision, reason, markdown, finalized_at) VALUES (?, ?, ?, ?, ?)`,
		m.MeetingID, m.Revision, reason, m.Markdown, FormatTime(m.Finalized))
	if err != nil {
		return fmt.Errorf("sqlite: keep revision: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE minutes SET status = 'draft', revision = revision + 1, markdown = '', finalized_at = '', updated_at = ?
		WHERE meeting_id = ?`, FormatTime(db.now()), m.MeetingID)
	if err != nil {
		return fmt.Errorf("sqlite: reopen minutes: %w", err)
	}
	m.Status, m.Revision, m.Markdown, m.Finalized = alesco.MinutesDraft, m.Revision+1, "", time.Time{}
	return nil
}

// replaceText replaces the attendance, decisions and notes of a draft with
// those of a parsed Markdown file, and its names.
func replaceText(ctx context.Context, tx *sql.Tx, m *alesco.Minutes, from *alesco.Minutes) error {
	for _, q := range []string{`DELETE FROM minutes_attendees WHERE meeting_id = ?`, `DELETE FROM decisions WHERE meeting_id = ?`, `DELETE FROM minutes_notes WHERE meeting_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, m.MeetingID); err != nil {
			return triggerError(err, m.MeetingID)
		}
	}
	if err := insertAttendees(ctx, tx, m.MeetingID, from.Attendees); err != nil {
		return err
	}
	if err := insertDecisions(ctx, tx, m.MeetingID, from.Decisions); err != nil {
		return err
	}
	for _, n := range from.Notes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO minutes_notes (meeting_id, topic, proposal_number, text, paragraph) VALUES (?, ?, ?, ?, ?)`,
			m.MeetingID, n.Topic, n.ProposalNumber, n.Text, n.Paragraph); err != nil {
			return triggerError(err, m.MeetingID)
		}
	}
	m.Attendees, m.Decisions, m.Notes = from.Attendees, from.Decisions, from.Notes
	m.RecordedBy, m.EditedBy, m.Source = from.RecordedBy, from.EditedBy, alesco.SourceMarkdown
	return nil
}

// AmendMinutes amends final minutes, keeping the finalized text as a
// revision. With replacement (parsed from Markdown) the new text replaces
// attendance, decisions and notes and the minutes stay final; without it
// they reopen as a draft of the next revision.
func (db *DB) AmendMinutes(ctx context.Context, c *alesco.Committee, meetingID, reason string, replacement *alesco.Minutes) (*alesco.Minutes, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "an amendment needs a reason")
	}
	var m *alesco.Minutes
	err := db.Update(ctx, "minutes.amend", "meeting/"+meetingID, map[string]any{"reason": reason, "replaced": replacement != nil}, func(tx *sql.Tx) error {
		var err error
		if m, err = loadMinutes(ctx, tx, meetingID); err != nil {
			return err
		}
		if m.Status != alesco.MinutesFinal {
			return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s are still a draft: record changes directly, amend only final minutes", meetingID)
		}
		if err := db.reopen(ctx, tx, m, reason); err != nil {
			return err
		}
		if replacement != nil {
			if err := replaceText(ctx, tx, m, replacement); err != nil {
				return err
			}
			if err := db.freeze(ctx, tx, c, m); err != nil {
				return err
			}
		}
		m, err = loadMinutes(ctx, tx, meetingID)
		return err
	})
	return m, err
}

// contentHash identifies what an import would store.
func contentHash(m *alesco.Minutes) string {
	b, _ := json.Marshal(struct {
		R, E []string
		A    []alesco.Attendee
		D    []alesco.Decision
		N    []alesco.Note
		I    []alesco.ActionItem
	}{m.RecordedBy, m.EditedBy, m.Attendees, m.Decisions, m.Notes, m.ActionItems})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ImportMinutes stores minutes parsed from a wiki file as final minutes of
// ref. Importing the same content again changes nothing (changed is false
// and no audit row is written); different content for imported minutes
// becomes a new revision; minutes recorded live are never overwritten.
func (db *DB) ImportMinutes(ctx context.Context, c *alesco.Committee, ref MeetingRef, parsed *alesco.Minutes, file string) (changed bool, err error) {
	hash := contentHash(parsed)
	err = db.Update(ctx, "minutes.import", "meeting/"+ref.ID, map[string]any{"file": file, "sha256": hash}, func(tx *sql.Tx) error {
		var source, status, old string
		err := tx.QueryRowContext(ctx, `SELECT source, status, content_sha256 FROM minutes WHERE meeting_id = ?`, ref.ID).Scan(&source, &status, &old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := db.ensureMinutes(ctx, tx, ref); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("sqlite: import: %w", err)
		case old == hash:
			return errUnchanged
		case source == string(alesco.SourceRecorded):
			return alesco.Errorf(alesco.EPRECONDITION, "minutes of %s were recorded live; amend them instead of importing", ref.ID)
		}
		m, err := loadMinutes(ctx, tx, ref.ID)
		if err != nil {
			return err
		}
		if m.Status == alesco.MinutesFinal {
			if err := db.reopen(ctx, tx, m, "re-imported from "+file); err != nil {
				return err
			}
		}
		if err := replaceText(ctx, tx, m, parsed); err != nil {
			return err
		}
		{
			if _, err := tx.ExecContext(ctx, `DELETE FROM action_items WHERE meeting_id = ?`, ref.ID); err != nil {
				return triggerError(err, ref.ID)
			}
			for _, a := range parsed.ActionItems {
				if _, err := tx.ExecContext(ctx, `INSERT INTO action_items (meeting_id, owner, text, done) VALUES (?, ?, ?, ?)`, ref.ID, a.Owner, a.Text, a.Done); err != nil {
					return triggerError(err, ref.ID)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE minutes SET content_sha256 = ? WHERE meeting_id = ?`, hash, ref.ID); err != nil {
			return err
		}
		if m, err = loadMinutes(ctx, tx, ref.ID); err != nil {
			return err
		}
		m.RecordedBy, m.EditedBy, m.Source = parsed.RecordedBy, parsed.EditedBy, alesco.SourceMarkdown
		return db.freeze(ctx, tx, c, m)
	})
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	return err == nil, err
}
