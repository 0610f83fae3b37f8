package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
)

// TestServeDemoWithoutTemp: where the temporary directory cannot be
// written (a container's read-only root without a tmpfs on /tmp), the
// demo keeps its temporary database beside --db, and removes it on exit;
// where neither can be, it says what to do.
func TestServeDemoWithoutTemp(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", notADir)
	var dataDir string
	t.Cleanup(func() { // after the server stopped (cleanups run last first)
		if left, _ := filepath.Glob(filepath.Join(dataDir, ".alesco-demo-*")); len(left) != 0 {
			t.Errorf("the demo left %v behind", left)
		}
	})
	baseURL, dbPath, logs := startServe(t, "--demo")
	dataDir = filepath.Dir(dbPath)
	if !regexp.MustCompile(`db=` + regexp.QuoteMeta(dataDir) + `/\.alesco-demo-\d+/alesco\.db`).MatchString(logs.String()) {
		t.Errorf("the demo's database is not beside --db:\n%s", logs)
	}
	if resp := getWith(t, h2cClient(), baseURL+"/alesco/proposals"); resp.StatusCode != 200 {
		t.Errorf("GET /alesco/proposals: %d", resp.StatusCode)
	}

	m := &Main{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Getenv: func(string) string { return "" }, Now: alescotest.Running(alescotest.Epoch)}
	err := m.Run(context.Background(), []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", filepath.Join(notADir, "alesco.db")})
	if err == nil || !strings.Contains(err.Error(), "no writable directory for the temporary database") || !strings.Contains(err.Error(), "TMPDIR") {
		t.Errorf("no writable directory at all: %v", err)
	}
}
