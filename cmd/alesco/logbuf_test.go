package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
)

// countingWriter counts the writes that reach it (each one a system call
// on a real file descriptor).
type countingWriter struct {
	mu     sync.Mutex
	writes int
	b      bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.b.Write(p)
}

func (w *countingWriter) counts() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes, w.b.String()
}

// TestLogBufferBatchesLines: a thousand log lines reach the file in a few
// writes, whole; a warning is written out at once.
func TestLogBufferBatchesLines(t *testing.T) {
	out := &countingWriter{}
	buf := newLogBuffer(out)
	log := slog.New(flushOnWarn{logHandler(buf, "json"), buf}).With("component", "test")
	for i := range 1000 {
		log.Info("request", "method", "GET", "path", fmt.Sprintf("/calendar/alesco.ics?n=%d", i), "status", 200)
	}
	if n, _ := out.counts(); n > 5 {
		t.Errorf("1000 lines took %d writes, want a few (a full buffer each)", n)
	}
	log.Warn("sync failed")
	n, text := out.counts()
	if !strings.HasSuffix(text, "\"msg\":\"sync failed\",\"component\":\"test\"}\n") {
		t.Errorf("a warning waited in the buffer (%d writes)", n)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 1001 {
		t.Fatalf("%d lines, want 1001", len(lines))
	}
	for i, l := range lines[:1000] {
		var rec struct{ Path string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.Path != fmt.Sprintf("/calendar/alesco.ics?n=%d", i) {
			t.Fatalf("line %d is not whole or out of order: %q (%v)", i, l, err)
		}
	}
}

// TestServeAccessLogBuffered: serve logs one JSON line per request without
// a write per line, and writes every line out when it shuts down. The
// flush timer is set to an hour, so only startup, warnings and shutdown
// write.
func TestServeAccessLogBuffered(t *testing.T) {
	out := &countingWriter{}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	m := &Main{Stdout: io.Discard, Stderr: out, Ready: func(addr string) { addrc <- addr }, LogFlush: time.Hour,
		Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "a.db"),
			"--sync-interval", "0", "--log-format", "json"})
	}()
	var base string
	select {
	case addr := <-addrc:
		base = "http://" + addr
	case err := <-done:
		t.Fatal(err)
	}
	started, _ := out.counts()
	const requests = 200
	for i := range requests {
		resp, err := http.Get(fmt.Sprintf("%s/calendar/alesco.ics?n=%d", base, i))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n, _ := out.counts(); n != started {
		t.Errorf("%d requests made %d writes to the log", requests, n-started)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, text := out.counts()
	seen := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		var rec struct {
			Msg, Method, Path string
			Status            int
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		if rec.Msg == "request" && rec.Path == "/calendar/alesco.ics" && rec.Status == 200 {
			seen++
		}
	}
	if seen != requests {
		t.Errorf("%d request lines after shutdown, want %d:\n%s", seen, requests, text)
	}
}
