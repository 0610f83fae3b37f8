package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// outboxJSONList runs `alesco outbox list --json` with extra flags.
func outboxJSONList(t *testing.T, db string, flags ...string) []outboxJSON {
	t.Helper()
	out, _, err := runCLI(t, append([]string{"outbox", "list", "--db", db, "--json"}, flags...)...)
	if err != nil {
		t.Fatal(err)
	}
	var list outboxList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("outbox list --json: %v\n%s", err, out)
	}
	return list.Items
}

// TestOutboxWhileGitHubIsDown: GitHub answers 500; the decided meeting's
// GitHub effects stay queued and `alesco outbox list` says why; once
// GitHub is back (and their backoff over) they are delivered. A refusal
// (403) parks an effect at once; `outbox retry` queues it again and
// `outbox drop` gives one up.
func TestOutboxWhileGitHubIsDown(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack())
	ctx := context.Background()
	chair := env.Token(alesco.RoleChair, "alesco", "")
	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	db := env.DB.Path()

	env.GitHub.SetFailing(http.StatusInternalServerError)
	env.Clock.Set(alescotest.DuringDecisionMeeting)
	alescotest.DecideRFCs(t, env.Client, env.URL, chair)
	if _, err := env.App.DeliverOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "outbox", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "ID  ") {
		t.Fatalf("outbox list: want a header and 5 GitHub effects waiting:\n%s", out)
	}
	// The first retry is due 30 s after the attempt ("next 2026-12-03
	// 17:05:30 UTC" on the default today).
	retry := alescotest.DuringDecisionMeeting.Add(alesco.RetryDelay(1)).UTC().Format("2006-01-02 15:04:05 UTC")
	for _, want := range []string{"github.comment  AlmaLinux/ALESCo#17", "github.labels   AlmaLinux/ALESCo#18", "wiki.minutes    AlmaLinux/wiki alesco/minutes-" + alescotest.DecisionMeeting,
		"500 Internal Server Error", "next " + retry} {
		if !strings.Contains(out, want) {
			t.Errorf("outbox list lacks %q:\n%s", want, out)
		}
	}
	items := outboxJSONList(t, db)
	for _, it := range items {
		if it.Status != "pending" || it.Attempts != 1 || !strings.Contains(it.LastError, "500") || it.NextAttempt == "" {
			t.Errorf("waiting item: %+v", it)
		}
	}
	if posts := env.Chat.Posts(); len(posts) != 1 {
		t.Errorf("chat (up all along) got %d posts, want the minutes'", len(posts))
	}
	if len(env.GitHub.Comments("AlmaLinux/ALESCo", 17)) != 0 {
		t.Fatal("a comment got through while GitHub was down")
	}

	// GitHub is back; nothing is retried before its backoff is over.
	env.GitHub.SetFailing(0)
	if n, _ := env.App.DeliverOutbox(ctx); n != 0 {
		t.Fatalf("%d effects retried before their backoff", n)
	}
	env.Clock.Set(alescotest.DuringDecisionMeeting.Add(alesco.RetryDelay(1)))
	if n, err := env.App.DeliverOutbox(ctx); n != 5 || err != nil {
		t.Fatalf("after GitHub came back: %d delivered, %v", n, err)
	}
	out, errOut, err := runCLI(t, "outbox", "list", "--db", db)
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(errOut, "nothing waits") {
		t.Fatalf("outbox list after delivery: %v\n%s%s", err, out, errOut)
	}
	all := outboxJSONList(t, db, "--all")
	if len(all) != 6 {
		t.Fatalf("outbox list --all: %d items, want 6", len(all))
	}
	for _, it := range all {
		if it.Status != "done" || it.Result == "" || it.Delivered == "" {
			t.Errorf("delivered item: %+v", it)
		}
	}
	if got := len(env.GitHub.Comments("AlmaLinux/ALESCo", 17)); got != 1 {
		t.Fatalf("%d comments on #17", got)
	}

	// A token without write access: parked at once, then retried by hand.
	env.GitHub.SetFailing(http.StatusForbidden)
	if _, err := env.App.CancelMeeting(alescotest.Admin(ctx), alescotest.Meetings(t, 2)[1].ID, "holidays"); err != nil {
		t.Fatal(err)
	}
	mc := env.App
	if _, _, _, err := mc.AmendMinutes(alescotest.Admin(ctx), alescotest.DecisionMeeting, "typo", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := mc.FinalizeMinutes(alescotest.Admin(ctx), alescotest.DecisionMeeting, nil, []string{"Andrew Lukoshko"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.DeliverOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	parked := outboxJSONList(t, db, "--status", "parked")
	if len(parked) != 3 { // the two edited comments and the wiki pull request; the labels did not change
		t.Fatalf("parked: %+v", parked)
	}
	for _, it := range parked {
		if it.Attempts != 1 || !strings.Contains(it.LastError, "the token needs write access") {
			t.Errorf("parked item: %+v", it)
		}
	}
	env.GitHub.SetFailing(0)
	wiki := parked[len(parked)-1]
	if wiki.Kind != "wiki.minutes" {
		t.Fatalf("last parked item is %s", wiki.Kind)
	}
	if out, _, err := runCLI(t, "outbox", "drop", "--db", db, strconv.FormatInt(wiki.ID, 10)); err != nil || !strings.Contains(out, ": dropped") {
		t.Fatalf("outbox drop: %v %s", err, out)
	}
	for _, it := range parked[:2] {
		if out, _, err := runCLI(t, "outbox", "retry", "--db", db, strconv.FormatInt(it.ID, 10)); err != nil || !strings.Contains(out, ": pending") {
			t.Fatalf("outbox retry: %v %s", err, out)
		}
	}
	if n, err := env.App.DeliverOutbox(ctx); n != 2 || err != nil {
		t.Fatalf("after retry: %d delivered, %v", n, err)
	}
	if _, _, err := runCLI(t, "outbox", "retry", "--db", db, strconv.FormatInt(parked[0].ID, 10)); err == nil {
		t.Fatal("retrying a delivered item succeeded")
	}
	if _, _, err := runCLI(t, "outbox", "drop", "--db", db, "x"); exitCode(err) != exitUsage {
		t.Fatalf("outbox drop x: %v, want a usage error", err)
	}
	if pulls := env.GitHub.Pulls("AlmaLinux/wiki"); len(pulls) != 1 || strings.Contains(pulls[0].Body, "Revision 2") {
		t.Fatalf("the dropped wiki update reached GitHub: %+v", pulls)
	}
}
