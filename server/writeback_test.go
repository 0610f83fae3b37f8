package server_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/chattest"
	"github.com/almalinux/alesco/internal/smtptest"
)

// marked returns the comments on a pull request that carry alesco's
// marker for key.
func marked(fake *githubtest.Server, number int, key string) []githubtest.Comment {
	var out []githubtest.Comment
	for _, c := range fake.Comments("AlmaLinux/ALESCo", number) {
		if strings.Contains(c.Body, alesco.Marker(key)) {
			out = append(out, c)
		}
	}
	return out
}

// deliverAll runs the outbox worker's pass and checks nothing is left.
func deliverAll(t *testing.T, env *alescotest.Env) int {
	t.Helper()
	ctx := context.Background()
	if err := env.App.AnnounceMeetings(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := env.App.DeliverOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	left, err := env.App.Outbox(ctx, alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending, alesco.OutboxParked}})
	if err != nil || len(left) > 0 {
		t.Fatalf("outbox not empty after a pass: %+v %v", left, err)
	}
	return n
}

// TestDecisionsFlowBack is the acceptance scenario. Before the
// meeting: #16 enters FCP (a signed webhook) and #19, which needs board
// input, is accepted for discussion (seen by a sync); the agenda is posted
// a day ahead and "starting now" at the start. The meeting accepts #17 and
// rejects #18 and its minutes are finalized. Then GitHub, the wiki, chat
// and the board have heard each thing once; an amendment edits the same
// comments and updates the same wiki pull request; nothing happens twice.
func TestDecisionsFlowBack(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	env := &rfcEnv{Env: alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack(),
		alescotest.WithMail(smtp.URL("alesco@alesco.example.org"))), t: t}
	env.chair = env.Token(alesco.RoleChair, "alesco", "")
	fake, ctx := env.GitHub, context.Background()
	// 2026-12-03 and 12-17 on the default today.
	ms := alescotest.Meetings(t, 2)
	id, day := ms[0].ID, ms[0].Date.String()
	// The meeting as people read it: "Thursday 3 December 2026, 12:00 EST
	// (17:00 UTC)" on the default today.
	when := ms[0].Start.In(alescotest.NewYork).Format("Monday 2 January 2006, 15:04 MST") + " (" + ms[0].Start.UTC().Format("15:04") + " UTC)"

	// The first sync announces nothing: it only learns what GitHub holds.
	env.mustSync()
	if items, _ := env.App.Outbox(ctx, alesco.OutboxFilter{}); len(items) != 0 {
		t.Fatalf("the first sync queued %d effects", len(items))
	}
	// #16 enters FCP (the recorded webhook delivery, sent now).
	body := alescotest.LabelWebhook(env.Now())
	if code := env.deliver("pull_request", "delivery-16", alescotest.Sign(alescotest.WebhookSecret, body), body); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	// #19 is accepted for discussion, and needs board input.
	fake.UpdatePull(19, func(pr map[string]any) {
		pr["labels"] = []any{map[string]any{"id": 1, "name": "accepted for discussion"}, map[string]any{"id": 2, "name": "board input required"}}
	})
	env.mustSync()
	deliverAll(t, env.Env)

	fcp := marked(fake, 16, "github:fcp:alesco:16:"+id)
	if len(fcp) != 1 || !strings.Contains(fcp[0].Body, "at its meeting on "+when+": https://alesco.example.org/alesco/meetings/"+id) {
		t.Fatalf("FCP comment on #16: %+v", fcp)
	}
	disc := marked(fake, 19, "github:discussion:alesco:19")
	if len(disc) != 1 || !strings.Contains(disc[0].Body, "The next free RFC number is **0009**: rename `rfcs/0000-zstd-payloads.md` to `rfcs/0009-zstd-payloads.md`") {
		t.Fatalf("discussion comment on #19: %+v", disc)
	}
	if got := fake.RequestedReviewers("AlmaLinux/ALESCo", 19); !slices.Equal(got, []string{"bennyvasquez"}) {
		t.Fatalf("reviewers of #19: %q", got)
	}

	// A day before the meeting its agenda is posted; at its start, "starting now".
	// (When the tests' today is the meeting's day, now is a few hours before
	// it, and the agenda went out at once.)
	lead := "24 hours"
	if dayBefore := ms[0].Start.Add(-23*time.Hour - 30*time.Minute); dayBefore.After(env.Now()) {
		env.Clock.Set(dayBefore)
	} else {
		lead = strconv.Itoa(int(ms[0].Start.Sub(env.Now()).Round(time.Hour)/time.Hour)) + " hours"
	}
	deliverAll(t, env.Env)
	env.Clock.Set(ms[0].Start.Add(30 * time.Second))
	deliverAll(t, env.Env)

	env.Clock.Set(alescotest.DuringDecisionMeeting)
	alescotest.DecideRFCs(t, env.Client, env.URL, env.chair)
	before := len(fake.Writes())
	deliverAll(t, env.Env)

	// GitHub: one comment on each decided RFC, the labels changed.
	accepted := marked(fake, 17, "github:outcome:"+id+":17")
	rejected := marked(fake, 18, "github:outcome:"+id+":18")
	if len(accepted) != 1 || len(rejected) != 1 {
		t.Fatalf("outcome comments: #17 %d, #18 %d", len(accepted), len(rejected))
	}
	for _, w := range []string{"RFC accepted", "**APPROVED**, +4, 0, -1 (4 in favor, 0 abstained, 1 not in favor)", "| Neal Gompa | +1 |",
		"| Lance Albertson | -1 (async, [where](https://github.com/AlmaLinux/ALESCo/pull/17#issuecomment-1)) |",
		"Minutes: https://alesco.example.org/alesco/meetings/" + id + "\n"} {
		if !strings.Contains(accepted[0].Body, w) {
			t.Errorf("comment on #17 lacks %q:\n%s", w, accepted[0].Body)
		}
	}
	if !strings.Contains(rejected[0].Body, "**REJECTED**, +1, 0, -3") {
		t.Errorf("comment on #18:\n%s", rejected[0].Body)
	}
	if got := fake.Labels(17); !slices.Equal(got, []string{"accepted for discussion", "accepted"}) {
		t.Errorf("labels of #17: %q", got)
	}
	if got := fake.Labels(18); !slices.Equal(got, []string{"board input required", "rejected"}) {
		t.Errorf("labels of #18: %q", got)
	}
	for _, w := range fake.Writes()[before:] {
		if strings.Contains(w.Path, "/merge") || strings.Contains(w.Body, `"state"`) {
			t.Errorf("alesco merged or closed something: %s %s %s", w.Method, w.Path, w.Body)
		}
	}

	// The wiki: one pull request, one commit with the minutes and the index line on top.
	m := minutesOf(t, env, alescotest.DecisionMeeting)
	pulls := fake.Pulls("AlmaLinux/wiki")
	if len(pulls) != 1 || pulls[0].Head != "alesco/minutes-"+id || pulls[0].Title != "Add ALESCo meeting minutes for "+ms[0].Start.Format("January 02, 2006") {
		t.Fatalf("wiki pull requests: %+v", pulls)
	}
	commit, _ := fake.Branch("AlmaLinux/wiki", pulls[0].Head)
	if !slices.Equal(commit.Changed, []string{"docs/alesco/meeting-minutes.md", "docs/alesco/meeting-minutes/" + day + ".md"}) {
		t.Fatalf("wiki commit changes %q", commit.Changed)
	}
	if file, _ := fake.RepoFile("AlmaLinux/wiki", pulls[0].Head, "docs/alesco/meeting-minutes/"+day+".md"); file != m.Markdown {
		t.Errorf("wiki file:\n%s\nwant the minutes:\n%s", file, m.Markdown)
	}
	index, _ := fake.RepoFile("AlmaLinux/wiki", pulls[0].Head, "docs/alesco/meeting-minutes.md")
	if !strings.Contains(index, "# ALESCo Meeting Minutes\n\n- ["+ms[0].Start.Format("January 02, 2006")+"](/alesco/meeting-minutes/"+day+")\n- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)\n") {
		t.Errorf("wiki index:\n%s", index)
	}

	// Chat: the agenda, "starting now" and the minutes, once each, and
	// the reminder of who has not voted on the RFCs in FCP (issue 22).
	var posts []chattest.Post
	reminders := 0
	for _, p := range env.Chat.Posts() {
		if strings.Contains(p.Text, "Not voted yet in the GitHub discussion") {
			reminders++
			continue
		}
		posts = append(posts, p)
	}
	if len(posts) != 3 || reminders != 1 {
		t.Fatalf("%d chat posts and %d reminders: %+v", len(posts), reminders, env.Chat.Posts())
	}
	for i, w := range []string{"**ALESCo meets " + when + "** (in " + lead + ").",
		"**The ALESCo meeting is starting now**", "**ALESCo minutes of " + day + " are final**: https://alesco.example.org/alesco/meetings/" + id} {
		if !strings.Contains(posts[i].Text, w) {
			t.Errorf("chat post %d lacks %q:\n%s", i, w, posts[i].Text)
		}
	}
	if !strings.Contains(posts[0].Text, "### RFC: Add alternative signed newer kernels") || !strings.Contains(posts[1].Text, "Where: ~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)") ||
		!strings.Contains(posts[2].Text, "was APPROVED") {
		t.Errorf("chat posts:\n%s\n---\n%s\n---\n%s", posts[0].Text, posts[1].Text, posts[2].Text)
	}

	// The board: two emails (#19 accepted for discussion, #16 in FCP).
	mails := smtp.Messages(t)
	if len(mails) != 2 {
		t.Fatalf("%d emails", len(mails))
	}
	subjects := []string{mails[0].Subject, mails[1].Subject}
	slices.Sort(subjects)
	if subjects[0] != "[ALESCo] RFC accepted for discussion: RFC: Default to zstd-compressed RPM payloads (#19)" ||
		subjects[1] != "[ALESCo] RFC in final comment period: RFC: Adding proposal for github org management (#16), vote on "+day {
		t.Errorf("subjects: %q", subjects)
	}
	for _, mm := range mails {
		if !slices.Equal(mm.To, []string{alescotest.BoardEmail}) || !strings.Contains(mm.Body, "blocker") {
			t.Errorf("email %q to %q:\n%s", mm.Subject, mm.To, mm.Body)
		}
	}

	// Amended with a corrected text: the same comments are edited, the
	// same pull request updated; no new chat post, no label change.
	writes := len(fake.Writes())
	mc := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.chair))
	text := strings.Replace(m.Markdown, "Minutes recorded by Jonathan Wright.\n", "Minutes recorded by Jonathan Wright.\n\nEdited by Andrew Lukoshko for publishing.\n", 1)
	if _, err := mc.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: alescotest.DecisionMeeting,
		Reason: "name the editor", Markdown: text})); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, env.Env)
	again := marked(fake, 17, "github:outcome:"+id+":17")
	if len(again) != 1 || again[0].ID != accepted[0].ID || !again[0].Edited || !strings.Contains(again[0].Body, "(revision 2, amended: name the editor)") {
		t.Fatalf("comment on #17 after the amendment: %+v (was id %d)", again, accepted[0].ID)
	}
	if r := marked(fake, 18, "github:outcome:"+id+":18"); len(r) != 1 || r[0].ID != rejected[0].ID || !r[0].Edited {
		t.Fatalf("comment on #18 after the amendment: %+v", r)
	}
	pulls = fake.Pulls("AlmaLinux/wiki")
	if len(pulls) != 1 || !strings.Contains(pulls[0].Body, "Revision 2, amended: name the editor.") {
		t.Fatalf("wiki pull requests after the amendment: %+v", pulls)
	}
	if file, _ := fake.RepoFile("AlmaLinux/wiki", pulls[0].Head, "docs/alesco/meeting-minutes/"+day+".md"); !strings.Contains(file, "Edited by Andrew Lukoshko for publishing.") {
		t.Errorf("wiki file not amended:\n%s", file)
	}
	if got := len(env.Chat.Posts()); got != 4 {
		t.Errorf("%d chat posts after the amendment, want still 4", got)
	}
	for _, w := range fake.Writes()[writes:] {
		if strings.Contains(w.Path, "/labels") || (w.Method == "POST" && strings.HasSuffix(w.Path, "/comments")) || strings.HasSuffix(w.Path, "/pulls") {
			t.Errorf("the amendment wrote %s %s", w.Method, w.Path)
		}
	}

	// Nothing is delivered twice.
	writes = len(fake.Writes())
	if n := deliverAll(t, env.Env); n != 0 || len(fake.Writes()) != writes || len(env.Chat.Posts()) != 4 || len(smtp.Messages(t)) != 2 {
		t.Fatalf("a further pass delivered %d effects", n)
	}

	// GitHub now shows the labels alesco set; the next agenda lists both
	// RFCs as decided, awaiting merge or close, and neither under votes.
	env.Clock.Set(ms[0].Date.AddDays(1).At(12, 0, time.UTC))
	env.mustSync()
	next := env.agenda(ms[1].ID)
	if got := numbers(next.Votes); slices.Contains(got, 17) || slices.Contains(got, 18) {
		t.Errorf("votes on %s: %v", ms[1].Date, got)
	}
	if got := numbers(next.Decided); !slices.Equal(got, []int32{17, 18}) {
		t.Errorf("decided on %s: %v", ms[1].Date, got)
	}

	// Cancelling that meeting tells chat, once.
	meetings := v1.NewMeetingServiceClient(env.Client, env.URL, alescotest.WithToken(env.chair))
	if _, err := meetings.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID, Reason: "holidays"})); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, env.Env)
	if posts := env.Chat.Posts(); len(posts) != 5 || !strings.Contains(posts[4].Text, "is cancelled**: holidays") {
		t.Fatalf("chat after the cancellation: %+v", posts)
	}
}

// minutesOf reads a meeting's minutes through the API.
func minutesOf(t *testing.T, env *rfcEnv, meetingID string) *alescov1.Minutes {
	t.Helper()
	resp, err := v1.NewMinutesServiceClient(env.Client, env.URL).GetMinutes(context.Background(),
		connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: meetingID}))
	if err != nil {
		t.Fatal(err)
	}
	return resp.Msg.Minutes
}
