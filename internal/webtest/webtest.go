// Package webtest drives Debian's headless chromium for the web page
// tests: render a page's DOM after its script ran, take screenshots, and
// drive pages with chromedp.
package webtest

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ReaderZone is the browser's time zone in these tests: not the
// committee's, so the page script has the reader's own time to add.
const ReaderZone = "Asia/Tokyo"

// Chromium finds the browser. Without it the test skips, unless
// ALESCO_EXTERNAL_TESTS=1 makes it required.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ALESCO_EXTERNAL_TESTS") == "1" {
		t.Fatal("chromium is required (ALESCO_EXTERNAL_TESTS=1): apt-get install chromium")
	}
	t.Skip("chromium not found: apt-get install chromium (or set ALESCO_EXTERNAL_TESTS=1 to require it)")
	return ""
}

// Run runs headless chromium (as root too: no sandbox) with args in
// ReaderZone and returns its stdout.
func Run(t testing.TB, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(flags, args...)...)
	cmd.Env = append(os.Environ(), "TZ="+ReaderZone)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// DOM returns the page at url as chromium's DOM after load (scripts ran).
func DOM(t testing.TB, bin, url string) []byte {
	t.Helper()
	dom := Run(t, bin, "--dump-dom", url)
	if !bytes.Contains(dom, []byte("<main")) {
		t.Fatalf("chromium rendered no page for %s:\n%s", url, dom)
	}
	return dom
}

// ArtifactDir is where screenshots go: $ALESCO_ARTIFACTS/web, else
// artifacts/web at the repository root (git-ignored). root is the relative
// path from the test's package directory to the repository root.
func ArtifactDir(t testing.TB, root string) string {
	t.Helper()
	dir := os.Getenv("ALESCO_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(root, "artifacts")
	}
	dir = filepath.Join(dir, "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Screenshot saves a PNG of url at a window size and checks the file is a
// picture of that size.
func Screenshot(t testing.TB, bin, url, file string, width, height int) {
	t.Helper()
	Run(t, bin, "--screenshot="+file, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), url)
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	if cfg.Width != width || cfg.Height != height {
		t.Errorf("screenshot %s is %dx%d, want %dx%d", file, cfg.Width, cfg.Height, width, height)
	}
}

// CheckLocalTimes checks that the page script added the reader's own time
// after every <time> of the DOM, in ReaderZone.
func CheckLocalTimes(t testing.TB, dom []byte) {
	t.Helper()
	times, yours := bytes.Count(dom, []byte("<time ")), bytes.Count(dom, []byte(`class="yours"`))
	if times != yours {
		t.Errorf("%d times shown, %d with the reader's time (script blocked or broken?)", times, yours)
	}
	if times > 0 && !bytes.Contains(dom, []byte("GMT+9")) && !bytes.Contains(dom, []byte("JST")) {
		t.Errorf("the reader's times are not in %s:\n%s", ReaderZone, dom)
	}
}

// Browser starts headless chromium for driving pages with chromedp (one
// tab; chromedp.NewContext on the result opens more), with the flags this
// machine needs (no sandbox as root, no background network, a fresh
// profile) and the test server's self-signed certificate accepted. It is
// closed when the test ends.
func Browser(t testing.TB, bin string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.IgnoreCertErrors, chromedp.Env("TZ="+ReaderZone))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}
