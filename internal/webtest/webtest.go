// Package webtest drives Debian's headless chromium for the web page
// tests: render a page's DOM after its script ran, take screenshots, and
// drive pages with chromedp.
//
// A test binary starts one browser, on first use, and every test opens its
// pages in tabs of it, tabs that are used again once a test is done with
// them: on a small machine starting chromium costs seconds, a new tab
// (a new renderer process) most of a second, loading another page in a
// tab a tenth of that. A package that uses it closes the browser after its
// tests with a TestMain calling Main.
package webtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
