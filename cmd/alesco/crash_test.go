package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/config"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/chattest"
	"github.com/almalinux/alesco/internal/smtptest"
)

// TestServeChild is the child process of TestCrashDeliversEachEffectOnce:
// the real `alesco serve` with the arguments the parent passes, a clock
// starting at the time it names, and a delivery hook that holds the worker
// before its first delivery ("hold") or kills the process right after a
// delivery of one kind was sent and before it is recorded
// ("kill-after-send:KIND"). On its own it does nothing.
func TestServeChild(t *testing.T) {
	raw := os.Getenv("ALESCO_SERVE_CHILD")
	if raw == "" {
		t.Skip("only runs as the child of TestCrashDeliversEachEffectOnce")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	base, err := time.Parse(time.RFC3339, os.Getenv("ALESCO_SERVE_CHILD_NOW"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	m := &Main{Stdout: io.Discard, Stderr: os.Stderr, Getenv: os.Getenv,
		Now:          alescotest.Running(base),
		Ready:        func(addr string) { fmt.Printf("listening %s\n", addr) },
		DeliveryHook: childHook(os.Getenv("ALESCO_SERVE_CHILD_HOOK"))}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx, args); err != nil {
		fmt.Fprintln(os.Stderr, "serve failed:", err)
		os.Exit(4)
	}
	os.Exit(0)
}

func childHook(spec string) func(string, alesco.OutboxItem) {
	kind, kill := strings.CutPrefix(spec, "kill-after-send:")
	switch {
	case spec == "hold":
		return func(stage string, it alesco.OutboxItem) {
			if stage == app.StageBefore {
				fmt.Printf("held %s\n", it.Key)
				select {}
			}
		}
	case kill:
		return func(stage string, it alesco.OutboxItem) {
			if stage == app.StageSent && string(it.Kind) == kind {
				fmt.Printf("sent %s\n", it.Key)
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
	}
	return nil
}

// child is one run of `alesco serve` in a child process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	early  []string // lines read while awaiting another prefix
	stderr *bytes.Buffer
	url    string
}

func startChild(t *testing.T, env []string, hook string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$")
	cmd.Env = append(append(os.Environ(), env...), "ALESCO_SERVE_CHILD_HOOK="+hook)
	c := &child{cmd: cmd, lines: make(chan string, 100), stderr: &bytes.Buffer{}}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	addr := c.await(t, "listening ")
	c.url = "http://" + addr
	return c
}

// await returns the rest of the first line the child prints with prefix.
// Lines it reads on the way are kept for the next await: the outbox
// worker may hold its first delivery ("held ") before serve prints that it
// is listening.
func (c *child) await(t *testing.T, prefix string) string {
	t.Helper()
	for i, line := range c.early {
		if rest, found := strings.CutPrefix(line, prefix); found {
			c.early = slices.Delete(c.early, i, i+1)
			return rest
		}
	}
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("the child exited before printing %q:\n%s", prefix, c.stderr)
			}
			if rest, found := strings.CutPrefix(line, prefix); found {
				return rest
			}
			c.early = append(c.early, line)
		case <-deadline:
			t.Fatalf("the child did not print %q:\n%s", prefix, c.stderr)
		}
	}
}

// killed waits for the child to die of SIGKILL.
func (c *child) killed(t *testing.T) {
	t.Helper()
	err := c.cmd.Wait()
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed by SIGKILL: %v\n%s", err, c.stderr)
	}
}

// crashConfig is the embedded ALESCo with every effect turned on.
func crashConfig(t *testing.T, mail bool) string {
	t.Helper()
	y := string(config.DefaultYAML())
	notify := "    notify: {chat: [agenda, start, minutes, changes]}\n"
	if mail {
		notify = "    notify: {board_email: " + alescotest.BoardEmail + ", chat: [agenda, start, minutes, changes]}\n"
	}
	for _, r := range [][2]string{{"      write: false\n", "      write: true\n"}, {"        # accepted: accepted", "        accepted: accepted"},
		{"    wiki:\n", notify + "    wiki:\n"}} {
		if !strings.Contains(y, r[0]) {
			t.Fatalf("the embedded configuration has no %q", r[0])
		}
		y = strings.Replace(y, r[0], r[1], 1)
	}
	path := filepath.Join(t.TempDir(), "alesco.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "config", "check", path); err != nil {
		t.Fatalf("crash configuration: %v", err)
	}
	return path
}

// TestCrashDeliversEachEffectOnce kills the real server with SIGKILL
// twice: once after the meeting's decisions (and a webhook's) committed
// and before any effect was delivered, once right after a GitHub comment
// was sent and before the outbox recorded it. After the restart every
// effect is delivered, exactly once: no comment, label change, wiki pull
// request, chat post or email twice.
func TestCrashDeliversEachEffectOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	start := alescotest.DuringDecisionMeeting
	fake := githubtest.New(t, alescotest.Running(start))
	index, err := os.ReadFile(alescotest.Path("testdata/wiki/meeting-minutes.md"))
	if err != nil {
		t.Fatal(err)
	}
	fake.AddRepo("AlmaLinux/wiki", "master", map[string]string{"docs/alesco/meeting-minutes.md": string(index)})
	chat := chattest.New(t)
	var smtp *smtptest.Server
	if smtptest.Available() || os.Getenv("ALESCO_EXTERNAL_TESTS") == "1" {
		smtp = smtptest.Start(t)
	} else {
		t.Log("aiosmtpd is not installed: the board's email is left out (apt-get install python3-aiosmtpd)")
	}
	cfg := crashConfig(t, smtp != nil)
	db := emptyDB(t)
	out, _, err := runCLI(t, "token", "create", "--db", db, "--config", cfg, "--committee", "alesco", "--role", "chair")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--config", cfg, "--github-url", fake.BaseURL(),
		"--base-url", "https://alesco.example.org", "--sync-interval", "0", "--outbox-interval", "1s"})
	env := []string{"ALESCO_SERVE_CHILD=" + string(args), "ALESCO_SERVE_CHILD_NOW=" + start.Format(time.RFC3339),
		"GITHUB_TOKEN=ghp_crash", "ALESCO_WEBHOOK_SECRET=" + alescotest.WebhookSecret, "ALESCO_MATTERMOST_WEBHOOK_URL=" + chat.HookURL()}
	if smtp != nil {
		env = append(env, "ALESCO_SMTP_URL="+smtp.URL("alesco@alesco.example.org"))
	}
	mails := func() int {
		if smtp == nil {
			return 0
		}
		return len(smtp.Messages(t))
	}

	// 1. The worker is held before its first delivery; the proposals are
	// synced, #16 enters FCP (webhook), the meeting decides #17 and #18.
	c := startChild(t, env, "hold")
	client := h2cClient()
	ctx := context.Background()
	if _, err := v1.NewProposalServiceClient(client, c.url, alescotest.WithToken(token)).SyncProposals(ctx,
		connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatal(err)
	}
	// #16 was labelled before the meeting (at the tests' now); GitHub
	// delivers the event during it.
	body := alescotest.LabelWebhook(alescotest.Epoch)
	req, _ := http.NewRequest(http.MethodPost, c.url+"/webhooks/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "crash-16")
	req.Header.Set("X-Hub-Signature-256", alescotest.Sign(alescotest.WebhookSecret, body))
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	resp.Body.Close()
	alescotest.DecideRFCs(t, client, c.url, token)
	c.await(t, "held ")
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.killed(t)
	if w := fake.Writes(); len(w) != 0 || len(chat.Posts()) != 0 || mails() != 0 {
		t.Fatalf("delivered before the crash: %d GitHub writes, %d posts, %d emails", len(w), len(chat.Posts()), mails())
	}
	queued := outboxJSONList(t, db)
	want := 9 // start post; #16: comment, status comment (into FCP); #17, #18: comment, labels; wiki; minutes post
	if smtp != nil {
		want++ // the board's email about #16
	}
	if len(queued) != want {
		t.Fatalf("%d effects queued across the crash, want %d: %+v", len(queued), want, queued)
	}

	// 2. Killed right after the first GitHub comment was sent.
	c = startChild(t, env, "kill-after-send:github.comment")
	sent := c.await(t, "sent ")
	c.killed(t)
	for _, it := range outboxJSONList(t, db) {
		if it.Key == sent && it.Status != "pending" {
			t.Fatalf("%s recorded although the process died first: %+v", sent, it)
		}
	}

	// 3. Restarted: everything is delivered, once.
	c = startChild(t, env, "")
	deadline := alescotest.Deadline(60 * time.Second)
	for len(outboxJSONList(t, db)) > 0 {
		if time.Until(deadline) < 0 {
			t.Fatalf("effects still waiting: %+v\n%s", outboxJSONList(t, db), c.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v\n%s", err, c.stderr)
	}

	for _, it := range outboxJSONList(t, db, "--all") {
		if it.Status != "done" {
			t.Errorf("not delivered: %+v", it)
		}
	}
	meeting := alescotest.DecisionMeeting
	for n, key := range map[int]string{16: "github:fcp:alesco:16:" + meeting, 17: "github:outcome:" + meeting + ":17",
		18: "github:outcome:" + meeting + ":18"} {
		var ours int
		for _, cm := range fake.Comments("AlmaLinux/ALESCo", n) {
			if strings.Contains(cm.Body, alesco.Marker(key)) {
				ours++
			}
		}
		if ours != 1 {
			t.Errorf("%d comments on #%d for %s, want 1", ours, n, key)
		}
	}
	if got := fake.Labels(17); !slices.Equal(got, []string{"accepted for discussion", "accepted"}) {
		t.Errorf("labels of #17: %q", got)
	}
	if got := fake.Labels(18); !slices.Equal(got, []string{"board input required", "rejected"}) {
		t.Errorf("labels of #18: %q", got)
	}
	if pulls := fake.Pulls("AlmaLinux/wiki"); len(pulls) != 1 {
		t.Errorf("wiki pull requests: %+v", pulls)
	}
	posts := chat.Posts()
	if len(posts) != 2 || !strings.Contains(posts[0].Text, "starting now") || !strings.Contains(posts[1].Text, "minutes of "+alescotest.NextMeeting(t).Date.String()+" are final") {
		t.Errorf("chat posts: %+v", posts)
	}
	if smtp != nil && mails() != 1 {
		t.Errorf("%d emails to the board, want 1", mails())
	}
	if out, _, err := runCLI(t, "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "chain intact") {
		t.Errorf("audit verify: %v %s", err, out)
	}
}
