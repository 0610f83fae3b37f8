package alesco

import (
	"fmt"
	"strings"
	"time"
)

// The committee's words to the world: the texts of the effects the rules
// in writeback.go cause. GitHub and chat read Markdown; mail is plain text.

// When writes a meeting's start as people read it: "Thursday 3 December
// 2026, 12:00 EST (17:00 UTC)".
func (m Meeting) When() string {
	local := m.Start.In(m.loc())
	return fmt.Sprintf("%s (%s UTC)", local.Format("Monday 2 January 2006, 15:04 MST"), m.Start.UTC().Format("15:04"))
}

// outcomeWord is how a notice names a decided RFC's fate.
func outcomeWord(o MotionOutcome) string {
	if o == OutcomePassed {
		return "accepted"
	}
	return "rejected"
}

func outcomeComment(c *Committee, m *Minutes, mo *Motion, l PublishLinks) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s decision: RFC %s\n\n", c.ShortName, outcomeWord(mo.Outcome))
	fmt.Fprintf(&b, "%s voted on this RFC at its meeting of %s (%s): **%s**, %s.\n\n", c.ShortName, m.Date, mo.Title, mo.Outcome.Word(), mo.Tally())
	b.WriteString("| Member | Vote |\n| --- | --- |\n")
	for _, v := range mo.Votes {
		vote := v.Value.String()
		if v.Source == VoteAsync {
			vote += " (async"
			if v.ReferenceURL != "" {
				vote += ", [where](" + v.ReferenceURL + ")"
			}
			vote += ")"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", v.MemberName, vote)
	}
	if mo.Deciding != nil {
		fmt.Fprintf(&b, "\nThe tie was decided by %s's deciding vote (%s).\n", mo.Deciding.MemberName, mo.Deciding.Value)
	}
	fmt.Fprintf(&b, "\nMinutes: %s", l.Minutes)
	if m.Revision > 1 {
		fmt.Fprintf(&b, " (revision %d", m.Revision)
		if n := len(m.Revisions); n > 0 && m.Revisions[n-1].Reason != "" {
			b.WriteString(", amended: " + m.Revisions[n-1].Reason)
		}
		b.WriteString(")")
	}
	b.WriteString("\n\n")
	if mo.Outcome == OutcomePassed {
		b.WriteString("A maintainer merges the accepted RFC; alesco never merges or closes pull requests.\n")
	} else {
		b.WriteString("A maintainer closes the rejected RFC; alesco never merges or closes pull requests.\n")
	}
	return b.String()
}

// boardInput says whether the board's input blocks a proposal's vote.
func boardInput(c *Committee, p Proposal, chairAdded bool) string {
	switch {
	case !p.NeedsBoardInput:
		return "Board input is not expected to be a blocker for the vote."
	case p.BoardInputRecorded:
		return "Board input is required before the vote (" + p.BoardInputReason + "); it is on record."
	}
	s := "Board input is expected to be a blocker: " + c.ShortName + " cannot vote before the AlmaLinux OS Foundation board has given its input (" + p.BoardInputReason + ")."
	if chair, ok := c.BoardChair(); ok && chairAdded && chair.GitHub != "" && c.GitHub.Write {
		s += " The board chair, " + chair.Name + " (@" + chair.GitHub + "), is requested as a reviewer."
	}
	return s
}

func discussionComment(c *Committee, p Proposal, at ProposalMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: accepted for discussion\n\n", c.ShortName)
	earliest := DateIn(at.Now.AddDate(0, 0, c.Rules.ReviewPeriodDays), c.loc())
	fmt.Fprintf(&b, "%s accepted this RFC for discussion on %s. The review period is %d days: the RFC can enter its final comment period and be voted on from %s.\n\n",
		c.ShortName, DateIn(at.Now, c.loc()), c.Rules.ReviewPeriodDays, earliest)
	b.WriteString(boardInput(c, p, true) + "\n")
	if p.RFCNumber == "" && p.RFCPath != "" && at.NextRFCNumber != "" {
		fmt.Fprintf(&b, "\nThis RFC still carries `0000`/`XXXX` as its number. The next free RFC number is **%s**: rename `%s` to `%s` and set `RFC Number` in its header.\n",
			at.NextRFCNumber, p.RFCPath, renumbered(c, p.RFCPath, at.NextRFCNumber))
	}
	return b.String()
}

// renumbered is an RFC file's path with its 0000/XXXX prefix replaced.
func renumbered(c *Committee, file, number string) string {
	dir, name := c.GitHub.RFCPath, strings.TrimPrefix(file, c.GitHub.RFCPath)
	for _, p := range []string{"0000-", "XXXX-", "xxxx-"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return dir + number + "-" + rest
		}
	}
	return dir + number + "-" + name
}

func meetingLine(c *Committee, at ProposalMoment) string {
	if at.NextMeeting == nil {
		return "at its next meeting (none is scheduled yet)"
	}
	s := "at its meeting on " + at.NextMeeting.When()
	if at.MeetingPage != "" {
		s += ": " + at.MeetingPage
	}
	return s
}

func fcpComment(c *Committee, p Proposal, at ProposalMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: final comment period\n\n", c.ShortName)
	fmt.Fprintf(&b, "This RFC has entered its final comment period. %s will vote on it %s.\n\n", c.ShortName, meetingLine(c, at))
	if r := c.ReviewAt(p, at.Now); at.NextMeeting != nil && c.ReviewAt(p, at.NextMeeting.Start).DaysInReview < c.Rules.ReviewPeriodDays {
		fmt.Fprintf(&b, "Note: by then it will have been in review for %d of the %d days the review period asks (%d so far).\n\n",
			c.ReviewAt(p, at.NextMeeting.Start).DaysInReview, c.Rules.ReviewPeriodDays, r.DaysInReview)
	}
	b.WriteString(boardInput(c, p, false) + "\n\nLast call for comments: say it here before the meeting.\n")
	return b.String()
}

func mailFooter(c *Committee) string {
	return "\n-- \nalesco, for the " + c.Name + "\n"
}

func discussionMail(c *Committee, p Proposal, at ProposalMoment, to string) *MailEffect {
	var b strings.Builder
	fmt.Fprintf(&b, "%s accepted an RFC for discussion on %s:\n\n  %s\n  %s\n\n", c.ShortName, DateIn(at.Now, c.loc()), p.Title, p.URL)
	b.WriteString(boardInput(c, p, true) + "\n\n")
	fmt.Fprintf(&b, "The review period is %d days. The board will hear again when the RFC enters its final comment period, with the meeting where %s will vote on it.\n",
		c.Rules.ReviewPeriodDays, c.ShortName)
	b.WriteString(mailFooter(c))
	return &MailEffect{To: []string{to}, Subject: fmt.Sprintf("[%s] RFC accepted for discussion: %s (#%d)", c.ShortName, p.Title, p.Number), Body: b.String()}
}

func fcpMail(c *Committee, p Proposal, at ProposalMoment, to string) *MailEffect {
	var b strings.Builder
	fmt.Fprintf(&b, "An RFC has entered its final comment period:\n\n  %s\n  %s\n\n%s will vote on it %s.\n\n", p.Title, p.URL, c.ShortName, meetingLine(c, at))
	b.WriteString(boardInput(c, p, false) + "\n\nThe board may give its input on the pull request before the vote.\n")
	b.WriteString(mailFooter(c))
	subject := fmt.Sprintf("[%s] RFC in final comment period: %s (#%d)", c.ShortName, p.Title, p.Number)
	if at.NextMeeting != nil {
		subject += ", vote on " + at.NextMeeting.LocalDate().String()
	}
	return &MailEffect{To: []string{to}, Subject: subject, Body: b.String()}
}

func minutesPost(c *Committee, m *Minutes, l PublishLinks) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s minutes of %s are final**: %s\n", c.ShortName, m.Date, l.Minutes)
	for _, d := range m.Decisions {
		b.WriteString("- " + strings.ReplaceAll(d.Text, "\n", " ") + "\n")
	}
	return b.String()
}

func cancelPost(c *Committee, m Meeting, page string) string {
	return fmt.Sprintf("**The %s meeting of %s is cancelled**: %s\n%s\n", c.ShortName, m.When(), m.CancelReason, page)
}

func movePost(c *Committee, before, after Meeting, page string) string {
	return fmt.Sprintf("**The %s meeting of %s has moved** to %s.\n%s\n", c.ShortName, before.When(), after.When(), page)
}

// maxAgendaPost bounds the agenda quoted in a chat post; the link has the
// whole of it (Mattermost takes up to 16,383 characters a post).
const maxAgendaPost = 12000

func agendaPost(c *Committee, m Meeting, at MeetingMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s meets %s** (in %s).\n", c.ShortName, m.When(), roundedDuration(m.Start.Sub(at.Now)))
	if c.Links.Chat != "" {
		fmt.Fprintf(&b, "Where: %s\n", c.Links.Chat)
	}
	fmt.Fprintf(&b, "Agenda: %s\n\n", at.Links.Agenda)
	md := at.AgendaMarkdown
	if len(md) > maxAgendaPost {
		cut := strings.LastIndex(md[:maxAgendaPost], "\n")
		md = md[:max(cut, 0)] + "\n\n(The agenda continues at the link above.)\n"
	}
	b.WriteString(md)
	return b.String()
}

func startPost(c *Committee, m Meeting, at MeetingMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**The %s meeting is starting now** (%s).\n", c.ShortName, m.When())
	// Where it is held is the meeting's own (its series' location and
	// link, or what AddMeeting gave it).
	if m.JoinURL != "" {
		fmt.Fprintf(&b, "Join: %s\n", m.JoinURL)
	} else if m.Venue != "" {
		fmt.Fprintf(&b, "Where: %s\n", m.Venue)
	}
	fmt.Fprintf(&b, "Agenda: %s\n", at.Links.Agenda)
	return b.String()
}

// roundedDuration writes a lead time as people say it: "24 hours", "90
// minutes".
func roundedDuration(d time.Duration) string {
	switch {
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Round(time.Hour)/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return "a moment"
}
