package alesco

import (
	"fmt"
	"maps"
	"net/mail"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the rules for what alesco tells the world when the
// committee decides: which effects a finalized record, a proposal's move
// through its lifecycle, a meeting change or the clock cause, to whom, and
// under which key. What they say is a Notices' (package notice); delivery
// is the adapters' (through the outbox).

// Notices writes the texts of the effects the rules below cause: the rules
// decide that something is said, to whom and under which key, a Notices
// says what (package notice). GitHub and chat read Markdown; mail is plain
// text.
type Notices interface {
	// OutcomeComment is the comment on an RFC's pull request saying how
	// motion mo of final minutes m decided it.
	OutcomeComment(c *Committee, m *Minutes, mo *Motion, l PublishLinks) string
	// WikiPullRequest is the commit message (the title too) and the body
	// of the pull request publishing final minutes to the wiki.
	WikiPullRequest(c *Committee, m *Minutes, l PublishLinks) (message, body string)
	// MinutesPost is the chat post saying minutes are final.
	MinutesPost(c *Committee, m *Minutes, l PublishLinks) string
	// DiscussionComment and DiscussionMail (to the board) say that an RFC
	// was accepted for discussion.
	DiscussionComment(c *Committee, p Proposal, at ProposalMoment) string
	DiscussionMail(c *Committee, p Proposal, at ProposalMoment) (subject, body string)
	// FCPComment and FCPMail (to the board) say that an RFC entered its
	// final comment period, and which meeting votes on it.
	FCPComment(c *Committee, p Proposal, at ProposalMoment) string
	FCPMail(c *Committee, p Proposal, at ProposalMoment) (subject, body string)
	// CancelPost and MovePost are the chat posts of a meeting's change.
	CancelPost(c *Committee, m Meeting, page string) string
	MovePost(c *Committee, before, after Meeting, page string) string
	// AgendaPost and StartPost are the chat posts before a meeting and at
	// its start.
	AgendaPost(c *Committee, m Meeting, at MeetingMoment) string
	StartPost(c *Committee, m Meeting, at MeetingMoment) string
	// StatusComment is an RFC's status comment: the members' votes and
	// concerns from its discussion, and the meeting that votes on it.
	StatusComment(c *Committee, p Proposal, d Discussion, at ProposalMoment) string
	// ReminderPost is the chat post, before a meeting, naming the members
	// who have not voted on the RFCs it votes on.
	ReminderPost(c *Committee, m Meeting, awaiting []Awaiting, page string) string
}

// WikiSettings say where a committee publishes its minutes: a pull request
// to the wiki's repository adding the minutes file and its index line.
type WikiSettings struct {
	Repo       string // owner/name, e.g. AlmaLinux/wiki; "" publishes nothing
	Base       string // branch the pull request targets; "" is the default branch
	MinutesDir string // e.g. docs/alesco/meeting-minutes
	Index      string // e.g. docs/alesco/meeting-minutes.md
}

// Announcement names one kind of chat post.
type Announcement string

// Chat announcements.
const (
	AnnounceAgenda  Announcement = "agenda"  // the agenda, AgendaBefore the meeting
	AnnounceStart   Announcement = "start"   // "starting now", with the join link
	AnnounceMinutes Announcement = "minutes" // the minutes link, once final
	AnnounceChanges Announcement = "changes" // a cancellation or a move
	AnnounceEvents  Announcement = "events"  // the events site disagrees with a meeting
	// AnnounceReminders names, ReminderBefore a meeting, the members who
	// have not voted on the RFCs it votes on.
	AnnounceReminders Announcement = "reminders"
)

// Announcements lists every kind of chat post.
var Announcements = []Announcement{AnnounceAgenda, AnnounceStart, AnnounceMinutes, AnnounceChanges, AnnounceEvents, AnnounceReminders}

// DefaultAgendaBefore is how long before a meeting its agenda is posted.
const DefaultAgendaBefore = 24 * time.Hour

// DefaultReminderBefore is how long before a meeting the members who have
// not voted are reminded.
const DefaultReminderBefore = 48 * time.Hour

// NotifySettings say whom a committee tells, besides GitHub.
type NotifySettings struct {
	// BoardEmail is the foundation board's address: it hears when an RFC
	// is accepted for discussion and when one enters FCP. "" sends none.
	BoardEmail string
	// Chat lists the chat posts made; none when empty.
	Chat []Announcement
	// AgendaBefore is how long before a meeting its agenda is posted.
	AgendaBefore time.Duration
	// ReminderBefore is how long before a meeting the reminders are
	// posted (DefaultReminderBefore when 0).
	ReminderBefore time.Duration
}

// Chats reports whether the committee posts a kind of announcement.
func (n NotifySettings) Chats(a Announcement) bool { return slices.Contains(n.Chat, a) }

// BoardChair returns the board member marked as the board's chair.
func (c *Committee) BoardChair() (BoardMember, bool) {
	for _, b := range c.Board {
		if b.Chair {
			return b, true
		}
	}
	return BoardMember{}, false
}

var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// validateWriteBack checks what the committee tells the world.
func (c *Committee) validateWriteBack(add func(path, format string, args ...any)) {
	chairs := 0
	for i, b := range c.Board {
		if strings.TrimSpace(b.Name) == "" {
			add(fmt.Sprintf("Board[%d].Name", i), "board member has no name")
		}
		if b.Chair {
			if chairs++; chairs > 1 {
				add(fmt.Sprintf("Board[%d].Chair", i), "only one board member can be the board's chair")
			}
			if c.GitHub.Write && b.GitHub == "" {
				add(fmt.Sprintf("Board[%d].GitHub", i), "the board chair needs a GitHub login: alesco requests their review on RFCs that need board input")
			}
		}
	}
	if w := c.Wiki; w.Repo != "" {
		if !repoRE.MatchString(w.Repo) {
			add("Wiki.Repo", "repo %q must be owner/name", w.Repo)
		}
		if w.MinutesDir == "" {
			add("Wiki.MinutesDir", "minutes_dir is required with wiki.repo (e.g. docs/alesco/meeting-minutes)")
		}
		if w.Index == "" || !strings.HasSuffix(w.Index, ".md") {
			add("Wiki.Index", "index must name the Markdown index of minutes (e.g. docs/alesco/meeting-minutes.md)")
		}
		for _, p := range []string{w.MinutesDir, w.Index} {
			if p != "" && (path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "..")) {
				add("Wiki", "path %q must be relative to the repository's root, without ./ or ..", p)
			}
		}
	}
	if e := c.Notify.BoardEmail; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Name != "" {
			add("Notify.BoardEmail", "board_email %q is not an email address", e)
		}
	}
	for i, a := range c.Notify.Chat {
		if !slices.Contains(Announcements, a) {
			add(fmt.Sprintf("Notify.Chat[%d]", i), "unknown chat announcement %q (want agenda, start, minutes, changes, events or reminders)", a)
		}
	}
	if d := c.Notify.AgendaBefore; d < 0 || d > 7*24*time.Hour {
		add("Notify.AgendaBefore", "agenda_before must be between 0 and 168h, got %v", d)
	}
	if d := c.Notify.ReminderBefore; d < 0 || d > 14*24*time.Hour {
		add("Notify.ReminderBefore", "reminder_before must be between 0 and 336h, got %v", d)
	}
}

// PublishLinks are what a finalized record's effects link to and quote,
// from the formatters and the service's URLs.
type PublishLinks struct {
	Minutes   string // the minutes' public page
	IndexLine string // the wiki index's line for the meeting
	DateLabel string // the wiki's name of the date: "July 30, 2026"
}

// decisive returns, per proposal, the last motion of the record that
// closed passed or rejected on it, in proposal order.
func (m *Minutes) decisive() []*Motion {
	last := map[int]*Motion{}
	for i := range m.Motions {
		mo := &m.Motions[i]
		if mo.ProposalNumber <= 0 || mo.Status != MotionClosed {
			continue
		}
		last[mo.ProposalNumber] = mo
	}
	var out []*Motion
	for _, n := range slices.Sorted(maps.Keys(last)) {
		if o := last[n].Outcome; o == OutcomePassed || o == OutcomeRejected {
			out = append(out, last[n])
		}
	}
	return out
}

// MinutesEffects is THE rule for what final minutes tell the world
// (FinalizeMinutes, and AmendMinutes when the amended minutes are final
// again: the same keys then replace the earlier effects, so a comment is
// edited, the wiki pull request updated, and nothing posted twice).
//
//   - with github.write, for each tracked RFC the meeting decided (the last
//     motion on it closed PASSED or REJECTED): one comment on its pull
//     request with the outcome, the tally, each member's vote and the
//     minutes link; the FCP label removed; the rejected label added on
//     rejection, the accepted label (when configured) on acceptance.
//     alesco never merges or closes a pull request: people do;
//   - with github.write and a wiki repository: the minutes pull request;
//   - with the "minutes" chat announcement: a post with the minutes link.
func (c *Committee) MinutesEffects(m *Minutes, proposals map[int]Proposal, l PublishLinks, say Notices) []Effect {
	if m.Status != MinutesFinal {
		return nil
	}
	var out []Effect
	if g := c.GitHub; g.Write && g.Repo != "" {
		for _, mo := range m.decisive() {
			p, ok := proposals[mo.ProposalNumber]
			if !ok {
				continue // not a tracked proposal: no RFC pull request to write to
			}
			key := fmt.Sprintf("github:outcome:%s:%d", m.MeetingID, p.Number)
			out = append(out, Effect{Key: key, Kind: EffectComment, CommitteeID: c.ID,
				Comment: &CommentEffect{Repo: g.Repo, Number: p.Number, Body: say.OutcomeComment(c, m, mo, l)}})
			labels := &LabelsEffect{Repo: g.Repo, Number: p.Number, Remove: []string{g.FCPLabel}}
			switch {
			case mo.Outcome == OutcomeRejected && g.RejectedLabel != "":
				labels.Add = []string{g.RejectedLabel}
			case mo.Outcome == OutcomePassed && g.AcceptedLabel != "":
				labels.Add = []string{g.AcceptedLabel}
			}
			out = append(out, Effect{Key: fmt.Sprintf("github:labels:%s:%d", m.MeetingID, p.Number), Kind: EffectLabels,
				CommitteeID: c.ID, Labels: labels})
		}
		if w := c.Wiki; w.Repo != "" && l.IndexLine != "" {
			out = append(out, Effect{Key: "wiki:minutes:" + m.MeetingID, Kind: EffectWiki, CommitteeID: c.ID, Wiki: wikiEffect(c, m, l, say)})
		}
	}
	if c.Notify.Chats(AnnounceMinutes) {
		out = append(out, Effect{Key: "chat:minutes:" + m.MeetingID, Kind: EffectChat, CommitteeID: c.ID,
			Chat: &ChatEffect{Text: say.MinutesPost(c, m, l)}})
	}
	return out
}

// WikiBranch is the branch of a meeting's minutes pull request: one per
// meeting, so an amendment updates it and a retry finds it.
func WikiBranch(meetingID string) string { return "alesco/minutes-" + meetingID }

// wikiEffect is the minutes' pull request to the wiki: one branch per
// meeting, the minutes file, the index line, and the key's marker in its
// body.
func wikiEffect(c *Committee, m *Minutes, l PublishLinks, say Notices) *WikiEffect {
	msg, body := say.WikiPullRequest(c, m, l)
	return &WikiEffect{Repo: c.Wiki.Repo, Base: c.Wiki.Base, Branch: WikiBranch(m.MeetingID), Date: m.Date.String(),
		File: path.Join(c.Wiki.MinutesDir, m.Date.String()+".md"), Content: m.Markdown, Index: c.Wiki.Index, IndexLine: l.IndexLine,
		Message: msg, Title: msg, Body: body + "\n\n" + Marker("wiki:minutes:"+m.MeetingID)}
}

// ProposalMoment is what a proposal's effects need to know besides the
// proposal: when it was seen, the next meeting (its vote, for FCP), the
// page of that meeting, and the next free RFC number.
type ProposalMoment struct {
	Now           time.Time
	NextMeeting   *Meeting // nil when none is scheduled
	MeetingPage   string
	NextRFCNumber string
}

// ProposalEffects is THE rule for what a proposal's move through its
// lifecycle tells the world, given the stored row before (found false
// when it was never seen: a first sync announces nothing) and after a
// sync or webhook:
//
//   - accepted for discussion (SUBMITTED to DISCUSSION): with github.write,
//     a comment saying so, with the review period and, when the RFC still
//     carries 0000/XXXX, the next free RFC number; when the RFC needs board
//     input, a review requested from the board chair (PROCESS-README: "the
//     current board chair will be added as a required reviewer"); an email
//     to the board saying whether its input blocks the vote;
//   - entering FCP: with github.write, a comment naming the meeting where it
//     will be voted on; an email to the board.
func (c *Committee) ProposalEffects(prev Proposal, found bool, next Proposal, at ProposalMoment, say Notices) []Effect {
	if !found || !next.Tracked || !next.Open {
		return nil
	}
	g, n := c.GitHub, next.Number
	var out []Effect
	switch {
	case prev.State == ProposalSubmitted && next.State == ProposalDiscussion:
		if g.Write && g.Repo != "" {
			out = append(out, Effect{Key: fmt.Sprintf("github:discussion:%s:%d", c.ID, n), Kind: EffectComment, CommitteeID: c.ID,
				Comment: &CommentEffect{Repo: g.Repo, Number: n, Body: say.DiscussionComment(c, next, at)}})
			if chair, ok := c.BoardChair(); ok && chair.GitHub != "" && next.NeedsBoardInput && !next.BoardInputRecorded {
				out = append(out, Effect{Key: fmt.Sprintf("github:review:%s:%d", c.ID, n), Kind: EffectReview, CommitteeID: c.ID,
					Review: &ReviewEffect{Repo: g.Repo, Number: n, Reviewers: []string{chair.GitHub}}})
			}
		}
		if to := c.Notify.BoardEmail; to != "" {
			subject, body := say.DiscussionMail(c, next, at)
			out = append(out, Effect{Key: fmt.Sprintf("mail:discussion:%s:%d", c.ID, n), Kind: EffectMail, CommitteeID: c.ID,
				Mail: &MailEffect{To: []string{to}, Subject: subject, Body: body}})
		}
	case prev.State != ProposalFCP && next.State == ProposalFCP:
		meeting := "next"
		if at.NextMeeting != nil {
			meeting = at.NextMeeting.ID
		}
		if g.Write && g.Repo != "" {
			out = append(out, Effect{Key: fmt.Sprintf("github:fcp:%s:%d:%s", c.ID, n, meeting), Kind: EffectComment, CommitteeID: c.ID,
				Comment: &CommentEffect{Repo: g.Repo, Number: n, Body: say.FCPComment(c, next, at)}})
		}
		if to := c.Notify.BoardEmail; to != "" {
			subject, body := say.FCPMail(c, next, at)
			out = append(out, Effect{Key: fmt.Sprintf("mail:fcp:%s:%d:%s", c.ID, n, meeting), Kind: EffectMail, CommitteeID: c.ID,
				Mail: &MailEffect{To: []string{to}, Subject: subject, Body: body}})
		}
	}
	return out
}

// NextRFCNumber is THE rule for the number the next RFC gets: one more
// than the highest number any tracked RFC carries, four digits ("0009").
func NextRFCNumber(proposals []Proposal) string {
	high := 0
	for _, p := range proposals {
		if n, err := strconv.Atoi(p.RFCNumber); err == nil && n > high {
			high = n
		}
	}
	return fmt.Sprintf("%04d", high+1)
}

// MeetingChangeEffects is THE rule for what a meeting change tells chat
// (the "changes" announcement): a cancellation or a move of a meeting
// that has not ended, once per change (its sequence is in the key).
func (c *Committee) MeetingChangeEffects(before, after Meeting, now time.Time, page string, say Notices) []Effect {
	if !c.Notify.Chats(AnnounceChanges) || !before.End.After(now) {
		return nil
	}
	switch {
	case after.Status == MeetingCancelled && before.Status != MeetingCancelled:
		return []Effect{{Key: fmt.Sprintf("chat:cancel:%s:%d", after.ID, after.Sequence), Kind: EffectChat, CommitteeID: c.ID,
			Chat: &ChatEffect{Text: say.CancelPost(c, after, page)}}}
	case !after.Start.Equal(before.Start) && after.Status != MeetingCancelled:
		return []Effect{{Key: fmt.Sprintf("chat:move:%s:%d", after.ID, after.Sequence), Kind: EffectChat, CommitteeID: c.ID,
			Chat: &ChatEffect{Text: say.MovePost(c, before, after, page)}}}
	}
	return nil
}

// MeetingMoment is what a meeting's announcements link to and show.
type MeetingMoment struct {
	Now            time.Time
	AgendaMarkdown string
	Links          MeetingLinks
}

// Announce is THE rule for a meeting's time-triggered chat posts: its
// agenda once within AgendaBefore of its start (not after it started),
// and "starting now" once between its start and its end; none for a
// cancelled meeting. Their keys name the meeting, so each is queued once
// however often the clock asks.
func (c *Committee) Announce(m Meeting, at MeetingMoment, say Notices) []Effect {
	if m.Status == MeetingCancelled || !m.End.After(at.Now) {
		return nil
	}
	before := c.Notify.AgendaBefore
	if before == 0 {
		before = DefaultAgendaBefore
	}
	switch {
	case at.Now.Before(m.Start) && !at.Now.Before(m.Start.Add(-before)) && c.Notify.Chats(AnnounceAgenda):
		return []Effect{{Key: "chat:agenda:" + m.ID, Kind: EffectChat, CommitteeID: c.ID, Chat: &ChatEffect{Text: say.AgendaPost(c, m, at)}}}
	case !at.Now.Before(m.Start) && c.Notify.Chats(AnnounceStart):
		return []Effect{{Key: "chat:start:" + m.ID, Kind: EffectChat, CommitteeID: c.ID, Chat: &ChatEffect{Text: say.StartPost(c, m, at)}}}
	}
	return nil
}

// InsertIndexLine is THE rule for where a meeting's line goes in the
// wiki's index of minutes (newest first): above the first listed meeting
// that is older, so a new meeting tops the list; an index already listing
// that meeting's link is left alone (changed false).
func InsertIndexLine(index, line string, d Date) (string, bool) {
	link := "/" + d.String() + ")"
	lines := strings.SplitAfter(index, "\n")
	at := -1
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		if !strings.HasPrefix(t, "- [") || len(t) < len("2006-01-02)") {
			continue
		}
		if strings.HasSuffix(t, link) {
			return index, false
		}
		if ld, err := ParseDate(t[len(t)-len("2006-01-02)") : len(t)-1]); err == nil && ld.Before(d) && at < 0 {
			at = i
		}
	}
	if at < 0 {
		// No older meeting listed: after the last list line, or at the end.
		for i := len(lines) - 1; i >= 0; i-- {
			if strings.HasPrefix(lines[i], "- [") {
				at = i + 1
				break
			}
		}
		if at < 0 {
			if index != "" && !strings.HasSuffix(index, "\n") {
				index += "\n"
			}
			return index + line + "\n", true
		}
	}
	return strings.Join(lines[:at], "") + line + "\n" + strings.Join(lines[at:], ""), true
}
