// Package webtest drives Debian's headless chromium for the web page
// tests: render a page's DOM after its script ran, take screenshots, and
// drive pages with chromedp.
//
// A test binary starts one browser, on first use, and every test opens its
// pages in tabs of it: starting chromium costs seconds on a small machine,
// a tab a few milliseconds. A package that uses it closes the browser after
// its tests with a TestMain calling Main.
package webtest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ReaderZone is the browser's time zone in these tests: not the
// committee's, so the page script has the reader's own time to add.
const ReaderZone = "Asia/Tokyo"

// pageTimeout bounds what one page may take (loading it, a screenshot):
// a page that hangs fails its test instead of the binary's timeout.
const pageTimeout = 2 * time.Minute

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

// shared is the test binary's browser, started by the first test that
// needs it and closed by Main.
var shared struct {
	sync.Mutex
	bin    string
	ctx    context.Context // the browser's first tab; new contexts from it are new tabs
	cancel context.CancelFunc
	err    error
}

// browser returns the shared browser, started with bin if it is not
// running yet.
func browser(t testing.TB, bin string) context.Context {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.ctx == nil && shared.err == nil {
		shared.bin = bin
		shared.ctx, shared.cancel, shared.err = start(bin)
	}
	if shared.err != nil {
		t.Fatalf("starting chromium: %v", shared.err)
	}
	if bin != shared.bin {
		t.Fatalf("chromium %s asked for, %s already running", bin, shared.bin)
	}
	return shared.ctx
}

// start runs headless chromium (as root too: no sandbox) in ReaderZone,
// with the flags this machine needs: no background network, no updates,
// no QUIC, a fresh profile (chromedp makes a temporary --user-data-dir and
// removes it when the browser is closed), and the test servers'
// self-signed certificates accepted.
func start(bin string) (context.Context, context.CancelFunc, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.IgnoreCertErrors, chromedp.Env("TZ="+ReaderZone))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	cancel := func() {
		cancelCtx()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// Main runs a package's tests and then closes the browser they shared:
//
//	func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }
func Main(m *testing.M) int {
	defer closeBrowser()
	return m.Run()
}

// closeBrowser ends the shared browser, if one was started (the
// allocator's cancel waits for the process to exit and for its profile to
// be removed).
func closeBrowser() {
	shared.Lock()
	defer shared.Unlock()
	if shared.cancel != nil {
		shared.cancel()
	}
	shared.ctx, shared.cancel, shared.err = nil, nil, nil
}

// Browser opens a tab of the test binary's headless chromium for driving
// pages with chromedp; chromedp.NewContext on the result opens more tabs.
// Its tabs are closed when the test ends.
func Browser(t testing.TB, bin string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t, bin))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a chromium tab: %v", err)
	}
	return ctx
}

// Page is a page loaded in its own tab of the test binary's chromium.
type Page struct {
	t     testing.TB
	url   string
	ctx   context.Context
	close context.CancelFunc
}

// Open loads url in a new tab and waits for the page's load event: its
// scripts ran, as for chromium's --dump-dom. The tab is closed when the
// test ends (or by Close).
func Open(t testing.TB, bin, url string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t, bin))
	p := &Page{t: t, url: url, ctx: ctx, close: cancel}
	t.Cleanup(p.Close)
	// The tab lives as long as the context of its first run: ctx, not a
	// context with the page's deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a chromium tab: %v", err)
	}
	if _, err := run(p, chromedp.Navigate(url)); err != nil {
		t.Fatalf("chromium loading %s: %v", url, err)
	}
	return p
}

// Close closes the page's tab.
func (p *Page) Close() { p.close() }

// run runs an action in the page's tab within pageTimeout.
func run[T any](p *Page, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, pageTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// DOM returns the page's document as HTML, as it is now, byte for byte
// what --dump-dom printed (the doctype on its own line, then the document
// element's outerHTML), and fails the test if it has no <main>.
func (p *Page) DOM() []byte {
	p.t.Helper()
	html, err := run(p, chromedp.Evaluate[string](`(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") + document.documentElement.outerHTML`))
	if err != nil {
		p.t.Fatalf("chromium reading the DOM of %s: %v", p.url, err)
	}
	dom := []byte(html)
	if !bytes.Contains(dom, []byte("<main")) {
		p.t.Fatalf("chromium rendered no page for %s:\n%s", p.url, dom)
	}
	return dom
}

// Await waits until the JavaScript expression cond is true on the page, or
// until timeout, and says whether it came true: for what a script does
// after the load event (a fetch). The test goes on either way, so that its
// own checks say what is missing.
func (p *Page) Await(cond string, timeout time.Duration) bool {
	_, err := run(p, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	return err == nil
}

// Screenshot saves a PNG of the page's viewport at width×height CSS
// pixels (device metrics emulation, scale 1: what --window-size gave) and
// checks the file is a picture of that size. The page is laid out again at
// that size, not reloaded.
func (p *Page) Screenshot(file string, width, height int) {
	p.t.Helper()
	_, err := run(p, chromedp.EmulateViewport(int64(width), int64(height)))
	var shot []byte
	if err == nil {
		shot, err = run(p, chromedp.CaptureScreenshot())
	}
	if err != nil {
		p.t.Fatalf("screenshot of %s at %dx%d: %v", p.url, width, height, err)
	}
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		p.t.Fatal(err)
	}
	if err := checkPNG(shot, width, height); err != nil {
		p.t.Errorf("screenshot %s: %v", file, err)
	}
}

// checkPNG says whether b is a PNG of width×height pixels.
func checkPNG(b []byte, width, height int) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if cfg.Width != width || cfg.Height != height {
		return fmt.Errorf("%dx%d, want %dx%d", cfg.Width, cfg.Height, width, height)
	}
	return nil
}

// DOM returns the page at url as chromium's DOM after load (scripts ran),
// from a tab closed again right away.
func DOM(t testing.TB, bin, url string) []byte {
	t.Helper()
	p := Open(t, bin, url)
	defer p.Close()
	return p.DOM()
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
