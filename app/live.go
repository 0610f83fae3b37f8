package app

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	"github.com/almalinux/alesco/minutesmd"
)

// This file holds the use cases a meeting run live needs beyond the
// structured record: starting it, attendance one person at a time, the
// topic under discussion (taken from the agenda or named), motions put one
// at a time (elections, appointments and removals among them), decisions
// agreed without a vote. Each returns the committee and record as its
// transaction left them, so a front end can say where the meeting stands.

// StartMeeting starts recording a meeting (its minutes exist from now on;
// starting again changes nothing) and returns its agenda. Whoever starts
// it is who the minutes say recorded them: the member giving the
// commands, else the chair of the day.
func (a *App) StartMeeting(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, agenda.Agenda, error) {
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.start", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		if len(e.m.RecordedBy) > 0 && !e.created {
			return "", nil, alesco.ErrUnchanged
		}
		if len(e.m.RecordedBy) == 0 {
			e.m.RecordedBy = []string{recorder(e.c, e.p, e.m.Date)}
		}
		return "meeting/" + meetingID, map[string]any{"recorded_by": e.m.RecordedBy}, nil
	})
	if err == alesco.ErrUnchanged {
		c, m, err = a.GetMinutes(ctx, meetingID)
	}
	if err != nil {
		return nil, nil, agenda.Agenda{}, err
	}
	ag, err := a.Agenda(ctx, meetingID, "")
	return c, m, ag, err
}

// EndMeeting finalizes the minutes of a meeting run live: recorded by
// whoever started it (or, if nobody did, by whoever ends it) and edited for
// publishing by the same, unless names are already on record.
func (a *App) EndMeeting(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, error) {
	return a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.finalize", byMeeting(meetingID), false, func(e *edit) (string, any, error) {
		by := e.m.RecordedBy
		if len(by) == 0 {
			by = []string{recorder(e.c, e.p, e.m.Date)}
		}
		edited := e.m.EditedBy
		if len(edited) == 0 {
			edited = by
		}
		if err := a.finalize(e, by, edited); err != nil {
			return "", nil, err
		}
		return "meeting/" + meetingID, map[string]any{"recorded_by": e.m.RecordedBy, "edited_by": e.m.EditedBy}, nil
	})
}

// recorder names who records a meeting: the caller's member, else the
// chair on the meeting's date.
func recorder(c *alesco.Committee, p alesco.Principal, d alesco.Date) string {
	if mem, ok := c.Member(p.MemberID); ok {
		return mem.Name
	}
	if t, ok := c.ChairOn(d); ok {
		if mem, ok := c.Member(t.MemberID); ok {
			return mem.Name
		}
	}
	return c.ShortName
}

// ChangeAttendance records one attendance change (arrived, arrived late,
// left, unable to attend, a board member, a community guest) with the
// time, beside the replace-all RecordAttendance. Leaving can take the
// meeting below quorum: the result says so.
func (a *App) ChangeAttendance(ctx context.Context, meetingID string, ch alesco.AttendanceChange) (*alesco.Committee, *alesco.Minutes, alesco.AttendanceResult, error) {
	var res alesco.AttendanceResult
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.attendance."+string(ch.Action), byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		if res, err = e.m.ChangeAttendance(e.c, ch, e.tx.Now()); err != nil {
			return "", nil, err
		}
		if len(res.Names) == 0 {
			return "", nil, alesco.ErrUnchanged
		}
		return "meeting/" + meetingID, map[string]any{"names": res.Names, "present": res.PresentAfter}, nil
	})
	if err == alesco.ErrUnchanged {
		c, m, err = a.GetMinutes(ctx, meetingID)
	}
	return c, m, res, err
}

// topicRef is a reference to a proposal at the start of a topic: "#16" or
// a pull request's address.
var topicRef = regexp.MustCompile(`^(?:#(\d{1,6})|https?://\S+/pull/(\d{1,6})\S*)(?:\s+|$)`)

// TakeUp makes a topic the one under discussion. A "#N" or pull-request
// link ties it to proposal N; given alone, the proposal's title names the
// topic.
func (a *App) TakeUp(ctx context.Context, meetingID, text string) (*alesco.Committee, *alesco.Minutes, alesco.Note, error) {
	var out *alesco.Note
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.topic", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		topic, proposal, err := a.topicOf(e.tx, e.c, strings.TrimSpace(text))
		if err != nil {
			return "", nil, err
		}
		out, err = e.m.TakeUp(topic, proposal)
		return "meeting/" + meetingID, out, err
	})
	n, err := deref(out, err)
	return c, m, n, err
}

// topicOf reads a topic as written: its text and the proposal it names.
func (a *App) topicOf(tx alesco.ReadTx, c *alesco.Committee, text string) (string, int, error) {
	if g := topicRef.FindStringSubmatch(text); g != nil {
		n, _ := strconv.Atoi(g[1] + g[2])
		rest := strings.TrimSpace(text[len(g[0]):])
		if rest != "" {
			return rest, n, nil
		}
		p, err := tx.Proposal(c.ID, n)
		switch {
		case err == nil:
			return TitleTopic(p.Title), n, nil
		case alesco.ErrorCode(err) == alesco.ENOTFOUND:
			return fmt.Sprintf("RFC #%d", n), n, nil
		}
		return "", 0, err
	}
	return text, minutesmd.ProposalNumber(text), nil
}

// NextItem is an agenda item taken up as the topic.
type NextItem struct {
	// Section is where the item stands on the agenda: "vote",
	// "discussion", "carried over", "new submission", "chair election",
	// "open floor".
	Section string
	Item    agenda.Item
	Topic   alesco.Note
}

// TakeUpNext makes the first agenda item not yet taken up the topic under
// discussion. What was taken up is read from the record (a topic on the
// item's proposal, or of its name), so any front end, and a restarted
// server, continue where the meeting stands.
func (a *App) TakeUpNext(ctx context.Context, meetingID string) (*alesco.Committee, *alesco.Minutes, NextItem, error) {
	var next NextItem
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.topic", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		ag, _, err := agendaIn(e.tx, e.c, e.mt)
		if err != nil {
			return "", nil, err
		}
		for _, it := range agendaItems(ag) {
			if takenUp(e.m, it.Topic) {
				continue
			}
			t, err := e.m.TakeUp(it.Topic.Topic, it.Topic.ProposalNumber)
			if err != nil {
				return "", nil, err
			}
			next, next.Topic = it, *t
			return "meeting/" + meetingID, t, nil
		}
		return "", nil, alesco.Errorf(alesco.EPRECONDITION, "every agenda item was taken up: name another with topic TEXT, or end with endmeeting")
	})
	return c, m, next, err
}

// agendaItems lists an agenda in the order a meeting takes it up, each
// with the topic it becomes.
func agendaItems(ag agenda.Agenda) []NextItem {
	var out []NextItem
	add := func(section string, items []agenda.Item) {
		for _, it := range items {
			n := alesco.Note{Topic: TitleTopic(it.Title), ProposalNumber: it.Number}
			if it.Kind == agenda.KindActionItem {
				// An action item's text is Markdown already; its owner is a name.
				n.Topic = "Action item: " + it.Title
				if it.Owner != "" {
					n.Topic += " (" + alesco.EscapeMarkdown(it.Owner, nil) + ")"
				}
			}
			out = append(out, NextItem{Section: section, Item: it, Topic: n})
		}
	}
	add("vote", ag.Votes)
	add("discussion", ag.Discussion)
	add("carried over", ag.CarriedOver)
	add("new submission", ag.NewSubmissions)
	if ag.ChairElection.Due {
		out = append(out, NextItem{Section: "chair election", Topic: alesco.Note{Topic: "the chair election"}})
	}
	return append(out, NextItem{Section: "open floor", Topic: alesco.Note{Topic: "other business"}})
}

// TitleTopic is a title that comes from data (a pull request's title from
// GitHub, a carried motion's) as a topic, which is Markdown: escaped
// (alesco.EscapeMarkdown), so it shows as written and is never refused for
// what it holds; cut, with "…", when its escapes would make it longer than
// a topic may be.
func TitleTopic(title string) string {
	s := alesco.EscapeMarkdown(title, nil)
	for r := []rune(title); utf8.RuneCountInString(s) > alesco.LineText.Max && len(r) > 0; {
		r = r[:len(r)-1]
		s = alesco.EscapeMarkdown(strings.TrimSpace(string(r))+"…", nil)
	}
	return s
}

// takenUp reports whether the record has a topic for the item already.
func takenUp(m *alesco.Minutes, topic alesco.Note) bool {
	for _, n := range m.Notes {
		if (topic.ProposalNumber != 0 && n.ProposalNumber == topic.ProposalNumber) || strings.EqualFold(n.Topic, topic.Topic) {
			return true
		}
	}
	return false
}

// Propose puts a motion to a vote, one at a time: on the topic's proposal,
// or a chair election, appointment or removal, checked against the
// charter before anyone votes.
func (a *App) Propose(ctx context.Context, meetingID string, spec alesco.MotionSpec) (*alesco.Committee, *alesco.Minutes, alesco.Motion, error) {
	var out *alesco.Motion
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "motion.open", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		if out, err = e.m.Propose(e.c, spec, e.tx.Now()); err != nil {
			return "", nil, err
		}
		if err := e.addAsyncVotes(out); err != nil {
			return "", nil, err
		}
		return "meeting/" + meetingID, map[string]any{"title": out.Title, "proposal": out.ProposalNumber, "kind": out.Kind, "subject": out.SubjectName}, nil
	})
	mo, err := deref(out, err)
	return c, m, mo, err
}

// Agree records a decision the meeting agreed without a vote.
func (a *App) Agree(ctx context.Context, meetingID, text string) (*alesco.Committee, *alesco.Minutes, alesco.Decision, error) {
	var out *alesco.Decision
	c, m, err := a.editMinutes(ctx, alesco.ActRecordMinutes, "minutes.agree", byMeeting(meetingID), true, func(e *edit) (string, any, error) {
		var err error
		out, err = e.m.Agree(text)
		return "meeting/" + meetingID, out, err
	})
	d, err := deref(out, err)
	return c, m, d, err
}
