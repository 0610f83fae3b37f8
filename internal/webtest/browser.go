package webtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// pageTimeout bounds what one page may take (loading it, a screenshot):
// a page that hangs fails its test instead of the binary's timeout.
const pageTimeout = 2 * time.Minute

// maxIdleTabs is how many tabs are kept for the next pages: as many as
// pages load at once on a small machine (go test -parallel).
const maxIdleTabs = 4

// shared is the test binary's browser, started by the first test that
// needs it and closed by Main, and its tabs that no page uses now.
var shared struct {
	sync.Mutex
	main   bool // Main runs the tests: it closes the browser after them
	bin    string
	ctx    context.Context // the browser's first tab; new contexts from it are new tabs
	cancel context.CancelFunc
	err    error
	idle   []*tab
}

// tab is a tab of the shared browser.
type tab struct {
	ctx   context.Context
	close context.CancelFunc
}

// browser returns the shared browser, started with bin if it is not
// running yet.
func browser(t testing.TB, bin string) context.Context {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if !shared.main {
		t.Fatal("webtest: the package has no TestMain to close the shared browser after its tests; add func TestMain(m *testing.M) { os.Exit(webtest.Main(m)) }")
	}
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
	shared.Lock()
	shared.main = true
	shared.Unlock()
	defer closeBrowser()
	return m.Run()
}

// closeBrowser ends the shared browser, if one was started (the
// allocator's cancel waits for the process to exit and for its profile to
// be removed).
func closeBrowser() {
	shared.Lock()
	defer shared.Unlock()
	for _, tb := range shared.idle {
		tb.close()
	}
	if shared.cancel != nil {
		shared.cancel()
	}
	shared.ctx, shared.cancel, shared.err, shared.idle = nil, nil, nil, nil
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

// takeTab returns an idle tab of the shared browser, or a new one.
func takeTab(t testing.TB, bin string) *tab {
	t.Helper()
	b := browser(t, bin)
	shared.Lock()
	if n := len(shared.idle); n > 0 {
		tb := shared.idle[n-1]
		shared.idle = shared.idle[:n-1]
		shared.Unlock()
		return tb
	}
	shared.Unlock()
	ctx, cancel := chromedp.NewContext(b)
	// The tab lives as long as the context of its first run: ctx, not a
	// context with a page's deadline.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a chromium tab: %v", err)
	}
	return &tab{ctx: ctx, close: cancel}
}

// giveBack keeps a tab a page is done with for the next page, with no
// device metrics emulated, or closes it. The page stays loaded until the
// next one replaces it: loading about:blank would cost a renderer process
// twice (another site), most of a second on a small machine.
func giveBack(tb *tab) {
	ctx, cancel := context.WithTimeout(tb.ctx, pageTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	shared.Lock()
	defer shared.Unlock()
	if err != nil || len(shared.idle) >= maxIdleTabs || shared.ctx == nil {
		tb.close()
		return
	}
	shared.idle = append(shared.idle, tb)
}
