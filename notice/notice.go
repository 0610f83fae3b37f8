// Package notice writes what alesco tells the world: the texts of the
// GitHub comments, board e-mails, chat posts and the wiki pull request
// that the committee's rules cause (alesco.MinutesEffects, ProposalEffects,
// MeetingChangeEffects, Announce). The rules decide that something is said,
// to whom and under which key; this package says what. It is pure: the
// domain in, text out. GitHub and chat read Markdown; mail is plain text.
package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// Texts writes every notice; it implements alesco.Notices.
type Texts struct{}

var _ alesco.Notices = Texts{}

// when writes a meeting's start as people read it: "Thursday 3 December
// 2026, 12:00 EST (17:00 UTC)".
func when(m alesco.Meeting) string {
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	local := m.Start.In(loc)
	return fmt.Sprintf("%s (%s UTC)", local.Format("Monday 2 January 2006, 15:04 MST"), m.Start.UTC().Format("15:04"))
}

// outcomeWord is how a notice names a decided RFC's fate.
func outcomeWord(o alesco.MotionOutcome) string {
	if o == alesco.OutcomePassed {
		return "accepted"
	}
	return "rejected"
}

// revisionNote is " (revision 2, amended: why)" for amended minutes, ""
// for the first revision.
func revisionNote(m *alesco.Minutes) string {
	if m.Revision <= 1 {
		return ""
	}
	s := fmt.Sprintf(" (revision %d", m.Revision)
	if n := len(m.Revisions); n > 0 && m.Revisions[n-1].Reason != "" {
		s += ", amended: " + m.Revisions[n-1].Reason
	}
	return s + ")"
}

// OutcomeComment is the comment on an RFC's pull request saying how the
// meeting decided it: the outcome, the tally, each member's vote and the
// minutes link.
func (Texts) OutcomeComment(c *alesco.Committee, m *alesco.Minutes, mo *alesco.Motion, l alesco.PublishLinks) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s decision: RFC %s\n\n", c.ShortName, outcomeWord(mo.Outcome))
	fmt.Fprintf(&b, "%s voted on this RFC at its meeting of %s (%s): **%s**, %s.\n\n", c.ShortName, m.Date, mo.Title, mo.Outcome.Word(), mo.Tally())
	b.WriteString("| Member | Vote |\n| --- | --- |\n")
	for _, v := range mo.Votes {
		vote := v.Value.String()
		if v.Source == alesco.VoteAsync {
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
	fmt.Fprintf(&b, "\nMinutes: %s%s\n\n", l.Minutes, revisionNote(m))
	if mo.Outcome == alesco.OutcomePassed {
		b.WriteString("A maintainer merges the accepted RFC; alesco never merges or closes pull requests.\n")
	} else {
		b.WriteString("A maintainer closes the rejected RFC; alesco never merges or closes pull requests.\n")
	}
	return b.String()
}

// WikiPullRequest is the commit message (the pull request's title too)
// and the body of the pull request publishing final minutes to the wiki.
func (Texts) WikiPullRequest(c *alesco.Committee, m *alesco.Minutes, l alesco.PublishLinks) (message, body string) {
	message = fmt.Sprintf("Add %s meeting minutes for %s", c.ShortName, l.DateLabel)
	body = fmt.Sprintf("Minutes of the %s meeting of %s, as finalized in alesco: %s", c.ShortName, m.Date, l.Minutes)
	if m.Revision > 1 {
		body += fmt.Sprintf("\n\nRevision %d", m.Revision)
		if n := len(m.Revisions); n > 0 && m.Revisions[n-1].Reason != "" {
			body += ", amended: " + m.Revisions[n-1].Reason
		}
		body += "."
	}
	return message, body
}

// MinutesPost is the chat post saying that minutes are final, with their
// link and decisions.
func (Texts) MinutesPost(c *alesco.Committee, m *alesco.Minutes, l alesco.PublishLinks) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s minutes of %s are final**: %s\n", c.ShortName, m.Date, l.Minutes)
	for _, d := range m.Decisions {
		b.WriteString("- " + strings.ReplaceAll(d.Text, "\n", " ") + "\n")
	}
	return b.String()
}

// boardInput says whether the board's input blocks a proposal's vote.
func boardInput(c *alesco.Committee, p alesco.Proposal, chairAdded bool) string {
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

// DiscussionComment is the comment on a pull request the committee
// accepted for discussion: the review period, the board's input and, for an
// RFC still numbered 0000/XXXX, the next free RFC number.
func (Texts) DiscussionComment(c *alesco.Committee, p alesco.Proposal, at alesco.ProposalMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: accepted for discussion\n\n", c.ShortName)
	earliest := c.Today(at.Now.AddDate(0, 0, c.Rules.ReviewPeriodDays))
	fmt.Fprintf(&b, "%s accepted this RFC for discussion on %s. The review period is %d days: the RFC can enter its final comment period and be voted on from %s.\n\n",
		c.ShortName, c.Today(at.Now), c.Rules.ReviewPeriodDays, earliest)
	b.WriteString(boardInput(c, p, true) + "\n")
	if p.RFCNumber == "" && p.RFCPath != "" && at.NextRFCNumber != "" {
		fmt.Fprintf(&b, "\nThis RFC still carries `0000`/`XXXX` as its number. The next free RFC number is **%s**: rename `%s` to `%s` and set `RFC Number` in its header.\n",
			at.NextRFCNumber, p.RFCPath, renumbered(c, p.RFCPath, at.NextRFCNumber))
	}
	return b.String()
}

// renumbered is an RFC file's path with its 0000/XXXX prefix replaced.
func renumbered(c *alesco.Committee, file, number string) string {
	dir, name := c.GitHub.RFCPath, strings.TrimPrefix(file, c.GitHub.RFCPath)
	for _, p := range []string{"0000-", "XXXX-", "xxxx-"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return dir + number + "-" + rest
		}
	}
	return dir + number + "-" + name
}

// meetingLine names the meeting that votes on a proposal in FCP.
func meetingLine(at alesco.ProposalMoment) string {
	if at.NextMeeting == nil {
		return "at its next meeting (none is scheduled yet)"
	}
	s := "at its meeting on " + when(*at.NextMeeting)
	if at.MeetingPage != "" {
		s += ": " + at.MeetingPage
	}
	return s
}

// FCPComment is the comment on a pull request entering its final comment
// period: the meeting that will vote on it, a review period not yet over,
// the board's input.
func (Texts) FCPComment(c *alesco.Committee, p alesco.Proposal, at alesco.ProposalMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: final comment period\n\n", c.ShortName)
	fmt.Fprintf(&b, "This RFC has entered its final comment period. %s will vote on it %s.\n\n", c.ShortName, meetingLine(at))
	if r := c.ReviewAt(p, at.Now); at.NextMeeting != nil && c.ReviewAt(p, at.NextMeeting.Start).DaysInReview < c.Rules.ReviewPeriodDays {
		fmt.Fprintf(&b, "Note: by then it will have been in review for %d of the %d days the review period asks (%d so far).\n\n",
			c.ReviewAt(p, at.NextMeeting.Start).DaysInReview, c.Rules.ReviewPeriodDays, r.DaysInReview)
	}
	b.WriteString(boardInput(c, p, false) + "\n\nLast call for comments: say it here before the meeting.\n")
	return b.String()
}

func mailFooter(c *alesco.Committee) string {
	return "\n-- \nalesco, for the " + c.Name + "\n"
}

// DiscussionMail is the board's e-mail about an RFC accepted for
// discussion.
func (Texts) DiscussionMail(c *alesco.Committee, p alesco.Proposal, at alesco.ProposalMoment) (subject, body string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s accepted an RFC for discussion on %s:\n\n  %s\n  %s\n\n", c.ShortName, c.Today(at.Now), p.Title, p.URL)
	b.WriteString(boardInput(c, p, true) + "\n\n")
	fmt.Fprintf(&b, "The review period is %d days. The board will hear again when the RFC enters its final comment period, with the meeting where %s will vote on it.\n",
		c.Rules.ReviewPeriodDays, c.ShortName)
	b.WriteString(mailFooter(c))
	return fmt.Sprintf("[%s] RFC accepted for discussion: %s (#%d)", c.ShortName, p.Title, p.Number), b.String()
}

// FCPMail is the board's e-mail about an RFC entering its final comment
// period, naming the meeting that votes on it.
func (Texts) FCPMail(c *alesco.Committee, p alesco.Proposal, at alesco.ProposalMoment) (subject, body string) {
	var b strings.Builder
	fmt.Fprintf(&b, "An RFC has entered its final comment period:\n\n  %s\n  %s\n\n%s will vote on it %s.\n\n", p.Title, p.URL, c.ShortName, meetingLine(at))
	b.WriteString(boardInput(c, p, false) + "\n\nThe board may give its input on the pull request before the vote.\n")
	b.WriteString(mailFooter(c))
	subject = fmt.Sprintf("[%s] RFC in final comment period: %s (#%d)", c.ShortName, p.Title, p.Number)
	if at.NextMeeting != nil {
		subject += ", vote on " + at.NextMeeting.LocalDate().String()
	}
	return subject, b.String()
}

// CancelPost is the chat post saying a meeting is cancelled, and why.
func (Texts) CancelPost(c *alesco.Committee, m alesco.Meeting, page string) string {
	return fmt.Sprintf("**The %s meeting of %s is cancelled**: %s\n%s\n", c.ShortName, when(m), m.CancelReason, page)
}

// MovePost is the chat post saying a meeting has moved.
func (Texts) MovePost(c *alesco.Committee, before, after alesco.Meeting, page string) string {
	return fmt.Sprintf("**The %s meeting of %s has moved** to %s.\n%s\n", c.ShortName, when(before), when(after), page)
}

// EventDriftPost is the chat post saying a meeting's event on the events
// site is missing, at another time or still listed though cancelled.
func (Texts) EventDriftPost(c *alesco.Committee, p alesco.EventProblem, page string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**The events site disagrees with the %s meeting of %s**: %s.\n", c.ShortName, when(p.Meeting), p.Describe())
	if p.Event.URL != "" && p.Kind != alesco.DriftCancelled {
		fmt.Fprintf(&b, "Event: %s\n", p.Event.URL)
	}
	if c.Links.Events != "" {
		fmt.Fprintf(&b, "Events site: %s\n", c.Links.Events)
	}
	fmt.Fprintf(&b, "%s\n", page)
	return b.String()
}

// maxAgendaPost bounds the agenda quoted in a chat post; the link has the
// whole of it (Mattermost takes up to 16,383 characters a post).
const maxAgendaPost = 12000

// AgendaPost is the chat post of a meeting's agenda before it.
func (Texts) AgendaPost(c *alesco.Committee, m alesco.Meeting, at alesco.MeetingMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s meets %s** (in %s).\n", c.ShortName, when(m), roundedDuration(m.Start.Sub(at.Now)))
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

// StartPost is the chat post at a meeting's start, with where to join.
func (Texts) StartPost(c *alesco.Committee, m alesco.Meeting, at alesco.MeetingMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**The %s meeting is starting now** (%s).\n", c.ShortName, when(m))
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
