package agenda

import (
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

// AsyncVote is a member's vote from an RFC's GitHub discussion, as the
// agenda lists it.
type AsyncVote struct {
	MemberID string           `json:"member_id"`
	Member   string           `json:"member"`
	Value    alesco.VoteValue `json:"value"`
	URL      string           `json:"url"`
}

// Concern is an open concern from an RFC's discussion.
type Concern struct {
	Text   string `json:"text"`
	Member string `json:"member"`
	URL    string `json:"url"`
}

// Discuss adds, to each RFC up for a vote, the async tally and the open
// concerns of its GitHub discussion (by pull request number).
func (a *Agenda) Discuss(ds map[int]alesco.Discussion) {
	for i := range a.Votes {
		it := &a.Votes[i]
		d, ok := ds[it.Number]
		if !ok {
			continue
		}
		it.AsyncVotes, it.Concerns = nil, nil
		for _, v := range d.Votes {
			it.AsyncVotes = append(it.AsyncVotes, AsyncVote{MemberID: v.MemberID, Member: v.MemberName, Value: v.Value, URL: v.URL})
		}
		for _, c := range d.OpenConcerns() {
			it.Concerns = append(it.Concerns, Concern{Text: c.Text, Member: c.MemberName, URL: c.URL})
		}
	}
}

// AsyncTally counts an item's async votes.
func (it Item) AsyncTally() alesco.Tally {
	votes := make([]alesco.Vote, len(it.AsyncVotes))
	for i, v := range it.AsyncVotes {
		votes[i].Value = v.Value
	}
	return alesco.TallyOf(votes)
}

// writeDiscussed writes an RFC's async votes and open concerns.
func writeDiscussed(b *strings.Builder, it Item) {
	if len(it.AsyncVotes) > 0 {
		names := make([]string, len(it.AsyncVotes))
		for i, v := range it.AsyncVotes {
			names[i] = fmt.Sprintf("[%s %s](%s)", md(v.Member), v.Value, v.URL)
		}
		fmt.Fprintf(b, "- Async votes in the GitHub discussion: %s (%s).\n", it.AsyncTally(), strings.Join(names, ", "))
	}
	for _, c := range it.Concerns {
		fmt.Fprintf(b, "- **Open concern:** %s ([%s](%s))\n", md(c.Text), md(c.Member), c.URL)
	}
}
