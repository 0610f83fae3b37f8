package notice_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/notice"
)

func TestStatusCommentWords(t *testing.T) {
	c := alescotest.Committee(t)
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	cm := func(id int64, login, body string) alesco.DiscussionComment {
		return alesco.DiscussionComment{ID: id, Author: login, Body: body, URL: "https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-" + string(rune('0'+id)),
			Created: now.Add(time.Duration(id) * time.Minute)}
	}
	d := c.Discussion(16, []alesco.DiscussionComment{cm(1, "ramereth", "/vote -1"), cm(2, "octocat", "/vote +1"),
		cm(3, "jonathanspw", "/concern Mirrors")})
	p := alesco.Proposal{Number: 16, State: alesco.ProposalDiscussion, Tracked: true, Open: true}
	got := notice.Texts{}.StatusComment(c, p, d, alesco.ProposalMoment{Now: now})
	for _, w := range []string{
		"### ALESCo: votes and concerns\n\nThis RFC is in discussion; ALESCo votes on it at a meeting once it enters its final comment period.",
		"Members' votes so far: 0, 0, -1 (0 in favor, 0 abstained, 1 not in favor).",
		"| Lance Albertson | -1 ([comment](https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-1)) |\n",
		"| Neal Gompa | no vote yet |\n",
		"- @octocat: +1 ([comment](https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-2))\n",
		"- [ ] **Mirrors** (raised by Jonathan Wright [here](https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-3))\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("status comment lacks %q:\n%s", w, got)
		}
	}
	// It is never read as commands (and carries alesco's marker besides).
	if cmds := alesco.ParseCommands(got); len(cmds) != 0 {
		t.Errorf("the status comment reads as commands: %+v", cmds)
	}
}

func TestReminderPostWords(t *testing.T) {
	c := alescotest.Committee(t)
	loc, _ := time.LoadLocation("America/New_York")
	m := alesco.Meeting{ID: "alesco-2026-12-03", Start: time.Date(2026, 12, 3, 12, 0, 0, 0, loc), Location: loc}
	lance, _ := c.Member("lance-albertson")
	got := notice.Texts{}.ReminderPost(c, m, []alesco.Awaiting{{Proposal: alesco.Proposal{Number: 17, Title: "RFC: kernels", URL: "https://github.com/AlmaLinux/ALESCo/pull/17"},
		Members: []alesco.Member{*lance}}}, "https://alesco.example.org/alesco/meetings/alesco-2026-12-03")
	want := "**ALESCo votes on 1 RFC at its meeting on Thursday 3 December 2026, 12:00 EST (17:00 UTC)**: https://alesco.example.org/alesco/meetings/alesco-2026-12-03\n" +
		"Not voted yet in the GitHub discussion (a line `/vote +1`, `/vote 0` or `/vote -1` in a comment, or vote at the meeting):\n" +
		"- [#17 RFC: kernels](https://github.com/AlmaLinux/ALESCo/pull/17): Lance Albertson (@ramereth)\n"
	if got != want {
		t.Errorf("reminder:\n%s\nwant:\n%s", got, want)
	}
}

// A crowd's non-binding votes are counted, not listed: the comment stays
// within GitHub's 65,536 characters.
func TestStatusCommentCrowd(t *testing.T) {
	c := alescotest.Committee(t)
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	var cs []alesco.DiscussionComment
	for i := range 5000 {
		cs = append(cs, alesco.DiscussionComment{ID: int64(i + 1), Author: fmt.Sprintf("user%d", i), Body: "/vote -1",
			URL: fmt.Sprintf("https://github.com/AlmaLinux/ALESCo/pull/16#issuecomment-%d", i+1), Created: now})
	}
	p := alesco.Proposal{Number: 16, State: alesco.ProposalFCP, Tracked: true, Open: true}
	got := notice.Texts{}.StatusComment(c, p, c.Discussion(16, cs), alesco.ProposalMoment{Now: now})
	if !strings.Contains(got, "- and 4950 more (0, 0, -4950") || len(got) > 20000 {
		t.Errorf("%d characters:\n%s", len(got), got[len(got)-500:])
	}
}
