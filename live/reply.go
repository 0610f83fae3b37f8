package live

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	"github.com/almalinux/alesco/app"
)

// The replies: one line each, in the words of the minutes.

// quorumText says where quorum stands: "quorum 4 of 5 present", or "no
// quorum: 3 of 5 present, 4 required".
func quorumText(c *alesco.Committee, m *alesco.Minutes) string {
	q, present := m.Quorum(c)
	if q.Met(present) {
		return fmt.Sprintf("quorum %d of %d present", present, q.RosterSize)
	}
	return fmt.Sprintf("no quorum: %d of %d present, %d required", present, q.RosterSize, q.Required)
}

// shortTally writes a tally as chairs say it: "+3 0 -1" (a zero count
// without a sign, as the minutes' vote lines write it).
func shortTally(t alesco.Tally) string {
	signed := func(sign string, n int) string {
		if n == 0 {
			return "0"
		}
		return sign + strconv.Itoa(n)
	}
	return signed("+", t.Yes) + " " + strconv.Itoa(t.Abstain) + " " + signed("-", t.No)
}

// motionLine is a motion and its tally: `motion 12 "Accept RFC 16": +3 0 -1`.
func motionLine(mo alesco.Motion) string {
	return fmt.Sprintf("motion %d %q: %s", mo.Number, mo.Title, shortTally(mo.Tally()))
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// topicText names a topic and its proposal.
func topicText(c *alesco.Committee, topic string, proposal int) string {
	if proposal > 0 && !strings.Contains(topic, fmt.Sprintf("#%d", proposal)) {
		return fmt.Sprintf("%s (#%d)", topic, proposal)
	}
	return topic
}

func attendanceLine(c *alesco.Committee, m *alesco.Minutes, act alesco.AttendanceAction, r alesco.AttendanceResult) string {
	var b strings.Builder
	b.WriteString(string(act))
	if len(r.Names) > 0 {
		b.WriteString(": " + strings.Join(r.Names, ", "))
	}
	if len(r.Unchanged) > 0 {
		if len(r.Names) > 0 {
			b.WriteString(";")
		} else {
			b.WriteString(":")
		}
		b.WriteString(" already recorded: " + strings.Join(r.Unchanged, ", "))
	}
	switch {
	case r.QuorumLost():
		b.WriteString(" — quorum lost: ")
		q, present := m.Quorum(c)
		fmt.Fprintf(&b, "%d of %d present, %d required; no vote can be taken", present, q.RosterSize, q.Required)
		return b.String()
	case r.QuorumReached():
		b.WriteString(" — quorum reached")
	}
	b.WriteString(" (" + quorumText(c, m) + ")")
	return b.String()
}

// agendaLine summarises an agenda and says what comes next.
func agendaLine(ag agenda.Agenda, m *alesco.Minutes) string {
	var parts []string
	list := func(name string, items []agenda.Item) {
		if len(items) == 0 {
			return
		}
		var refs []string
		for _, it := range items {
			ref := it.Title
			if it.Number > 0 {
				ref = fmt.Sprintf("#%d", it.Number)
			}
			refs = append(refs, ref)
		}
		parts = append(parts, name+" "+strings.Join(refs, ", "))
	}
	list("votes", ag.Votes)
	list("discussion", ag.Discussion)
	list("carried over", ag.CarriedOver)
	list("new", ag.NewSubmissions)
	if e := ag.ChairElection; e.Due {
		el := "chair election (" + e.Reason
		if e.CannotStand != "" {
			el += "; " + e.CannotStand
		}
		parts = append(parts, el+")")
	}
	parts = append(parts, "open floor")
	line := strings.Join(parts, "; ")
	if next := nextOf(ag, m); next != "" {
		line += "; type next to take up " + next
	}
	return line
}

// nextOf names the first agenda item the record has no topic for.
func nextOf(ag agenda.Agenda, m *alesco.Minutes) string {
	for _, items := range [][]agenda.Item{ag.Votes, ag.Discussion, ag.CarriedOver, ag.NewSubmissions} {
		for _, it := range items {
			done := false
			for _, n := range m.Notes {
				if (it.Number != 0 && n.ProposalNumber == it.Number) || strings.Contains(n.Topic, app.TitleTopic(it.Title)) {
					done = true
				}
			}
			if !done {
				if it.Number > 0 {
					return fmt.Sprintf("#%d", it.Number)
				}
				return it.Title
			}
		}
	}
	return ""
}

// statusLine is where the meeting stands.
func statusLine(c *alesco.Committee, m *alesco.Minutes) string {
	q, present := m.Quorum(c)
	line := fmt.Sprintf("%s (%s): %d of %d members present, %d required", m.MeetingID, strings.ToLower(m.Status.Label()), present, q.RosterSize, q.Required)
	if q.Met(present) {
		line += " (quorum met)"
	} else {
		line += " (no quorum)"
	}
	if t, p := m.CurrentTopic(); t != "" {
		line += "; topic " + topicText(c, fmt.Sprintf("%q", t), p)
	}
	if mo := m.LatestOpenMotion(); mo != nil {
		line += "; open " + motionLine(*mo)
		if mo.Tally().IsTie() && len(mo.Votes) > 0 && mo.Deciding == nil {
			line += " (tied: decide +1|-1)"
		}
	}
	return line + fmt.Sprintf("; %s, %s", count(len(m.Decisions), "decision"), count(len(m.ActionItems), "action item"))
}

// rosterEffect says what a passed election, appointment or removal made
// of the committee.
func rosterEffect(c *alesco.Committee, m *alesco.Minutes, mo alesco.Motion) string {
	switch mo.Kind {
	case alesco.MotionElectChair:
		return fmt.Sprintf("%s is %s chair from %s", mo.SubjectName, c.ShortName, m.Date)
	case alesco.MotionAppoint:
		return fmt.Sprintf("%s is a member of %s from %s", mo.SubjectName, c.ShortName, m.Date)
	}
	return fmt.Sprintf("%s is no longer a member of %s from %s", mo.SubjectName, c.ShortName, m.Date)
}

// parseValue reads a vote as people write it.
func parseValue(s string) (alesco.VoteValue, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "+1", "1", "yes", "y", "aye", "yea", "for", "+":
		return alesco.VoteYes, true
	case "0", "±0", "+0", "-0", "abstain", "abs":
		return alesco.VoteAbstain, true
	case "-1", "−1", "no", "n", "nay", "against", "-":
		return alesco.VoteNo, true
	}
	return 0, false
}

// valueAtEnd splits "NAME +1" (or "+1") into who and the vote.
func valueAtEnd(args string, deciding bool) (string, alesco.VoteValue, error) {
	words := strings.Fields(args)
	if len(words) > 0 {
		if v, ok := parseValue(words[len(words)-1]); ok && (!deciding || v != alesco.VoteAbstain) {
			return strings.Join(words[:len(words)-1], " "), v, nil
		}
	}
	return "", 0, alesco.Errorf(alesco.EINVALID, "a vote is +1, 0 or -1: type vote NAME +1 (or vote +1 for your own)")
}

// valueAtStart splits "+1 [NAME]" into the deciding vote and who casts it.
func valueAtStart(args string) (alesco.VoteValue, string, error) {
	first, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	if v, ok := parseValue(first); ok && v != alesco.VoteAbstain {
		return v, strings.TrimSpace(rest), nil
	}
	return 0, "", alesco.Errorf(alesco.EINVALID, "a deciding vote is +1 or -1: type decide +1 or decide -1")
}

// Plain is a reply or a title as a terminal or the console shows it: the
// CommonMark backslash escapes the record keeps (a GitHub title "Build
// for <arch>" is "Build for \<arch\>" in the minutes, so the wiki and chat
// show it as text) taken out, for display only. Written by hand: a
// Markdown renderer would also read emphasis, links and entities, which a
// terminal shows as typed.
func Plain(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isASCIIPunct reports the characters a backslash escapes (CommonMark
// 0.31, 2.4).
func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
