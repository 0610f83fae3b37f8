package alesco

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the rules of decisions between meetings: the commands
// members write in an RFC's GitHub discussion (/vote, /concern, /resolve),
// who counts, and what the discussion adds up to. The discussion is
// replayed from the comments kept, oldest first, so an edit (the comment's
// new text) or a deletion (the comment gone) changes the outcome as if it
// had always been so.

// CommandKind names a discussion command.
type CommandKind string

// Discussion commands.
const (
	CommandVote    CommandKind = "vote"
	CommandConcern CommandKind = "concern"
	CommandResolve CommandKind = "resolve"
)

// Command is one command line of a comment.
type Command struct {
	Kind  CommandKind
	Value VoteValue // of a vote
	Text  string    // of a concern or a resolution
}

// maxConcernText bounds a concern's text: one line, as a title.
const maxConcernText = 200

// voteWords are the values a /vote line takes.
var voteWords = map[string]VoteValue{
	"+1": VoteYes, "1": VoteYes, "yes": VoteYes, "0": VoteAbstain, "abstain": VoteAbstain, "-1": VoteNo, "no": VoteNo,
	"−1": VoteNo, // U+2212, as some editors write it
}

// ParseCommands is THE rule for the commands of a comment: lines
// "/vote +1|0|-1" (or yes|abstain|no), "/concern TEXT" and "/resolve
// TEXT", case-insensitive, several per comment. Lines in fenced or
// indented code blocks and in ">" quotes are not commands; nor is a /vote
// without a value or with another one ("/vote 2"), nor a /concern or
// /resolve without text.
func ParseCommands(body string) []Command {
	var out []Command
	fence := ""
	for _, raw := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimLeft(raw, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" && len(raw)-len(trimmed) < 4 {
			fence = f
			continue
		}
		if strings.HasPrefix(raw, "\t") || len(raw)-len(trimmed) >= 4 || strings.HasPrefix(trimmed, ">") {
			continue // indented code, or a quote
		}
		if cmd, ok := parseCommand(strings.TrimSpace(trimmed)); ok {
			out = append(out, cmd)
		}
	}
	return out
}

// fenceOf returns the fence a line opens (``` or ~~~, at least three), or "".
func fenceOf(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// parseCommand reads one line.
func parseCommand(line string) (Command, bool) {
	if !strings.HasPrefix(line, "/") {
		return Command{}, false
	}
	word, rest, _ := strings.Cut(line[1:], " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "vote":
		v, ok := voteWords[strings.ToLower(strings.TrimRight(rest, ".!"))]
		return Command{Kind: CommandVote, Value: v}, ok
	case "concern", "resolve":
		text := ConcernKey(rest)
		if text == "" || len(text) > maxConcernText {
			return Command{}, false
		}
		if _, err := CleanText("concern", LineText, rest); err != nil {
			return Command{}, false
		}
		return Command{Kind: CommandKind(strings.ToLower(word)), Text: strings.Join(strings.Fields(rest), " ")}, true
	}
	return Command{}, false
}

// ConcernKey is how a resolution names a concern: its text, case and
// spacing aside.
func ConcernKey(text string) string { return strings.ToLower(strings.Join(strings.Fields(text), " ")) }

// DiscussionComment is a comment or review on an RFC's pull request, as
// kept: what its commands say is worked out from it (Committee.Discussion).
type DiscussionComment struct {
	CommitteeID string
	Number      int   // the pull request
	ID          int64 // GitHub's comment or review id
	Review      bool  // a pull-request review, not an issue comment
	Author      string
	URL         string // html_url: where it is read
	Body        string
	Created     time.Time
	Updated     time.Time
	// Late: written after the minutes that decided the RFC were final;
	// acknowledged, never counted.
	Late bool
}

// AsyncVote is a vote cast in the discussion.
type AsyncVote struct {
	Login      string
	MemberID   string // "" for a non-binding vote
	MemberName string
	Value      VoteValue
	URL        string
	Cast       time.Time
	// Binding: cast by a member on the roster on the comment's day.
	Binding bool
}

// Who names the voter: the member, else the login.
func (v AsyncVote) Who() string {
	if v.MemberName != "" {
		return v.MemberName
	}
	return "@" + v.Login
}

// Concern is an objection raised in the discussion.
type Concern struct {
	Text       string
	MemberID   string
	MemberName string
	URL        string
	Raised     time.Time
	Resolved   bool
	ResolvedBy string // the member's name
	// ResolvedURL is the comment that resolved it.
	ResolvedURL string
}

// Discussion is what an RFC's discussion adds up to.
type Discussion struct {
	Number int
	// Votes are the members' binding votes, in roster order; NonBinding
	// the others', in order of casting.
	Votes      []AsyncVote
	NonBinding []AsyncVote
	Concerns   []Concern
	// Ignored says, per comment, what was not taken and why (for the log).
	Ignored []string
}

// Vote returns the binding vote of a member, if any.
func (d Discussion) Vote(memberID string) (AsyncVote, bool) {
	for _, v := range d.Votes {
		if v.MemberID == memberID {
			return v, true
		}
	}
	return AsyncVote{}, false
}

// OpenConcerns returns the concerns not resolved.
func (d Discussion) OpenConcerns() []Concern {
	var out []Concern
	for _, c := range d.Concerns {
		if !c.Resolved {
			out = append(out, c)
		}
	}
	return out
}

// Tally counts the binding votes.
func (d Discussion) Tally() Tally {
	votes := make([]Vote, 0, len(d.Votes))
	for _, v := range d.Votes {
		votes = append(votes, Vote{Value: v.Value})
	}
	return TallyOf(votes)
}

// MemberByGitHub finds the member with a GitHub login (case-insensitive),
// whoever was on the roster when.
func (c *Committee) MemberByGitHub(login string) (*Member, bool) {
	for i := range c.Members {
		if c.Members[i].GitHub != "" && strings.EqualFold(c.Members[i].GitHub, strings.TrimSpace(login)) {
			return &c.Members[i], true
		}
	}
	return nil, false
}

// DiscussionOpen is THE rule for when an RFC's discussion counts: a
// tracked, open pull request in discussion or in its final comment period.
func DiscussionOpen(p Proposal) bool {
	return p.Tracked && p.Open && (p.State == ProposalDiscussion || p.State == ProposalFCP)
}

// Discussion is THE rule for what an RFC's discussion says. Comments are
// replayed oldest first; a member on the roster on the comment's day (in
// the committee's zone) casts a binding vote, anyone else a non-binding
// one; a later vote replaces an earlier one. A member raises a concern; the
// member who raised it or the chair on the day resolves it. Late comments
// and alesco's own (they carry its marker) are not counted.
func (c *Committee) Discussion(number int, comments []DiscussionComment) Discussion {
	d := Discussion{Number: number}
	sorted := slices.Clone(comments)
	slices.SortStableFunc(sorted, func(a, b DiscussionComment) int {
		if x := a.Created.Compare(b.Created); x != 0 {
			return x
		}
		return int(a.ID - b.ID)
	})
	votes := map[string]AsyncVote{} // by member id, or "@login"
	var order []string
	for _, cm := range sorted {
		if strings.Contains(cm.Body, "<!-- alesco:") {
			continue
		}
		cmds := ParseCommands(cm.Body)
		if len(cmds) == 0 {
			continue
		}
		if cm.Late {
			d.Ignored = append(d.Ignored, fmt.Sprintf("comment %d by @%s: written after the decision, not counted", cm.ID, cm.Author))
			continue
		}
		day := c.Today(cm.Created)
		known, ok := c.MemberByGitHub(cm.Author)
		mem := known
		if ok && !mem.IsMemberOn(day) {
			mem = nil
		}
		for _, cmd := range cmds {
			switch cmd.Kind {
			case CommandVote:
				v := AsyncVote{Login: cm.Author, Value: cmd.Value, URL: cm.URL, Cast: cm.Created}
				key := "@" + strings.ToLower(cm.Author)
				switch {
				case mem != nil:
					v.MemberID, v.MemberName, v.Binding, key = mem.ID, mem.Name, true, mem.ID
				case known != nil:
					v.MemberName = known.Name // a former (or future) member: not counted
				}
				if _, seen := votes[key]; !seen {
					order = append(order, key)
				}
				votes[key] = v
			case CommandConcern:
				d.raise(cm, mem, cmd.Text)
			case CommandResolve:
				d.resolve(c, cm, mem, day, cmd.Text)
			}
		}
	}
	for _, m := range c.Members {
		if v, ok := votes[m.ID]; ok {
			d.Votes = append(d.Votes, v)
		}
	}
	for _, k := range order {
		if v := votes[k]; !v.Binding {
			d.NonBinding = append(d.NonBinding, v)
		}
	}
	return d
}

// raise records a member's concern (once per text).
func (d *Discussion) raise(cm DiscussionComment, mem *Member, text string) {
	if mem == nil {
		d.Ignored = append(d.Ignored, fmt.Sprintf("comment %d: @%s is not a member: concern %q not recorded", cm.ID, cm.Author, text))
		return
	}
	key := ConcernKey(text)
	for _, c := range d.Concerns {
		if !c.Resolved && ConcernKey(c.Text) == key {
			return
		}
	}
	d.Concerns = append(d.Concerns, Concern{Text: text, MemberID: mem.ID, MemberName: mem.Name, URL: cm.URL, Raised: cm.Created})
}

// resolve resolves an open concern, by the member who raised it or the
// chair on the day.
func (d *Discussion) resolve(c *Committee, cm DiscussionComment, mem *Member, day Date, text string) {
	key := ConcernKey(text)
	for i := range d.Concerns {
		con := &d.Concerns[i]
		if con.Resolved || ConcernKey(con.Text) != key {
			continue
		}
		chair, isChair := c.ChairOn(day)
		if mem == nil || (mem.ID != con.MemberID && (!isChair || chair.MemberID != mem.ID)) {
			d.Ignored = append(d.Ignored, fmt.Sprintf("comment %d: @%s may not resolve %q: the member who raised it or the chair may", cm.ID, cm.Author, text))
			return
		}
		con.Resolved, con.ResolvedBy, con.ResolvedURL = true, mem.Name, cm.URL
		return
	}
	d.Ignored = append(d.Ignored, fmt.Sprintf("comment %d: no open concern %q to resolve", cm.ID, text))
}

// AddAsyncVotes puts the members' binding votes from the discussion into a
// motion just opened on the RFC: members on the roster on the meeting's
// date, with the comment's link. A vote cast live later replaces it
// (CastVote). It returns the votes added.
func (m *Minutes) AddAsyncVotes(c *Committee, mo *Motion, d Discussion, now time.Time) []Vote {
	var added []Vote
	for _, v := range d.Votes {
		mem, err := c.Voter(v.MemberID, m.Date)
		if err != nil || slices.ContainsFunc(mo.Votes, func(o Vote) bool { return o.MemberID == mem.ID }) {
			continue
		}
		ref, err := CleanURL("reference_url", v.URL)
		if err != nil {
			continue
		}
		vote := Vote{MemberID: mem.ID, MemberName: mem.Name, Value: v.Value, Source: VoteAsync, ReferenceURL: ref, Cast: castAt(v.Cast, now)}
		mo.Votes = append(mo.Votes, vote)
		added = append(added, vote)
	}
	return added
}

// FollowDiscussion is THE rule for a motion open on an RFC whose
// discussion moves while the meeting runs: the open motions on the RFC in
// draft minutes take each member's vote as it now stands in the
// discussion. An async vote taken from the discussion (its link is one of
// the discussion's comments: fromDiscussion) follows its member's vote
// there, in its place, and leaves when the member withdrew it; a member
// with no vote in the motion gets theirs (AddAsyncVotes); votes cast in
// the meeting, and async votes the chair recorded from elsewhere, stay. It
// returns the motions it changed.
func (m *Minutes) FollowDiscussion(c *Committee, d Discussion, fromDiscussion func(url string) bool, now time.Time) []*Motion {
	if m.Status != MinutesDraft {
		return nil
	}
	var out []*Motion
	for i := range m.Motions {
		mo := &m.Motions[i]
		if mo.Status != MotionOpen || mo.ProposalNumber != d.Number {
			continue
		}
		changed := false
		kept := mo.Votes[:0]
		for _, v := range mo.Votes {
			if v.Source == VoteAsync && fromDiscussion(v.ReferenceURL) {
				dv, ok := d.Vote(v.MemberID)
				ref, err := CleanURL("reference_url", dv.URL)
				if !ok || err != nil {
					changed = true // withdrawn in the discussion
					continue
				}
				if dv.Value != v.Value || ref != v.ReferenceURL {
					v.Value, v.ReferenceURL, v.Cast, changed = dv.Value, ref, castAt(dv.Cast, now), true
				}
			}
			kept = append(kept, v)
		}
		mo.Votes = kept
		if len(m.AddAsyncVotes(c, mo, d, now)) > 0 || changed {
			out = append(out, mo)
		}
	}
	return out
}

// castAt is when an async vote counts as cast: its comment's time, or now
// when that is unknown or ahead of the clock.
func castAt(cast, now time.Time) time.Time {
	if cast.IsZero() || cast.After(now) {
		return now
	}
	return cast
}

// DecidedBy reports whether final minutes decided a proposal: a motion on
// it closed passed or rejected.
func (m *Minutes) DecidedBy(number int) bool {
	if m.Status != MinutesFinal {
		return false
	}
	return slices.ContainsFunc(m.decisive(), func(mo *Motion) bool { return mo.ProposalNumber == number })
}

// StatusEffect is THE rule for an RFC's status comment: one comment per
// RFC, keyed on the committee and the pull request, edited in place as the
// discussion moves (a replaceable comment effect: a burst of comments
// before the outbox's next round gives one edit). Only with github.write.
func (c *Committee) StatusEffect(p Proposal, d Discussion, at ProposalMoment, say Notices) []Effect {
	g := c.GitHub
	if !g.Write || g.Repo == "" || !p.Tracked {
		return nil
	}
	return []Effect{{Key: fmt.Sprintf("github:status:%s:%d", c.ID, p.Number), Kind: EffectComment, CommitteeID: c.ID,
		Comment: &CommentEffect{Repo: g.Repo, Number: p.Number, Body: say.StatusComment(c, p, d, at)}}}
}

// Awaiting is an RFC up for a vote at a meeting and the members on the
// roster that day who have not voted on it in its discussion.
type Awaiting struct {
	Proposal Proposal
	Members  []Member
}

// AwaitingVotes is THE rule for whom a reminder names: for each RFC in its
// final comment period (the meeting votes on it), the members on the
// roster on the meeting's day without a binding vote in its discussion.
func (c *Committee) AwaitingVotes(m Meeting, ps []Proposal, ds map[int]Discussion) []Awaiting {
	day := DateIn(m.Start, c.loc())
	var out []Awaiting
	for _, p := range ps {
		if !DiscussionOpen(p) || p.State != ProposalFCP {
			continue
		}
		a := Awaiting{Proposal: p}
		for _, mem := range c.Roster(day) {
			if _, ok := ds[p.Number].Vote(mem.ID); !ok {
				a.Members = append(a.Members, mem)
			}
		}
		if len(a.Members) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// Remind is THE rule for the reminder before a meeting (the "reminders"
// chat announcement): once ReminderBefore its start (48 hours by default)
// and before it starts, when some member has not voted on an RFC it votes
// on; none for a cancelled meeting. Its key names the meeting, so it is
// posted once however often the clock asks.
func (c *Committee) Remind(m Meeting, now time.Time, awaiting []Awaiting, page string, say Notices) []Effect {
	before := c.Notify.ReminderBefore
	if before == 0 {
		before = DefaultReminderBefore
	}
	if !c.Notify.Chats(AnnounceReminders) || m.Status == MeetingCancelled || len(awaiting) == 0 ||
		!now.Before(m.Start) || now.Before(m.Start.Add(-before)) {
		return nil
	}
	return []Effect{{Key: "chat:reminder:" + m.ID, Kind: EffectChat, CommitteeID: c.ID,
		Chat: &ChatEffect{Text: say.ReminderPost(c, m, awaiting, page)}}}
}
