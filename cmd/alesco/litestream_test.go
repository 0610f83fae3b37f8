package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// drillMargin is how long before the crash a write must have been
// acknowledged to be found in the replica: Litestream ships the WAL every
// second (sync-interval in deploy/litestream.yml), and the upload takes a
// moment.
const drillMargin = 2 * time.Second

// drillWrites records the writes the server acknowledged, and when.
type drillWrites struct {
	mu    sync.Mutex
	acked []time.Duration // by write number
}

func (w *drillWrites) ack(at time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.acked = append(w.acked, at)
}

func (w *drillWrites) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.acked...)
}

func drillNote(i int) string { return fmt.Sprintf("drillwrite%05d", i) }

// TestLitestreamDrill is the restore drill of docs/operations.md: alesco
// serves (a child process) while Litestream replicates its database with
// deploy/litestream.yml to a file:// replica; a client writes notes as fast
// as the server acknowledges them; both processes are killed with SIGKILL
// mid-stream; `litestream restore` rebuilds the database; `alesco audit
// verify` finds it intact, and every write acknowledged drillMargin or
// more before the kill is in it. Litestream's metrics named by the alert
// rules are checked against its /metrics on the way.
func TestLitestreamDrill(t *testing.T) {
	if os.Getenv("ALESCO_EXTERNAL_TESTS") != "1" {
		t.Skip("the Litestream drill runs two processes for ~15 s: set ALESCO_EXTERNAL_TESTS=1 to run it (.ci/run does)")
	}
	bin, err := exec.LookPath("litestream")
	if err != nil {
		alescotest.External(t, "litestream is not installed (go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18)")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "alesco.db")
	metricsAddr := freeLoopback(t)
	env := []string{"ALESCO_DB=" + db, "ALESCO_REPLICA_URL=file://" + filepath.Join(dir, "replica"), "LITESTREAM_METRICS_ADDR=" + metricsAddr}
	config := alescotest.Path("deploy/litestream.yml")
	meeting, _ := pastMeeting(t)

	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--sync-interval", "0", "--outbox-interval", "0"})
	server := startChild(t, []string{"ALESCO_SERVE_CHILD=" + string(args), "ALESCO_SERVE_CHILD_NOW=" + alescotest.Epoch.Format(time.RFC3339)}, "")
	t.Cleanup(func() { server.cmd.Process.Kill() })
	token := chairToken(t, db)
	ls := startLitestream(t, bin, config, env, metricsAddr)
	checkLitestreamRuleMetrics(t, "http://"+metricsAddr+"/metrics")
	// The drill starts once Litestream holds a first copy, as in production
	// (it starts with the database; under -race a write storm from the
	// first second kept it from ever taking one).
	alescotest.Eventually(t, time.Minute, "Litestream's first copy in the replica", func() bool {
		found := false
		filepath.WalkDir(filepath.Join(dir, "replica"), func(_ string, d fs.DirEntry, err error) error {
			found = found || (err == nil && !d.IsDir())
			return nil
		})
		return found
	})

	// Write until the server is killed, a note at a time.
	elapsed := alescotest.Stopwatch()
	var writes drillWrites
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		client := v1.NewMinutesServiceClient(h2cClient(), server.url, alescotest.WithToken(token))
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := client.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: "Drill", Text: drillNote(i)})); err != nil {
				return
			}
			writes.ack(elapsed())
		}
	}()
	alescotest.Eventually(t, time.Minute, "writes for 6 s", func() bool { return elapsed() > 6*time.Second && len(writes.list()) >= 20 })
	crash := elapsed()
	for _, p := range []*os.Process{server.cmd.Process, ls.Process} {
		if err := p.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	server.killed(t)
	ls.Wait()
	stop()
	acked := writes.list()

	restored := filepath.Join(dir, "restored.db")
	restore := exec.Command(bin, "restore", "-config", config, "-o", restored, db)
	restore.Env = append(os.Environ(), env...)
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, out)
	}
	if out, err := cli(t, "audit", "verify", "--db", restored); err != nil || !strings.Contains(out, "audit log ok") {
		t.Fatalf("alesco audit verify on the restored database: %v\n%s", err, out)
	}
	text, err := cli(t, "minutes", "export", meeting, "--db", restored)
	if err != nil {
		t.Fatalf("alesco minutes export on the restored database: %v\n%s", err, text)
	}
	checkRestored(t, text, acked, crash)
}

// startLitestream runs `litestream replicate` with config and env until
// the test ends (or kills it), and waits for its metrics at metricsAddr.
func startLitestream(t *testing.T, bin, config string, env []string, metricsAddr string) *exec.Cmd {
	t.Helper()
	log := &syncBuffer{}
	ls := exec.Command(bin, "replicate", "-config", config)
	ls.Env = append(os.Environ(), env...)
	ls.Stdout, ls.Stderr = log, log
	if err := ls.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ls.Process.Kill()
		if t.Failed() {
			t.Logf("litestream:\n%s", log)
		}
	})
	alescotest.Eventually(t, 30*time.Second, "Litestream serves its metrics", func() bool {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return ls
}

// checkRestored: every write acknowledged drillMargin or more before the
// crash is in the restored minutes' text.
func checkRestored(t *testing.T, text string, acked []time.Duration, crash time.Duration) {
	t.Helper()
	kept, safe, safeKept := 0, 0, 0
	for i, at := range acked {
		found := strings.Contains(text, drillNote(i))
		if found {
			kept++
		}
		if crash-at >= drillMargin {
			safe++
			if found {
				safeKept++
			} else {
				t.Errorf("write %d, acknowledged %s before the kill, is not in the restored database", i, (crash - at).Round(time.Millisecond))
			}
		}
	}
	t.Logf("%d writes acknowledged in %s, %d restored: %d of the %d acknowledged %s or more before the kill, %d of the %d after",
		len(acked), crash.Round(time.Millisecond), kept, safeKept, safe, drillMargin, kept-safeKept, len(acked)-safe)
	if safe == 0 {
		t.Errorf("no write was acknowledged %s before the kill: the drill proves nothing", drillMargin)
	}
}

// checkLitestreamRuleMetrics: the Litestream metrics the alert rules read
// are ones Litestream exports.
func checkLitestreamRuleMetrics(t *testing.T, url string) {
	t.Helper()
	var ours []ruleSelector
	for _, s := range alertRuleSelectors(t) {
		if strings.HasPrefix(s.metric, "litestream_") {
			ours = append(ours, s)
		}
	}
	if len(ours) == 0 {
		t.Fatal("no alert reads a Litestream metric")
	}
	checkExported(t, ours, scrape(t, url))
}

// cli runs an alesco command as the binary would, on the tests' clock.
func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	err := m.Run(context.Background(), args)
	return out.String(), err
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
