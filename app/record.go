package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/minutesmd"
)

// This file holds the use cases that record a meeting as it happens:
// attendance, notes, motions, votes, deciding votes, closing, action items.

// edit is one minutes write under way.
type edit struct {
	tx alesco.Tx
	c  *alesco.Committee
	// mt is the meeting (zero when the configuration no longer has it).
	mt alesco.Meeting
	m  *alesco.Minutes
	p  alesco.Principal
	// created: this write starts the minutes.
	created bool
}

// locator finds the meeting whose minutes a write is about.
type locator func(tx alesco.ReadTx) (meetingID string, err error)

func byMeeting(id string) locator {
	return func(alesco.ReadTx) (string, error) { return id, nil }
}

func byMotion(id int64) locator {
	return func(tx alesco.ReadTx) (string, error) { return tx.MeetingOfMotion(id) }
}

// byMotionOf finds the meeting of motion id, or with id 0 the meeting
// itself (the write is then about its open motion).
func byMotionOf(id int64, meetingID string) locator {
	if id == 0 && meetingID != "" {
		return byMeeting(meetingID)
	}
	return byMotion(id)
}

func byActionItem(id int64) locator {
	return func(tx alesco.ReadTx) (string, error) { return tx.MeetingOfActionItem(id) }
}

// editMinutes runs one minutes write in one transaction: it finds the
// meeting, authorizes the caller for act on its committee, loads the
// minutes (starting them when start is set and there are none: a
// meeting's first record), applies fn and saves them. A draft is written
// only when the meeting takes minutes at the transaction's time
// (Meeting.CheckRecording: not cancelled, not before an hour ahead of its
// start). fn returns the audit record's subject and detail.
func (a *App) editMinutes(ctx context.Context, act alesco.Action, action string, locate locator, start bool,
	fn func(e *edit) (subject string, detail any, err error)) (*alesco.Committee, *alesco.Minutes, error) {
	if _, err := actor(ctx); err != nil {
		return nil, nil, err
	}
	var e edit
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		id, err := locate(tx)
		if err != nil {
			return alesco.Change{}, err
		}
		c, d, err := a.committeeOfMeeting(tx, id)
		if err != nil {
			return alesco.Change{}, err
		}
		p, err := authorize(ctx, act, c)
		if err != nil {
			return alesco.Change{}, err
		}
		e = edit{tx: tx, c: c, p: p}
		s, err := loadSchedule(tx, c)
		if err != nil {
			return alesco.Change{}, err
		}
		mt, findErr := s.find(id, d)
		e.mt = mt
		e.m, err = tx.Minutes(id)
		switch {
		case alesco.ErrorCode(err) == alesco.ENOTFOUND && start && findErr == nil:
			e.m, e.created, err = alesco.NewMinutes(mt), true, nil
		case alesco.ErrorCode(err) == alesco.ENOTFOUND && findErr != nil:
			err = findErr
		case findErr != nil && alesco.ErrorCode(findErr) != alesco.ENOTFOUND:
			err = findErr
		}
		// Minutes of a meeting the configuration no longer has (a series
		// redrawn) stay writable; the time rule needs the meeting.
		if err != nil {
			return alesco.Change{}, err
		}
		if e.m.Status == alesco.MinutesDraft && findErr == nil {
			if err := e.mt.CheckRecording(tx.Now()); err != nil {
				return alesco.Change{}, err
			}
		}
		subject, detail, err := fn(&e)
		if err != nil {
			return alesco.Change{}, err
		}
		if err := tx.SaveMinutes(e.m); err != nil {
			return alesco.Change{}, err
		}
		return alesco.Change{Action: action, Subject: subject, Detail: detail}, nil
	})
	return e.c, e.m, err
}

// RecordAttendance replaces a meeting's attendance.
func (a *App) RecordAttendance(ctx context.Context, meetingID string, attendees []alesco.Attendee) (*alesco.Committee, *alesco.Minutes, error) {
	return a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.attendance", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		err := e.m.RecordAttendance(e.c, attendees)
		return "meeting/" + meetingID, e.m.Attendees, err
	})
}

// AddNote adds a discussion note to a meeting's minutes.
func (a *App) AddNote(ctx context.Context, meetingID string, n alesco.Note) (alesco.Note, error) {
	var out *alesco.Note
	_, _, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.note", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		out, err = e.m.AddNote(n)
		return "meeting/" + meetingID, out, err
	})
	return deref(out, err)
}

// OpenMotion opens a motion in a meeting; it needs quorum present.
func (a *App) OpenMotion(ctx context.Context, meetingID, title string, proposal int) (alesco.Motion, error) {
	var out *alesco.Motion
	_, _, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "motion.open", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		if out, err = e.m.OpenMotion(e.c, title, proposal, e.tx.Now()); err == nil {
			err = e.addAsyncVotes(out)
		}
		return "meeting/" + meetingID, map[string]any{"title": strings.TrimSpace(title), "proposal": proposal}, err
	})
	return deref(out, err)
}

// VoteRequest is a vote to record.
type VoteRequest struct {
	// MotionID is the motion voted on; 0 with MeetingID set means the
	// meeting's open motion (the live language's "vote +1").
	MotionID  int64
	MeetingID string
	// MemberID is whose vote it is; a member token votes as itself.
	MemberID     string
	Value        alesco.VoteValue
	Source       alesco.VoteSource
	ReferenceURL string
}

// CastVote records a vote on an open motion. Members vote live as
// themselves; staff record votes for members, and async votes (cast
// elsewhere, with an http(s) link to where).
func (a *App) CastVote(ctx context.Context, v VoteRequest) (alesco.Motion, error) {
	p, err := actor(ctx)
	if err != nil {
		return alesco.Motion{}, err
	}
	act := alesco.ActVote
	if p.Staff() || v.Source == alesco.VoteAsync {
		act = alesco.ActRecordVote
	}
	var out *alesco.Motion
	_, _, err = a.editMinutes(ctx, act, "motion.vote", byMotionOf(v.MotionID, v.MeetingID), false, func(e *edit) (string, any, error) {
		motionID, err := e.m.OpenMotionID(v.MotionID)
		if err != nil {
			return "", nil, err
		}
		member, err := e.p.ActAs(e.memberID(v.MemberID))
		if err != nil {
			return "", nil, err
		}
		if member == "" {
			return "", nil, alesco.Errorf(alesco.EINVALID, "member_id is required: whose vote is it?")
		}
		vote := alesco.Vote{MemberID: member, Value: v.Value, Source: v.Source, ReferenceURL: v.ReferenceURL}
		mo, replaced, err := e.m.CastVote(e.c, motionID, vote, e.tx.Now())
		if err != nil {
			return "", nil, err
		}
		out = mo
		cast, _ := mo.VoteOf(member)
		detail := map[string]any{"member": member, "value": int(v.Value), "source": cast.Source, "reference_url": cast.ReferenceURL}
		if replaced != nil {
			detail["replaces"] = int(*replaced)
		}
		return motionSubject(motionID), detail, nil
	})
	return deref(out, err)
}

// memberID resolves how a request names a member (id, name, GitHub login
// or chat handle) to the member's id; a name that is no member's is kept
// as given, for the rule that refuses it to say so.
func (e *edit) memberID(ref string) string {
	if ref == "" {
		return ""
	}
	if m, err := e.c.FindMember(ref, e.m.Date); err == nil {
		return m.ID
	}
	return ref
}

// CastDecidingVote records the deciding vote on a tied motion: the chair's
// (memberID empty), or a designated member's. With no value, staff
// designate memberID to cast it in the chair's place.
func (a *App) CastDecidingVote(ctx context.Context, motionID int64, memberID string, value *alesco.VoteValue) (alesco.Motion, error) {
	return a.castDecidingVote(ctx, motionID, "", memberID, value)
}

// DecideOpenMotion records the deciding vote on a meeting's open motion
// (CastDecidingVote's rules).
func (a *App) DecideOpenMotion(ctx context.Context, meetingID, memberID string, value alesco.VoteValue) (alesco.Motion, error) {
	return a.castDecidingVote(ctx, 0, meetingID, memberID, &value)
}

func (a *App) castDecidingVote(ctx context.Context, motionID int64, meetingID, memberID string, value *alesco.VoteValue) (alesco.Motion, error) {
	p, err := actor(ctx)
	if err != nil {
		return alesco.Motion{}, err
	}
	self := p.Role == alesco.RoleMember
	if value == nil {
		if self || memberID == "" {
			return alesco.Motion{}, alesco.Errorf(alesco.EINVALID, "value is required (+1 or -1); a chair designates a member by sending member_id without a value")
		}
		var out *alesco.Motion
		_, _, err := a.editMinutes(ctx, alesco.ActDesignateDecider, "motion.designate", byMotionOf(motionID, meetingID), false, func(e *edit) (string, any, error) {
			id, err := e.m.OpenMotionID(motionID)
			if err != nil {
				return "", nil, err
			}
			out, err = e.m.DesignateDecider(e.c, id, e.memberID(memberID))
			return motionSubject(id), map[string]any{"member": memberID}, err
		})
		return deref(out, err)
	}
	var out *alesco.Motion
	_, _, err = a.editMinutes(ctx, alesco.ActDecidingVote, "motion.deciding_vote", byMotionOf(motionID, meetingID), false, func(e *edit) (string, any, error) {
		motionID, err := e.m.OpenMotionID(motionID)
		if err != nil {
			return "", nil, err
		}
		member, err := e.p.ActAs(e.memberID(memberID))
		if err != nil {
			return "", nil, err
		}
		mo, designated, err := e.m.CastDecidingVote(e.c, motionID, member, *value, self, e.tx.Now())
		if err != nil {
			return "", nil, err
		}
		out = mo
		detail := map[string]any{"member": mo.Deciding.MemberID, "value": int(*value)}
		if designated {
			detail["designated"] = true
		}
		return motionSubject(motionID), detail, nil
	})
	return deref(out, err)
}

// CloseMotion closes an open motion; the votes decide unless the chair
// overrides the outcome. Staff may table or punt a motion.
func (a *App) CloseMotion(ctx context.Context, motionID int64, override alesco.MotionOutcome) (alesco.Motion, error) {
	_, _, mo, err := a.closeMotion(ctx, motionID, "", override)
	return mo, err
}

// CloseOpenMotion closes a meeting's open motion (CloseMotion's rules) and
// returns the record after it.
func (a *App) CloseOpenMotion(ctx context.Context, meetingID string, override alesco.MotionOutcome) (*alesco.Committee, *alesco.Minutes, alesco.Motion, error) {
	return a.closeMotion(ctx, 0, meetingID, override)
}

func (a *App) closeMotion(ctx context.Context, motionID int64, meetingID string, override alesco.MotionOutcome) (*alesco.Committee, *alesco.Minutes, alesco.Motion, error) {
	var out *alesco.Motion
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "motion.close", byMotionOf(motionID, meetingID), false, func(e *edit) (string, any, error) {
		motionID, err := e.m.OpenMotionID(motionID)
		if err != nil {
			return "", nil, err
		}
		switch override {
		case alesco.OutcomePassed, alesco.OutcomeRejected, alesco.OutcomeTied:
			if err := e.p.Authorize(alesco.ActOverrideOutcome, e.c.ID); err != nil {
				return "", nil, err
			}
		}
		mo, err := e.m.CloseMotion(e.c, motionID, override, e.tx.Now())
		if err != nil {
			return "", nil, err
		}
		out = mo
		return motionSubject(motionID), map[string]any{"override": override, "outcome": mo.Outcome, "tally": mo.Tally().String()}, nil
	})
	mo, err := deref(out, err)
	return c, m, mo, err
}

// AddActionItem records an action item in a meeting's minutes.
func (a *App) AddActionItem(ctx context.Context, meetingID, owner, text string) (alesco.ActionItem, error) {
	var out *alesco.ActionItem
	_, _, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "action_item.add", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		out, err = e.m.AddActionItem(e.c.DisplayName(owner, e.m.Date), text)
		return "meeting/" + meetingID, out, err
	})
	return deref(out, err)
}

// CompleteActionItem marks an action item done, even in final minutes.
func (a *App) CompleteActionItem(ctx context.Context, id int64) (alesco.ActionItem, error) {
	var out *alesco.ActionItem
	_, _, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "action_item.complete", byActionItem(id), false, func(e *edit) (string, any, error) {
		var err error
		out, err = e.m.CompleteActionItem(e.c, id, e.tx.Now())
		return fmt.Sprintf("action_item/%d", id), nil, err
	})
	return deref(out, err)
}

// FinalizeMinutes makes a meeting's minutes final, their Markdown frozen,
// and queues what they tell the world (publishMinutes) in the same
// transaction.
func (a *App) FinalizeMinutes(ctx context.Context, meetingID string, recordedBy, editedBy []string) (*alesco.Committee, *alesco.Minutes, error) {
	return a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.finalize", byMeeting(meetingID), false, func(e *edit) (string, any, error) {
		if err := a.finalize(e, recordedBy, editedBy); err != nil {
			return "", nil, err
		}
		return "meeting/" + meetingID, map[string]any{"recorded_by": e.m.RecordedBy, "edited_by": e.m.EditedBy}, nil
	})
}

// finalize is the one way minutes become final: frozen, and what they tell
// the world queued in the same transaction. The store seals them in the
// audit row of the change (whatever front end finalized them), so that
// "alesco audit verify" sees them edited behind its back.
func (a *App) finalize(e *edit, recordedBy, editedBy []string) error {
	if err := e.m.Finalize(e.c, recordedBy, editedBy, e.tx.Now(), render(e.c)); err != nil {
		return err
	}
	return a.publishMinutes(e)
}

// render is the committee's Markdown rendering of minutes.
func render(c *alesco.Committee) alesco.Render {
	return func(m *alesco.Minutes) string { return minutesmd.Render(c, m) }
}

func motionSubject(id int64) string { return fmt.Sprintf("motion/%d", id) }

// deref returns a copy of what a use case changed (the record it points
// into lives on only in the store).
func deref[T any](p *T, err error) (T, error) {
	var zero T
	if err != nil || p == nil {
		return zero, err
	}
	return *p, nil
}
