package alesco

import (
	"slices"
	"strings"
	"time"
)

// This file is attendance recorded one person at a time, as a chair takes
// it during a meeting: arrivals (on time or late), departures, apologies,
// board members and community guests. The replace-all RecordAttendance in
// record.go stays for front ends that send the whole list.

// AttendanceAction is one kind of attendance change.
type AttendanceAction string

// Attendance actions.
const (
	AttendPresent AttendanceAction = "present" // members arrive (or are marked present)
	AttendLate    AttendanceAction = "late"    // a member arrives late
	AttendLeft    AttendanceAction = "left"    // a member leaves before the end
	AttendAbsent  AttendanceAction = "absent"  // members are unable to attend
	AttendBoard   AttendanceAction = "board"   // a board member attends
	AttendGuest   AttendanceAction = "guest"   // a community member attends
)

// Label is how a page shows the attendance change.
func (a AttendanceAction) Label() string { return attendanceActionLabels[a] }

var attendanceActionLabels = map[AttendanceAction]string{
	AttendPresent: "present", AttendLate: "arrived late", AttendLeft: "left", AttendAbsent: "unable to attend",
	AttendBoard: "board attendee", AttendGuest: "community attendee",
}

// Notes the minutes write after a name.
const (
	NoteLate = "arrived late"
	NoteLeft = "left early"
)

// AttendanceChange is one attendance change: Who names members (see
// Committee.FindMembers) for the member actions, and a person for board
// and guest.
type AttendanceChange struct {
	Action AttendanceAction
	Who    string
}

// AttendanceResult says what an attendance change did and where quorum
// stands after it.
type AttendanceResult struct {
	// Names are the people the change concerned; Unchanged those already
	// recorded so.
	Names, Unchanged []string
	Quorum           Quorum
	// PresentBefore and PresentAfter count members present.
	PresentBefore, PresentAfter int
}

// QuorumLost reports whether the change took the meeting below quorum.
func (r AttendanceResult) QuorumLost() bool {
	return r.Quorum.Met(r.PresentBefore) && !r.Quorum.Met(r.PresentAfter)
}

// QuorumReached reports whether the change brought the meeting to quorum.
func (r AttendanceResult) QuorumReached() bool {
	return !r.Quorum.Met(r.PresentBefore) && r.Quorum.Met(r.PresentAfter)
}

// ChangeAttendance records one attendance change at time now. Members
// must be on c's roster on the meeting's date; a member who left no longer
// counts toward quorum.
func (m *Minutes) ChangeAttendance(c *Committee, ch AttendanceChange, now time.Time) (AttendanceResult, error) {
	if err := m.editable(); err != nil {
		return AttendanceResult{}, err
	}
	q, before := m.Quorum(c)
	res := AttendanceResult{Quorum: q, PresentBefore: before}
	who := strings.TrimSpace(ch.Who)
	switch ch.Action {
	case AttendBoard, AttendGuest:
		var err error
		if who, err = CleanText("name", NameText, who); err != nil {
			return res, err
		}
		if who == "" {
			return res, Errorf(EINVALID, "name the %s attendee, e.g. %s Luna Jernberg", ch.Action, ch.Action)
		}
		kind := AttendeeCommunity
		if ch.Action == AttendBoard {
			kind, who = AttendeeBoard, c.boardName(who)
		}
		if slices.ContainsFunc(m.Attendees, func(a Attendee) bool { return a.Kind == kind && normName(a.Name) == normName(who) }) {
			res.Unchanged = append(res.Unchanged, who)
		} else {
			m.Attendees = append(m.Attendees, Attendee{Kind: kind, Name: who, Arrived: now})
			res.Names = append(res.Names, who)
		}
	case AttendPresent, AttendLate, AttendLeft, AttendAbsent:
		members, err := c.FindMembers(who, m.Date)
		if err != nil {
			return res, err
		}
		if ch.Action == AttendLate || ch.Action == AttendLeft {
			if len(members) != 1 {
				return res, Errorf(EINVALID, "%s takes one member at a time, e.g. %s %s", ch.Action, ch.Action, members[0].Name)
			}
		}
		for _, mem := range members {
			if !mem.IsMemberOn(m.Date) {
				return res, Errorf(EINVALID, "%s is not on the %s roster on %s", mem.Name, c.ShortName, m.Date)
			}
			changed, err := m.attend(mem, ch.Action, now)
			if err != nil {
				return res, err
			}
			if changed {
				res.Names = append(res.Names, mem.Name)
			} else {
				res.Unchanged = append(res.Unchanged, mem.Name)
			}
		}
	default:
		return res, Errorf(EINVALID, "unknown attendance change %q (want present, late, left, absent, board or guest)", ch.Action)
	}
	_, res.PresentAfter = m.Quorum(c)
	return res, nil
}

// attend applies a member action to the member's attendance line (made
// when there is none) and reports whether it changed anything.
func (m *Minutes) attend(mem *Member, act AttendanceAction, now time.Time) (bool, error) {
	i := slices.IndexFunc(m.Attendees, func(a Attendee) bool { return a.Kind == AttendeeMember && a.MemberID == mem.ID })
	if i < 0 {
		switch act {
		case AttendLeft:
			return false, Errorf(EPRECONDITION, "%s is not recorded present: record them with present or late first", mem.Name)
		case AttendAbsent:
			m.Attendees = append(m.Attendees, Attendee{Kind: AttendeeMember, MemberID: mem.ID, Name: mem.Name, Absent: true})
		default:
			a := Attendee{Kind: AttendeeMember, MemberID: mem.ID, Name: mem.Name, Arrived: now}
			if act == AttendLate {
				a.Note = NoteLate
			}
			m.Attendees = append(m.Attendees, a)
		}
		return true, nil
	}
	a := &m.Attendees[i]
	old := *a
	switch act {
	case AttendPresent, AttendLate:
		if a.Present() && (act == AttendPresent || hasNote(a.Note, NoteLate)) {
			return false, nil
		}
		if !a.Present() {
			a.Arrived = now
		}
		a.Absent, a.Left = false, time.Time{}
		a.Note = removeNote(a.Note, NoteLeft)
		if act == AttendLate {
			a.Note = addNote(a.Note, NoteLate)
		}
	case AttendLeft:
		if !a.Present() {
			return false, Errorf(EPRECONDITION, "%s is not recorded present: nobody to see leave", mem.Name)
		}
		a.Left, a.Note = now, addNote(a.Note, NoteLeft)
	case AttendAbsent:
		*a = Attendee{Kind: AttendeeMember, MemberID: mem.ID, Name: mem.Name, Absent: true}
	}
	return !SameAttendee(old, *a), nil
}

func hasNote(note, part string) bool {
	return slices.Contains(splitNote(note), part)
}

func splitNote(note string) []string {
	var out []string
	for _, p := range strings.Split(note, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func addNote(note, part string) string {
	if hasNote(note, part) {
		return note
	}
	return strings.Join(append(splitNote(note), part), ", ")
}

func removeNote(note, part string) string {
	return strings.Join(slices.DeleteFunc(splitNote(note), func(p string) bool { return p == part }), ", ")
}

// boardName is the board member's configured spelling of name, or name.
func (c *Committee) boardName(name string) string {
	n := normName(strings.TrimPrefix(name, "@"))
	for _, b := range c.Board {
		if normName(b.Name) == n || (b.GitHub != "" && strings.ToLower(b.GitHub) == n) {
			return b.Name
		}
	}
	return name
}
