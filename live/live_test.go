package live_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
	"github.com/almalinux/alesco/minutes"
)

var (
	chair  = alesco.Principal{Role: alesco.RoleChair, CommitteeID: "alesco", Name: "test chair"}
	member = func(id string) alesco.Principal {
		return alesco.Principal{Role: alesco.RoleMember, CommitteeID: "alesco", MemberID: id, Name: "test " + id}
	}
)

// script runs lines as p and returns the replies; any error fails.
func script(t *testing.T, a *app.App, p alesco.Principal, meetingID, lines string) []string {
	t.Helper()
	ctx := alesco.NewContext(context.Background(), p)
	var replies []string
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		r, err := live.Run(ctx, a, meetingID, l)
		if err != nil {
			t.Fatalf("%s: %v", strings.TrimSpace(l), err)
		}
		replies = append(replies, r)
	}
	return replies
}

// synced is an env whose proposals were synced from the fake GitHub.
func synced(t *testing.T) *alescotest.Env {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	if _, err := env.App.SyncProposals(alescotest.Admin(context.Background()), "alesco"); err != nil {
		t.Fatal(err)
	}
	return env
}

// Replaying a published meeting through the language (attendance, topics,
// notes, the decision) reproduces its wiki file byte for byte.
func TestReplayPublishedMeetings(t *testing.T) {
	replays := map[string]string{
		"2026-07-30": `
#startmeeting
present Andrew Lukoshko, Ben Thomas, Jonathan Wright, Lance Albertson, Neal Gompa
#topic #16
#info No change since the last meeting.
#topic the new RFC replacing the closed [RFC: Add alternative signed newer kernels](https://github.com/AlmaLinux/ALESCo/pull/15)
#info The new RFC is in progress and has not been filed yet.
#topic EPEL possible breaking changes:
#info Discussed the new versioning and stable/stream detection that will be introduced in EPEL 11, and will probably come to EPEL 10 as well. See [Looking back at EPEL 10, and forward to EPEL 11](https://discussion.fedoraproject.org/t/looking-back-at-epel-10-and-forward-to-epel-11/197373).
#topic backporting upstream GCP drivers to the AlmaLinux 9 and 10 kernels:
#info Google requested that the gVNIC drivers be backported to the AlmaLinux 9 and 10 kernels, tracked in [bug 622](https://bugs.almalinux.org/view.php?id=622) for AlmaLinux 9 and [bug 621](https://bugs.almalinux.org/view.php?id=621) for AlmaLinux 10.
#info ALESCo voted unanimously to backport the gVNIC drivers to AlmaLinux 9 and 10.
#agreed Unanimously voted to backport the gVNIC drivers to the AlmaLinux 9 ([bug 622](https://bugs.almalinux.org/view.php?id=622)) and 10 ([bug 621](https://bugs.almalinux.org/view.php?id=621)) kernels.
#endmeeting`,
		"2026-06-04": `
startmeeting
present andrew ben jonathan neal
guest Lance Albertson
topic #16
info Discussion is ongoing in the GitHub PR.
topic #15 RFC: Add alternative signed newer kernels
info Lance Albertson will be the champion to pick up and continue this RFC.
topic adding new ALESCo members:
info ALESCo voted unanimously to appoint Lance Albertson as a new ALESCo member.
agreed Unanimously voted to appoint Lance Albertson as a new ALESCo member.
endmeeting`,
	}
	// History: each is replayed at its own time, whatever the tests' today.
	for date, lines := range replays {
		t.Run(date, func(t *testing.T) {
			env := synced(t)
			d := alescotest.Date(date)
			env.Clock.Set(d.At(12, 5, alescotest.Location("America/New_York")))
			script(t, env.App, chair, "alesco-"+date, lines)
			c, m, err := env.App.GetMinutes(context.Background(), "alesco-"+date)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(alescotest.Path("demo/minutes/" + date + ".md"))
			if err != nil {
				t.Fatal(err)
			}
			if got := minutes.Text(c, m); got != string(want) {
				t.Errorf("replay differs from the wiki's %s.md:\n%s", date, diff(string(want), got))
			}
		})
	}
}

// diff shows the first lines where two texts differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + wl + "\n got " + gl + "\n\ngot:\n" + got
		}
	}
	return ""
}

// Every reply is one line a chair understands; the state between lines
// (topic, agenda position, open motion) lives in the record.
func TestReplies(t *testing.T) {
	env := synced(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	got := script(t, env.App, chair, id, `
startmeeting
present andrew, ben, jonathan
late @ngompa13
absent lance
guest Luna Jernberg
next
info Votes first.
motion Accept RFC 17
vote andrew +1
vote ben -1
vote jonathan +1
vote neal -1
status
decide +1
close
left ben
action neal: Check the kernel builds
action jonathan Draft the next RFC
next
agenda`)
	want := []string{
		"meeting " + id + " started (" + next.Date.String() + "): votes #17, #18; discussion #16; new #19, #20; chair election (the chair's term ran out on 2026-09-12; Andrew Lukoshko cannot stand again: \"the chair cannot serve more than 2 consecutive terms (1 year) as chair\" (charter); they have chaired since 2025-08-20, 2 terms in a row); open floor; type next to take up #17",
		"present: Andrew Lukoshko, Ben Thomas, Jonathan Wright (no quorum: 3 of 5 present, 4 required)",
		"late: Neal Gompa — quorum reached (quorum 4 of 5 present)",
		"absent: Lance Albertson (quorum 4 of 5 present)",
		"guest: Luna Jernberg (quorum 4 of 5 present)",
		"topic: RFC: Add alternative signed newer kernels (#17) (vote: put it with motion TEXT)",
		`noted under "RFC: Add alternative signed newer kernels"`,
		`motion 1 "Accept RFC 17" on #17 is open: vote NAME +1|0|-1, then close (quorum 4 of 5 present)`,
		`motion 1 "Accept RFC 17": +1 0 0 (quorum 4 of 5 present)`,
		`motion 1 "Accept RFC 17": +1 0 -1 (quorum 4 of 5 present)`,
		`motion 1 "Accept RFC 17": +2 0 -1 (quorum 4 of 5 present)`,
		`motion 1 "Accept RFC 17": +2 0 -2 (quorum 4 of 5 present)`,
		id + ` (draft): 4 of 5 members present, 4 required (quorum met); topic "RFC: Add alternative signed newer kernels" (#17); open motion 1 "Accept RFC 17": +2 0 -2 (tied: decide +1|-1); 0 decisions, 0 action items`,
		`motion 1 "Accept RFC 17": +2 0 -2, tie decided +1 by Andrew Lukoshko: type close`,
		`motion 1 "Accept RFC 17" APPROVED: +2 0 -2`,
		"left: Ben Thomas — quorum lost: 3 of 5 present, 4 required; no vote can be taken",
		"action item 1 for Neal Gompa: Check the kernel builds",
		"action item 2 for Jonathan Wright: Draft the next RFC",
		"topic: RFC: Permit the AlmaLinux name on community-built spins (#18) (vote: put it with motion TEXT; board input needed)",
		"agenda: votes #17, #18; discussion #16; new #19, #20; chair election (the chair's term ran out on 2026-09-12; Andrew Lukoshko cannot stand again: \"the chair cannot serve more than 2 consecutive terms (1 year) as chair\" (charter); they have chaired since 2025-08-20, 2 terms in a row); open floor; type next to take up #16",
	}
	if len(got) != len(want) {
		t.Fatalf("%d replies, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reply %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
}

// Errors say what to type instead, with the code a front end shows.
func TestErrorsSayWhatToType(t *testing.T) {
	env := synced(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	script(t, env.App, chair, id, "startmeeting\npresent andrew ben jonathan neal")
	for _, tc := range []struct {
		p          alesco.Principal
		line, code string
		msg        string
	}{
		{chair, "dance", alesco.EINVALID, `unknown command "dance": type help for the commands`},
		{chair, "vote +1", alesco.EINVALID, "whose vote? type vote NAME +1"},
		{chair, "vote neal maybe", alesco.EINVALID, "a vote is +1, 0 or -1: type vote NAME +1"},
		{chair, "close", alesco.EPRECONDITION, "no motion is open: put one with motion TEXT"},
		{chair, "decide 0", alesco.EINVALID, "a deciding vote is +1 or -1: type decide +1 or decide -1"},
		{chair, "present nobody", alesco.ENOTFOUND, `no member "nobody" in ALESCo: name one by id, full name, GitHub login or chat handle`},
		{chair, "topic", alesco.EINVALID, "topic needs more: type topic TEXT"},
		{chair, "next please", alesco.EINVALID, "next takes nothing after it: type next"},
		{chair, "action Build it", alesco.EINVALID, "who owns it? type action NAME TEXT"},
		{chair, "elect andrew", alesco.EPRECONDITION, "Andrew Lukoshko cannot stand again"},
		{chair, "close sideways", alesco.EINVALID, "close what? type close (the votes decide), close tabled or close punted"},
		{member("neal-gompa"), "close", alesco.EFORBIDDEN, "a member token cannot record minutes"},
		{member("neal-gompa"), "present ben", alesco.EFORBIDDEN, "a member token cannot record minutes"},
	} {
		_, err := live.Run(alesco.NewContext(context.Background(), tc.p), env.App, id, tc.line)
		if alesco.ErrorCode(err) != tc.code || !strings.Contains(alesco.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: %v, want %s %q", tc.line, err, tc.code, tc.msg)
		}
	}
	script(t, env.App, chair, id, "motion A tied question\nvote andrew +1\nvote ben -1")
	_, err := live.Run(alesco.NewContext(context.Background(), chair), env.App, id, "close")
	if alesco.ErrorCode(err) != alesco.EPRECONDITION || alesco.ErrorMessage(err) != "motion 1 is tied +1 0 -1: the chair decides with decide +1 or decide -1 (close tied records the tie)" {
		t.Errorf("closing an undecided tie: %v", err)
	}
	if got := script(t, env.App, chair, id, "close tied"); got[0] != `motion 1 "A tied question" TIED: +1 0 -1` {
		t.Errorf("close tied: %q", got)
	}
	if r, err := live.Run(context.Background(), env.App, id, "# a comment"); r != "" || err != nil {
		t.Errorf("a comment: %q, %v", r, err)
	}
	if r, _ := live.Run(context.Background(), env.App, id, "help"); !strings.HasPrefix(r, "commands: ") || strings.Contains(r, "\n") {
		t.Errorf("help: %q", r)
	}
}

// The language keeps no state in memory: a second application on the same
// database (a restarted server, another front end) continues the meeting.
func TestStateLivesInTheRecord(t *testing.T) {
	env := synced(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	script(t, env.App, chair, id, "startmeeting\npresent andrew ben jonathan neal\nnext\nmotion Accept RFC 17")
	other, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: env.DB, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	got := script(t, other, member("neal-gompa"), id, "vote +1")
	if want := `motion 1 "Accept RFC 17": +1 0 0 (quorum 4 of 5 present)`; got[0] != want {
		t.Errorf("a member's own vote on the other app: %q, want %q", got[0], want)
	}
	got = script(t, other, chair, id, "info Neal is for it.\nnext")
	if got[0] != `noted under "RFC: Add alternative signed newer kernels"` || !strings.Contains(got[1], "#18") {
		t.Errorf("topic and agenda position carried over: %q", got)
	}
}

// BenchmarkRunCommand: one vote through the language (parse, one write
// transaction, the reply's read) and one status (a read).
func BenchmarkRunCommand(b *testing.B) {
	env := alescotest.New(b)
	next := alescotest.NextMeeting(b)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	ctx := alesco.NewContext(context.Background(), chair)
	for _, l := range []string{"startmeeting", "present andrew ben jonathan neal", "topic #16", "motion Adopt it"} {
		if _, err := live.Run(ctx, env.App, id, l); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("vote", func(b *testing.B) {
		lines := []string{"vote neal +1", "vote neal -1"}
		for i := 0; b.Loop(); i++ {
			if _, err := live.Run(ctx, env.App, id, lines[i%2]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("status", func(b *testing.B) {
		for b.Loop() {
			if _, err := live.Run(ctx, env.App, id, "status"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A meeting ended with `endmeeting` tells the world what it decided, as
// FinalizeMinutes does: the outcome comment on the RFC's pull request, the
// wiki's minutes pull request and the chat post are queued with it.
func TestEndMeetingPublishes(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack())
	ctx := alescotest.Admin(context.Background())
	if _, err := env.App.SyncProposals(ctx, "alesco"); err != nil {
		t.Fatal(err)
	}
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 5))
	script(t, env.App, chair, next.ID, `
startmeeting
present andrew-lukoshko, ben-thomas, jonathan-wright, neal-gompa
topic #17
motion Accept RFC 0007
vote andrew-lukoshko +1
vote ben-thomas +1
vote jonathan-wright +1
vote neal-gompa -1
close
endmeeting`)
	items, err := env.App.Outbox(ctx, alesco.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range items {
		kinds = append(kinds, string(it.Kind)+" "+it.Key)
	}
	joined := strings.Join(kinds, "\n")
	for _, want := range []string{"github.comment github:outcome:" + next.ID + ":17", "wiki.minutes wiki:minutes:" + next.ID} {
		if !strings.Contains(joined, want) {
			t.Errorf("after endmeeting the outbox lacks %q:\n%s", want, joined)
		}
	}
}
