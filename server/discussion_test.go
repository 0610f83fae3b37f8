package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
)

const rfcRepo = "AlmaLinux/ALESCo"

// discussionEnv is an env with write-back on, synced, with #16 in FCP (the
// recorded label webhook).
func discussionEnv(t *testing.T) *rfcEnv {
	t.Helper()
	env := &rfcEnv{Env: alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack()), t: t}
	env.chair = env.Token(alesco.RoleChair, "alesco", "")
	env.mustSync()
	body := alescotest.LabelWebhook(env.Now())
	if code := env.deliver("pull_request", "delivery-16", alescotest.Sign(alescotest.WebhookSecret, body), body); code != 200 {
		t.Fatalf("label webhook: %d", code)
	}
	deliverGitHub(t, env)
	return env
}

// say posts a comment by login on #n and delivers its signed webhook
// (created); it returns the comment.
func (e *rfcEnv) say(n int, login, body string) githubtest.Comment {
	e.t.Helper()
	c := e.GitHub.AddCommentBy(rfcRepo, n, login, body)
	e.commentHook(n, c, "created")
	return c
}

// deliveries numbers the webhook deliveries of every test (they run in
// parallel): each has an id of its own.
var deliveries atomic.Int64

// commentHook delivers a signed issue_comment webhook about c.
func (e *rfcEnv) commentHook(n int, c githubtest.Comment, action string) {
	e.t.Helper()
	d := deliveries.Add(1)
	payload := e.GitHub.CommentEvent(rfcRepo, n, c, action)
	id := fmt.Sprintf("comment-%d-%s-%d", c.ID, action, d)
	if code := e.deliver("issue_comment", id, alescotest.Sign(alescotest.WebhookSecret, payload), payload); code != 200 {
		e.t.Fatalf("issue_comment %s of %d: %d", action, c.ID, code)
	}
}

// statusComments returns the status comments on #n.
func statusComments(fake *githubtest.Server, n int) []githubtest.Comment {
	return marked(fake, n, fmt.Sprintf("github:status:alesco:%d", n))
}

// TestDiscussionDecidesBetweenMeetings is the issue's "done when": against
// the fake GitHub, members vote in #16's discussion (one edits, one
// withdraws by deleting, one's webhook is missed and the sync catches it),
// a former member and a stranger vote too, one concern is raised and
// stays open, another is raised and resolved. One status comment shows it
// all; the agenda shows the open concern only; the meeting's motion on
// #16 opens with the members' async votes and their links, a present
// member's live vote replaces theirs, and the minutes say who voted async.
func TestDiscussionDecidesBetweenMeetings(t *testing.T) {
	t.Parallel()
	env := discussionEnv(t)
	fake := env.GitHub
	// #16 went into FCP: its status comment is there before anyone votes.
	if status := statusComments(fake, 16); len(status) != 1 || !strings.Contains(status[0].Body, "no vote yet") {
		t.Fatalf("status comments on #16 as it went into FCP: %+v", status)
	}
	lance := env.say(16, "ramereth", "Looks good.\n\n/vote +1")
	neal := env.say(16, "Conan-Kudo", "/VOTE -1")
	jonathan := env.say(16, "jonathanspw", "/vote 0")
	env.say(16, "codyro", "/vote +1")  // a former member: non-binding
	env.say(16, "octocat", "/vote no") // a stranger: non-binding
	env.say(16, "andrewlukoshko", "/concern Needs a rollback plan")
	env.say(16, "andrewlukoshko", "The plan is in section 4 now.\n/resolve needs a ROLLBACK plan")
	// Neal changes his mind; Jonathan withdraws.
	neal = fake.EditComment(rfcRepo, neal.ID, "Convinced.\n/vote yes")
	env.commentHook(16, neal, "edited")
	fake.DeleteComment(rfcRepo, jonathan.ID)
	env.commentHook(16, jonathan, "deleted")
	// Jonathan's concern comes in a review whose webhook is lost: the sync
	// reads it.
	review := fake.AddReview(rfcRepo, 16, "jonathanspw", "```\n/vote -1\n```\n> /vote -1\n/concern Signing keys are not documented")
	deliverGitHub(t, env)
	env.mustSync()
	deliverGitHub(t, env)

	status := statusComments(fake, 16)
	if len(status) != 1 {
		t.Fatalf("%d status comments on #16, want 1: %+v", len(status), status)
	}
	for _, w := range []string{
		"Members' votes so far: +2, 0, 0",
		"| Lance Albertson | +1 ([comment](" + lance.HTMLURL + ")) |",
		"| Neal Gompa | +1 ([comment](" + neal.HTMLURL + ")) |",
		"| Jonathan Wright | no vote yet |", "| Andrew Lukoshko | no vote yet |", "| Ben Thomas | no vote yet |",
		"- Cody Robertson: +1", "- @octocat: -1",
		"- [x] ~~Needs a rollback plan~~ (raised by Andrew Lukoshko",
		"- [ ] **Signing keys are not documented** (raised by Jonathan Wright [here](" + review.HTMLURL + "))",
		"will vote on this RFC at its meeting on",
	} {
		if !strings.Contains(status[0].Body, w) {
			t.Errorf("status comment lacks %q:\n%s", w, status[0].Body)
		}
	}
	if strings.Contains(status[0].Body, "Cody Robertson | ") {
		t.Errorf("a former member is listed as a member:\n%s", status[0].Body)
	}

	// The next agenda: the async tally and the open concern only.
	ag, err := env.App.Agenda(context.Background(), "next", "alesco")
	if err != nil {
		t.Fatal(err)
	}
	text := ag.Markdown()
	for _, w := range []string{
		"- Async votes in the GitHub discussion: +2, 0, 0 (2 in favor, 0 abstained, 0 not in favor) ([Lance Albertson +1](" + lance.HTMLURL + "), [Neal Gompa +1](" + neal.HTMLURL + ")).",
		"- **Open concern:** Signing keys are not documented ([Jonathan Wright](" + review.HTMLURL + "))",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("agenda lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "rollback") {
		t.Errorf("the agenda lists a resolved concern:\n%s", text)
	}

	// The API: GetProposal and ListProposals carry the votes and concerns.
	pc := v1.NewProposalServiceClient(env.Client, env.URL)
	got, err := pc.GetProposal(context.Background(), connect.NewRequest(&alescov1.GetProposalRequest{CommitteeId: "alesco", Number: 16}))
	if err != nil {
		t.Fatal(err)
	}
	var votes, concerns []string
	for _, v := range got.Msg.Proposal.AsyncVotes {
		votes = append(votes, fmt.Sprintf("%s/%s %s %v", v.Login, v.MemberId, v.Value, v.Binding))
	}
	for _, c := range got.Msg.Proposal.Concerns {
		concerns = append(concerns, fmt.Sprintf("%s %v", c.Text, c.Resolved))
	}
	if want := []string{"ramereth/lance-albertson VOTE_VALUE_YES true", "Conan-Kudo/neal-gompa VOTE_VALUE_YES true",
		"codyro/ VOTE_VALUE_YES false", "octocat/ VOTE_VALUE_NO false"}; !slices.Equal(votes, want) {
		t.Errorf("GetProposal's async votes %q, want %q", votes, want)
	}
	if want := []string{"Needs a rollback plan true", "Signing keys are not documented false"}; !slices.Equal(concerns, want) {
		t.Errorf("GetProposal's concerns %q, want %q", concerns, want)
	}
	list, err := pc.ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco",
		States: []alescov1.ProposalState{alescov1.ProposalState_PROPOSAL_STATE_FCP}}))
	if err != nil || len(list.Msg.Proposals) == 0 {
		t.Fatalf("ListProposals: %v", err)
	}
	for _, p := range list.Msg.Proposals {
		if p.Number == 16 && (len(p.AsyncVotes) != 4 || len(p.Concerns) != 2) {
			t.Errorf("ListProposals' #16: %d votes, %d concerns", len(p.AsyncVotes), len(p.Concerns))
		}
	}

	// The pages: the proposals page shows the tally and the open concern;
	// a member's page what awaits their vote.
	for _, pg := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/alesco/proposals", 200, []string{"Async votes in the GitHub discussion: &#43;2, 0, 0", `<a href="` + lance.HTMLURL + `">Lance Albertson &#43;1</a>`,
			`open concern</span> <a href="` + review.HTMLURL + `">Signing keys are not documented</a>`, "Non-binding: "}},
		{"/alesco/members/jonathan-wright", 200, []string{"Awaiting Jonathan Wright's vote", "#16</a>", "Open concerns raised", "Signing keys are not documented"}},
		{"/alesco/members/lance-albertson", 200, []string{"Voted in the GitHub discussion", `<a href="` + lance.HTMLURL + `">&#43;1</a>`}},
		{"/alesco/members/cody-robertson", 200, []string{"Not on the ALESCo roster today"}},
		{"/alesco/members/no-such-member", 404, []string{"ALESCo has no member no-such-member."}},
	} {
		f := env.Fetch("GET", pg.path)
		if f.Status != pg.status {
			t.Errorf("%s: %d, want %d", pg.path, f.Status, pg.status)
		}
		for _, w := range pg.want {
			if !strings.Contains(string(f.Body), w) {
				t.Errorf("%s lacks %q", pg.path, w)

			}
		}
	}

	// Bad input: ignored, the status comment unchanged, no edit queued.
	before := fake.Writes()
	for _, bad := range []struct{ login, body string }{
		{"ramereth", "/vote 2"}, {"ramereth", "/vote"}, {"Conan-Kudo", "/resolve Signing keys are not documented"},
		{"nobody-at-all", "/concern a stranger's concern"},
	} {
		env.say(16, bad.login, bad.body)
	}
	// A vote on an RFC not in discussion or FCP (submitted, or decided).
	ps, _, err := env.App.ListProposals(context.Background(), "alesco")
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	for _, p := range ps {
		if !alesco.DiscussionOpen(p) {
			closed = p.Number
			break
		}
	}
	if closed == 0 {
		t.Fatal("no proposal outside discussion and FCP in the snapshot")
	}
	env.say(closed, "ramereth", "/vote -1")
	deliverGitHub(t, env)
	if after := fake.Writes(); len(after) != len(before) {
		for _, w := range after[len(before):] {
			t.Errorf("bad input wrote to GitHub: %s %s", w.Method, w.Path)
		}
	}

	// The meeting: a motion on #16 opens with the two async votes; Neal,
	// present, votes again live.
	env.Clock.Set(alescotest.DuringDecisionMeeting)
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Role: alesco.RoleChair, CommitteeID: "alesco", Name: "test chair"})
	id := alescotest.DecisionMeeting
	var replies []string
	for _, l := range []string{"#startmeeting", "present Andrew Lukoshko, Ben Thomas, Jonathan Wright, Neal Gompa", "#topic #16",
		"motion Accept RFC 16", "vote Neal Gompa -1", "vote Andrew Lukoshko +1", "vote Ben Thomas +1", "vote Jonathan Wright 0", "close"} {
		r, err := live.Run(ctx, env.App, id, l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		replies = append(replies, r)
	}
	if want := `is open: 2 async votes (Lance Albertson +1, Neal Gompa +1); vote NAME`; !strings.Contains(replies[3], want) {
		t.Errorf("motion reply %q lacks %q", replies[3], want)
	}
	_, m, err := env.App.FinalizeMinutes(alescotest.Admin(context.Background()), id, []string{"Andrew Lukoshko"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mo := m.Motions[0]
	if got := mo.Tally().String(); !strings.HasPrefix(got, "+3, 1, -1") {
		t.Errorf("tally %s, want +3, 1, -1 (Lance async +1, Neal live -1)", got)
	}
	for _, w := range []string{
		"Lance Albertson voted +1 async in [the GitHub discussion](" + lance.HTMLURL + ")",
		"Neal Gompa voted -1\n",
	} {
		if !strings.Contains(m.Markdown, w) {
			t.Errorf("minutes lack %q:\n%s", w, m.Markdown)
		}
	}
	// After the decision: a vote is acknowledged, not counted.
	deliverGitHub(t, env)
	env.say(16, "andrewlukoshko", "/vote -1")
	deliverGitHub(t, env)
	if s := statusComments(fake, 16); len(s) != 1 || strings.Contains(s[0].Body, "| Andrew Lukoshko | -1") {
		t.Errorf("a vote after the decision was counted: %+v", s)
	}
}

// deliverGitHub runs the outbox worker's pass (mail, unconfigured here,
// waits) and checks no GitHub effect is left.
func deliverGitHub(t *testing.T, env *rfcEnv) {
	t.Helper()
	ctx := context.Background()
	if err := env.App.AnnounceMeetings(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.DeliverOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	left, err := env.App.Outbox(ctx, alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending, alesco.OutboxParked}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range left {
		if it.Kind != alesco.EffectMail {
			t.Fatalf("outbox not empty after a pass: %+v", it)
		}
	}
}

// TestDiscussionBurst: 1,000 comments within a minute, by signed webhooks:
// every member's last vote counts, and the outbox makes one status comment
// in its round, then one edit for the next burst.
func TestDiscussionBurst(t *testing.T) {
	t.Parallel()
	env := discussionEnv(t)
	fake := env.GitHub
	logins := []string{"andrewlukoshko", "jonathanspw", "ramereth", "Conan-Kudo", "octocat", "codyro"}
	values := []string{"+1", "0", "-1", "yes", "abstain", "no", "2"}
	last := map[string]string{}
	start := env.Now()
	for i := range 1000 {
		env.Clock.Set(start.Add(time.Duration(i) * 60 * time.Millisecond))
		login, v := logins[i%len(logins)], values[(i/len(logins))%len(values)]
		env.say(16, login, "/vote "+v)
		if v != "2" {
			last[login] = map[string]string{"yes": "+1", "abstain": "0", "no": "-1"}[v]
			if last[login] == "" {
				last[login] = v
			}
		}
	}
	before := len(fake.Writes())
	deliverGitHub(t, env)
	writes := fake.Writes()[before:]
	// The status comment exists since #16 went into FCP: the whole burst
	// is one edit of it.
	if len(writes) != 1 || writes[0].Method != "PATCH" || !strings.Contains(writes[0].Body, "alesco:github:status:alesco:16") {
		t.Fatalf("status writes after the burst: %+v, want one edit of the status comment", writes)
	}
	status := statusComments(fake, 16)
	for _, w := range []string{
		"| Andrew Lukoshko | " + last["andrewlukoshko"] + " ", "| Jonathan Wright | " + last["jonathanspw"] + " ",
		"| Lance Albertson | " + last["ramereth"] + " ", "| Neal Gompa | " + last["Conan-Kudo"] + " ",
		"- @octocat: " + last["octocat"] + " ", "- Cody Robertson: " + last["codyro"] + " ", "| Ben Thomas | no vote yet |",
	} {
		if len(status) != 1 || !strings.Contains(status[0].Body, w) {
			t.Fatalf("status comment lacks %q: %+v", w, status)
		}
	}
	// The next burst: one edit.
	for i, v := range []string{"-1", "0", "+1"} {
		env.Clock.Set(start.Add(time.Minute + time.Duration(i)*time.Second))
		env.say(16, "ramereth", "/vote "+v)
	}
	before = len(fake.Writes())
	deliverGitHub(t, env)
	if writes := fake.Writes()[before:]; len(writes) != 1 || writes[0].Method != "PATCH" {
		t.Fatalf("writes after the second burst: %+v, want one edit", writes)
	}
	if s := statusComments(fake, 16); len(s) != 1 || !strings.Contains(s[0].Body, "| Lance Albertson | +1 ") {
		t.Fatalf("status after the second burst: %+v", s)
	}
}

// TestVoteReminders: ReminderBefore (48 hours) a meeting, one chat post
// names, per RFC in FCP, the members who have not voted on it; a member's
// /vote takes them off; the clock asking again posts nothing more.
func TestVoteReminders(t *testing.T) {
	t.Parallel()
	env := discussionEnv(t)
	var m alescotest.Meeting
	for _, mt := range alescotest.Meetings(t, 3) {
		if mt.Start.Add(-49 * time.Hour).After(env.Now()) {
			m = mt
			break
		}
	}
	env.say(16, "ramereth", "/vote +1")
	reminders := func() []string {
		var out []string
		for _, p := range env.Chat.Posts() {
			if strings.Contains(p.Text, "Not voted yet") {
				out = append(out, p.Text)
			}
		}
		return out
	}
	env.Clock.Set(m.Start.Add(-49 * time.Hour))
	deliverGitHub(t, env)
	if r := reminders(); len(r) != 0 {
		t.Fatalf("a reminder 49 hours ahead: %q", r)
	}
	env.Clock.Set(m.Start.Add(-47 * time.Hour))
	deliverGitHub(t, env)
	env.Clock.Set(m.Start.Add(-46 * time.Hour))
	deliverGitHub(t, env)
	r := reminders()
	if len(r) != 1 {
		t.Fatalf("%d reminders, want 1: %q", len(r), r)
	}
	var line16 string
	for _, l := range strings.Split(r[0], "\n") {
		if strings.HasPrefix(l, "- [#16 ") {
			line16 = l
		}
	}
	if !strings.Contains(line16, "Andrew Lukoshko (@alukoshko), Ben Thomas (@b.a.thomas), Jonathan Wright (@jonathan), Neal Gompa (@ngompa13)") ||
		strings.Contains(line16, "Lance") {
		t.Errorf("the reminder's line for #16 %q (Lance voted):\n%s", line16, r[0])
	}
	if !strings.Contains(r[0], "https://alesco.example.org/alesco/meetings/"+m.ID) {
		t.Errorf("the reminder lacks the meeting's page:\n%s", r[0])
	}
}

// TestDiscussionWebhooks: comment and review deliveries are verified like
// pull_request ones (unsigned or forged: 401; a redelivery changes
// nothing), a review's commands count, a comment on a plain issue is
// ignored, and the status comment follows the RFC from discussion into
// FCP (the meeting that votes on it).
func TestDiscussionWebhooks(t *testing.T) {
	t.Parallel()
	env := &rfcEnv{Env: alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack()), t: t}
	env.chair = env.Token(alesco.RoleChair, "alesco", "")
	env.mustSync()
	fake := env.GitHub
	c := fake.AddCommentBy(rfcRepo, 16, "ramereth", "/vote +1")
	payload := fake.CommentEvent(rfcRepo, 16, c, "created")
	for _, sig := range []string{"", alescotest.Sign("not the secret", payload), "sha256=00"} {
		if code := env.deliver("issue_comment", "forged-1", sig, payload); code != 401 {
			t.Errorf("issue_comment signed %q: %d, want 401", sig, code)
		}
	}
	sig := alescotest.Sign(alescotest.WebhookSecret, payload)
	for i := range 2 {
		if code := env.deliver("issue_comment", "comment-once", sig, payload); code != 200 {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	if code := env.deliver("issue_comment", "", sig, payload); code != 400 {
		t.Errorf("without a delivery id: %d, want 400", code)
	}
	// A comment on an issue (no pull_request in the payload) is ignored.
	var issue map[string]any
	if err := json.Unmarshal(payload, &issue); err != nil {
		t.Fatal(err)
	}
	delete(issue["issue"].(map[string]any), "pull_request")
	plain, _ := json.Marshal(issue)
	if code := env.deliver("issue_comment", "on-an-issue", alescotest.Sign(alescotest.WebhookSecret, plain), plain); code != 202 {
		t.Errorf("a comment on an issue: %d, want 202", code)
	}
	r := fake.AddReview(rfcRepo, 16, "Conan-Kudo", "LGTM\n\n/vote -1")
	review := fake.ReviewEvent(rfcRepo, 16, r, "submitted")
	if code := env.deliver("pull_request_review", "review-1", alescotest.Sign(alescotest.WebhookSecret, review), review); code != 200 {
		t.Fatalf("review: %d", code)
	}
	r = fake.EditComment(rfcRepo, r.ID, "LGTM\n\n/vote +1")
	review = fake.ReviewEvent(rfcRepo, 16, r, "edited")
	if code := env.deliver("pull_request_review", "review-2", alescotest.Sign(alescotest.WebhookSecret, review), review); code != 200 {
		t.Fatalf("review edited: %d", code)
	}
	deliverGitHub(t, env)
	s := statusComments(fake, 16)
	if len(s) != 1 || !strings.Contains(s[0].Body, "This RFC is in discussion") || !strings.Contains(s[0].Body, "| Neal Gompa | +1 ([comment]("+r.HTMLURL+")) |") ||
		!strings.Contains(s[0].Body, "| Lance Albertson | +1 ") {
		t.Fatalf("status comment: %+v", s)
	}
	// #16 enters FCP: the same comment now names the meeting.
	body := alescotest.LabelWebhook(env.Now())
	if code := env.deliver("pull_request", "delivery-16", alescotest.Sign(alescotest.WebhookSecret, body), body); code != 200 {
		t.Fatalf("label webhook: %d", code)
	}
	deliverGitHub(t, env)
	if s := statusComments(fake, 16); len(s) != 1 || !strings.Contains(s[0].Body, "ALESCo will vote on this RFC at its meeting on") || !s[0].Edited {
		t.Fatalf("status comment after FCP: %+v", s)
	}
}
