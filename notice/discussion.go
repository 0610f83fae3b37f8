package notice

import (
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

// maxListed is how many non-binding votes a status comment lists.
const maxListed = 50

func nonBinding(vs []alesco.AsyncVote) []alesco.Vote {
	out := make([]alesco.Vote, len(vs))
	for i, v := range vs {
		out[i].Value = v.Value
	}
	return out
}

// StatusComment is an RFC's status comment, kept up to date as its
// discussion moves: each member and their vote or "no vote yet", the
// non-binding votes apart, the concerns open and resolved with their
// links, and the meeting that votes on it. It quotes no command at the
// start of a line, so that it is never read as one.
func (Texts) StatusComment(c *alesco.Committee, p alesco.Proposal, d alesco.Discussion, at alesco.ProposalMoment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: votes and concerns\n\n", c.ShortName)
	if p.State == alesco.ProposalFCP {
		fmt.Fprintf(&b, "%s will vote on this RFC %s.\n\n", c.ShortName, meetingLine(at))
	} else {
		fmt.Fprintf(&b, "This RFC is %s; %s votes on it at a meeting once it enters its final comment period.\n\n",
			strings.ToLower(p.State.Label()), c.ShortName)
	}
	t := d.Tally()
	fmt.Fprintf(&b, "Members' votes so far: %s.\n\n| Member | Vote |\n| --- | --- |\n", t)
	for _, m := range c.Roster(c.Today(at.Now)) {
		vote := "no vote yet"
		if v, ok := d.Vote(m.ID); ok {
			vote = fmt.Sprintf("%s ([comment](%s))", v.Value, v.URL)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", m.Name, vote)
	}
	if len(d.NonBinding) > 0 {
		b.WriteString("\nNon-binding votes (not members of " + c.ShortName + " that day; not counted):\n\n")
		for i, v := range d.NonBinding {
			if i == maxListed {
				// GitHub takes comments of up to 65,536 characters: a
				// crowd's votes are counted, not listed.
				t := alesco.TallyOf(nonBinding(d.NonBinding[i:]))
				fmt.Fprintf(&b, "- and %d more (%s)\n", len(d.NonBinding)-i, t)
				break
			}
			fmt.Fprintf(&b, "- %s: %s ([comment](%s))\n", alesco.EscapeMarkdown(v.Who(), nil), v.Value, v.URL)
		}
	}
	if len(d.Concerns) > 0 {
		b.WriteString("\nConcerns:\n\n")
		for _, con := range d.Concerns {
			if con.Resolved {
				fmt.Fprintf(&b, "- [x] ~~%s~~ (raised by %s [here](%s), resolved by %s [here](%s))\n", alesco.EscapeMarkdown(con.Text, nil), con.MemberName, con.URL, con.ResolvedBy, con.ResolvedURL)
			} else {
				fmt.Fprintf(&b, "- [ ] **%s** (raised by %s [here](%s))\n", alesco.EscapeMarkdown(con.Text, nil), con.MemberName, con.URL)
			}
		}
	}
	b.WriteString("\nMembers vote with a line `/vote +1`, `/vote 0` or `/vote -1` in a comment or review; `/concern TEXT` raises a concern, `/resolve TEXT` resolves it. " +
		"Editing the comment changes the vote, deleting it withdraws it. A member present at the meeting may vote again there.\n")
	return b.String()
}

// ReminderPost is the chat post before a meeting naming, per RFC it votes
// on, the members who have not voted in its GitHub discussion.
func (Texts) ReminderPost(c *alesco.Committee, m alesco.Meeting, awaiting []alesco.Awaiting, page string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s votes on %d RFC%s at its meeting on %s**", c.ShortName, len(awaiting), map[bool]string{true: "", false: "s"}[len(awaiting) == 1], when(m))
	if page != "" {
		b.WriteString(": " + page)
	}
	b.WriteString("\nNot voted yet in the GitHub discussion (a line `/vote +1`, `/vote 0` or `/vote -1` in a comment, or vote at the meeting):\n")
	for _, a := range awaiting {
		names := make([]string, len(a.Members))
		for i, mem := range a.Members {
			names[i] = mem.Name
			if h := mem.ChatHandle(); h != "" {
				names[i] += " (@" + h + ")"
			}
		}
		fmt.Fprintf(&b, "- [#%d %s](%s): %s\n", a.Proposal.Number, a.Proposal.Title, a.Proposal.URL, strings.Join(names, ", "))
	}
	return b.String()
}
