package live

import (
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
)

// Each command calls one use case and answers from the record it returns.

func (s *session) start(string) (string, error) {
	_, m, ag, err := s.app.StartMeeting(s.ctx, s.meetingID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("meeting %s started (%s): %s", m.MeetingID, m.Date, agendaLine(ag, m)), nil
}

func (s *session) agenda(string) (string, error) {
	ag, err := s.app.Agenda(s.ctx, s.meetingID, "")
	if err != nil {
		return "", err
	}
	_, m, err := s.app.GetMinutes(s.ctx, s.meetingID)
	if alesco.ErrorCode(err) == alesco.ENOTFOUND {
		m, err = &alesco.Minutes{MeetingID: s.meetingID}, nil
	}
	if err != nil {
		return "", err
	}
	return "agenda: " + agendaLine(ag, m), nil
}

func (s *session) status(string) (string, error) {
	c, m, err := s.app.GetMinutes(s.ctx, s.meetingID)
	if alesco.ErrorCode(err) == alesco.ENOTFOUND {
		return s.meetingID + " has no minutes yet: type startmeeting", nil
	}
	if err != nil {
		return "", err
	}
	return statusLine(c, m), nil
}

// attend records one kind of attendance change.
func attend(act alesco.AttendanceAction) func(*session, string) (string, error) {
	return func(s *session, who string) (string, error) {
		c, m, res, err := s.app.ChangeAttendance(s.ctx, s.meetingID, alesco.AttendanceChange{Action: act, Who: who})
		if err != nil {
			return "", err
		}
		return attendanceLine(c, m, act, res), nil
	}
}

func (s *session) topic(text string) (string, error) {
	c, _, n, err := s.app.TakeUp(s.ctx, s.meetingID, text)
	if err != nil {
		return "", err
	}
	return "topic: " + topicText(c, n.Topic, n.ProposalNumber), nil
}

func (s *session) next(string) (string, error) {
	c, _, it, err := s.app.TakeUpNext(s.ctx, s.meetingID)
	if err != nil {
		return "", err
	}
	line := "topic: " + topicText(c, it.Topic.Topic, it.Topic.ProposalNumber) + " (" + it.Section
	if it.Section == "vote" {
		line += ": put it with motion TEXT"
	}
	if it.Item.BoardInputNeeded {
		line += "; board input needed"
	}
	return line + ")", nil
}

func (s *session) info(text string) (string, error) {
	n, err := s.app.AddNote(s.ctx, s.meetingID, alesco.Note{Text: text})
	if err != nil {
		return "", err
	}
	if n.Topic == "" {
		return "noted (no topic yet: type topic TEXT or next)", nil
	}
	return fmt.Sprintf("noted under %q", n.Topic), nil
}

// link notes a link under the topic: "[TEXT](URL)", or the URL alone.
func (s *session) link(args string) (string, error) {
	raw, text, _ := strings.Cut(args, " ")
	u, err := alesco.CleanURL("link", raw)
	if err != nil {
		return "", err
	}
	u = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
	note := "<" + u + ">"
	if text = strings.TrimSpace(text); text != "" {
		note = "[" + linkText.Replace(text) + "](" + u + ")"
	}
	n, err := s.app.AddNote(s.ctx, s.meetingID, alesco.Note{Text: note})
	if err != nil {
		return "", err
	}
	if n.Topic == "" {
		return "link noted (no topic yet: type topic TEXT or next)", nil
	}
	return fmt.Sprintf("link noted under %q", n.Topic), nil
}

// linkText escapes what would end a link's text early.
var linkText = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`)

// undo takes back the caller's last note, action item or agreed decision.
func (s *session) undo(string) (string, error) {
	_, _, w, err := s.app.Undo(s.ctx, s.meetingID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("withdrawn: the %s %q", w.Kind, w.Text), nil
}

func (s *session) agreed(text string) (string, error) {
	_, m, d, err := s.app.Agree(s.ctx, s.meetingID, text)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("agreed (decision %d): %s", len(m.Decisions), d.Text), nil
}

// propose puts a motion of one kind to a vote.
func propose(kind alesco.MotionKind) func(*session, string) (string, error) {
	return func(s *session, text string) (string, error) {
		spec := alesco.MotionSpec{Title: text, OnTopic: true, Kind: kind}
		if kind != alesco.MotionPlain {
			spec = alesco.MotionSpec{Kind: kind, Subject: text}
		}
		c, m, mo, err := s.app.Propose(s.ctx, s.meetingID, spec)
		if err != nil {
			return "", err
		}
		on := ""
		if mo.ProposalNumber > 0 {
			on = fmt.Sprintf(" on #%d", mo.ProposalNumber)
		}
		return fmt.Sprintf("motion %d %q%s is open: %svote NAME +1|0|-1, then close (%s)", mo.Number, mo.Title, on, asyncText(mo), quorumText(c, m)), nil
	}
}

func (s *session) vote(args string) (string, error) {
	who, value, err := valueAtEnd(args, false)
	if err != nil {
		return "", err
	}
	p, _ := alesco.PrincipalFrom(s.ctx)
	if who == "" {
		// "vote +1" is the speaker's own vote.
		if who = p.MemberID; who == "" {
			return "", alesco.Errorf(alesco.EINVALID, "whose vote? type vote NAME %s", value)
		}
	}
	mo, err := s.app.CastVote(s.ctx, app.VoteRequest{MeetingID: s.meetingID, MemberID: who, Value: value})
	if err != nil {
		return "", err
	}
	c, m, err := s.app.GetMinutes(s.ctx, s.meetingID)
	if err != nil {
		return "", err
	}
	return motionLine(mo) + " (" + quorumText(c, m) + ")", nil
}

func (s *session) decide(args string) (string, error) {
	value, who, err := valueAtStart(args)
	if err != nil {
		return "", err
	}
	mo, err := s.app.DecideOpenMotion(s.ctx, s.meetingID, who, value)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, tie decided %s by %s: type close", motionLine(mo), value, mo.Deciding.MemberName), nil
}

func (s *session) close(args string) (string, error) {
	override := alesco.OutcomeNone
	switch strings.ToLower(args) {
	case "":
		// A tie nobody decided is most often a deciding vote forgotten:
		// say so before the motion closes as TIED.
		if _, m, err := s.app.GetMinutes(s.ctx, s.meetingID); err == nil {
			if mo := m.LatestOpenMotion(); mo != nil && len(mo.Votes) > 0 && mo.Tally().IsTie() && mo.Deciding == nil {
				return "", alesco.Errorf(alesco.EPRECONDITION, "motion %d is tied %s: the chair decides with decide +1 or decide -1 (close tied records the tie)", mo.Number, shortTally(mo.Tally()))
			}
		}
	case "tied":
		// The votes decide: a tie nobody broke closes as TIED.
	case "tabled", "table":
		override = alesco.OutcomeTabled
	case "punted", "punt", "deferred", "defer":
		override = alesco.OutcomePunted
	case "passed", "approved", "pass", "approve":
		override = alesco.OutcomePassed
	case "rejected", "reject":
		override = alesco.OutcomeRejected
	default:
		return "", alesco.Errorf(alesco.EINVALID, "close what? type close (the votes decide), close tabled or close punted")
	}
	c, m, mo, err := s.app.CloseOpenMotion(s.ctx, s.meetingID, override)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("motion %d %q %s", mo.Number, mo.Title, mo.Outcome.Word())
	if len(mo.Votes) > 0 {
		line += ": " + shortTally(mo.Tally())
	}
	if mo.Unanimous {
		line += ", unanimous"
	}
	if mo.Kind != alesco.MotionPlain && mo.Outcome == alesco.OutcomePassed {
		line += "; " + rosterEffect(c, m, mo)
	}
	return line, nil
}

func (s *session) action(args string) (string, error) {
	owner, text, err := s.owner(args)
	if err != nil {
		return "", err
	}
	a, err := s.app.AddActionItem(s.ctx, s.meetingID, owner, text)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("action item %d for %s: %s", a.Number, a.Owner, a.Text), nil
}

// owner splits "NAME TEXT": "Full Name: text" when a colon says where the
// name ends, else the longest run of leading words that names a member.
func (s *session) owner(args string) (owner, text string, err error) {
	if name, rest, ok := strings.Cut(args, ": "); ok && len(strings.Fields(name)) <= 4 && !strings.ContainsAny(name, "[]()") {
		return strings.TrimSpace(name), strings.TrimSpace(rest), nil
	}
	c, err := s.committee()
	if err != nil {
		return "", "", err
	}
	words := strings.Fields(args)
	for n := min(3, len(words)-1); n >= 1; n-- {
		if m, err := c.FindMember(strings.Join(words[:n], " "), s.date()); err == nil {
			return m.Name, strings.Join(words[n:], " "), nil
		}
	}
	return "", "", alesco.Errorf(alesco.EINVALID, "who owns it? type action NAME TEXT with a member's name (action neal Build a proof of concept), or action Full Name: TEXT")
}

func (s *session) end(string) (string, error) {
	_, m, err := s.app.EndMeeting(s.ctx, s.meetingID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("minutes of %s are final: %s, %s; Markdown at %s", m.MeetingID, count(len(m.Decisions), "decision"),
		count(len(m.ActionItems), "action item"), s.app.URL("/minutes/"+m.MeetingID+".md")), nil
}

func (s *session) committee() (*alesco.Committee, error) {
	seed, _, _, err := s.app.Committees().ParseMeetingID(s.meetingID)
	if err != nil {
		return nil, err
	}
	return s.app.Committee(s.ctx, seed.ID)
}

// date is the meeting's date, from its id.
func (s *session) date() alesco.Date {
	_, d, _, _ := s.app.Committees().ParseMeetingID(s.meetingID)
	return d
}

// asyncText names the async votes a motion opened with, from the RFC's
// discussion: "2 async votes (Lance Albertson +1, Neal Gompa +1); ".
func asyncText(mo alesco.Motion) string {
	var names []string
	for _, v := range mo.Votes {
		if v.Source == alesco.VoteAsync {
			names = append(names, v.MemberName+" "+v.Value.String())
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "1 async vote (" + names[0] + "); "
	}
	return fmt.Sprintf("%d async votes (%s); ", len(names), strings.Join(names, ", "))
}
