package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
)

// TestDiscussionDuringMotion: while the meeting votes on an RFC, the
// members who vote, change or withdraw a vote in its GitHub discussion are
// counted as they now stand, and the live record's watchers see it; votes
// cast in the meeting, and an async vote the chair recorded from a comment
// of their own, stay.
func TestDiscussionDuringMotion(t *testing.T) {
	t.Parallel()
	env := discussionEnv(t)
	fake := env.GitHub
	lance := env.say(16, "ramereth", "/vote +1")

	env.Clock.Set(alescotest.DuringDecisionMeeting)
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Role: alesco.RoleChair, CommitteeID: "alesco", Name: "test chair"})
	id := alescotest.DecisionMeeting
	for _, l := range []string{"#startmeeting", "present Andrew Lukoshko, Ben Thomas, Lance Albertson, Neal Gompa", "#topic #16", "motion Accept RFC 16"} {
		if _, err := live.Run(ctx, env.App, id, l); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	w, err := env.App.Watch(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	<-w.Ready()
	motion := func() alesco.Motion {
		t.Helper()
		_, m, err := env.App.GetMinutes(context.Background(), id)
		if err != nil || len(m.Motions) != 1 {
			t.Fatalf("minutes: %v", err)
		}
		return m.Motions[0]
	}
	votes := func(mo alesco.Motion) map[string]alesco.Vote {
		out := map[string]alesco.Vote{}
		for _, v := range mo.Votes {
			out[v.MemberName] = v
		}
		return out
	}

	// Jonathan, absent, votes on GitHub while the motion is open: the
	// motion counts it, and the watchers of the record see it.
	jonathan := env.say(16, "jonathanspw", "/vote -1")
	waitFor(t, w, func(m *alesco.Minutes) bool {
		v, ok := votes(m.Motions[0])["Jonathan Wright"]
		return ok && v.Value == alesco.VoteNo
	})
	if v := votes(motion())["Jonathan Wright"]; v.Source != alesco.VoteAsync || v.ReferenceURL != jonathan.HTMLURL {
		t.Fatalf("Jonathan's vote: %+v, want async -1 linking %s", v, jonathan.HTMLURL)
	}

	// Lance changes his vote: it changes in place (the order of first casting).
	lance = fake.EditComment(rfcRepo, lance.ID, "/vote 0")
	env.commentHook(16, lance, "edited")
	if mo := motion(); mo.Votes[0].MemberName != "Lance Albertson" || mo.Votes[0].Value != alesco.VoteAbstain || mo.Votes[0].ReferenceURL != lance.HTMLURL {
		t.Fatalf("Lance's vote after his edit: %+v", mo.Votes)
	}

	// Neal votes in the meeting, then otherwise on GitHub: the meeting's vote stays.
	if _, err := live.Run(ctx, env.App, id, "vote Neal Gompa +1"); err != nil {
		t.Fatal(err)
	}
	env.say(16, "Conan-Kudo", "/vote -1")
	// Andrew's support, said in a comment without a command, is recorded by the chair.
	andrew := env.say(16, "andrewlukoshko", "I support this.")
	if _, err := env.App.CastVote(ctx, app.VoteRequest{MeetingID: id, MemberID: "andrew-lukoshko", Value: alesco.VoteYes,
		Source: alesco.VoteAsync, ReferenceURL: andrew.HTMLURL}); err != nil {
		t.Fatal(err)
	}
	// Jonathan withdraws his vote.
	fake.DeleteComment(rfcRepo, jonathan.ID)
	env.commentHook(16, jonathan, "deleted")
	// A sync that reads the same discussion changes nothing more.
	env.mustSync()

	got := votes(motion())
	if _, ok := got["Jonathan Wright"]; ok {
		t.Errorf("Jonathan's withdrawn vote is still counted: %+v", got)
	}
	if v := got["Neal Gompa"]; v.Source != alesco.VoteLive || v.Value != alesco.VoteYes {
		t.Errorf("Neal's vote in the meeting: %+v, want live +1", v)
	}
	if v := got["Andrew Lukoshko"]; v.Source != alesco.VoteAsync || v.Value != alesco.VoteYes || v.ReferenceURL != andrew.HTMLURL {
		t.Errorf("the chair's async vote for Andrew: %+v", v)
	}
	if _, err := live.Run(ctx, env.App, id, "vote Ben Thomas +1"); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Run(ctx, env.App, id, "close"); err != nil {
		t.Fatal(err)
	}
	mo := motion()
	if tl := mo.Tally(); tl.Yes != 3 || tl.Abstain != 1 || tl.No != 0 || mo.Outcome != alesco.OutcomePassed {
		t.Fatalf("closed: %+v %v, want +3, 1, 0 passed (Lance 0 async, Neal, Andrew, Ben +1)", tl, mo.Outcome)
	}
	// Closed: a vote on GitHub no longer changes the motion.
	env.say(16, "jonathanspw", "/vote -1")
	if after := motion(); len(after.Votes) != len(mo.Votes) {
		t.Errorf("a vote after the motion closed went into it: %+v", after.Votes)
	}
}

// waitFor reads the watcher's snapshots until ok holds of one (or fails
// the test after a deadline well past any write).
func waitFor(t *testing.T, w *app.Watcher, ok func(*alesco.Minutes) bool) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case <-w.Ready():
			if s := w.Latest(); len(s.Minutes.Motions) > 0 && ok(s.Minutes) {
				return
			}
		case <-deadline.C:
			t.Fatal("the record's watchers never saw the change")
		}
	}
}
