package webtest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Page is a page loaded in a tab of the test binary's chromium, a tab no
// other page uses until this one is closed.
type Page struct {
	t      testing.TB
	url    string
	tab    *tab
	broken bool // an action failed: the tab is closed, not used again
}

// Open loads url in a tab and waits for the page's load event: its
// scripts ran, as for chromium's --dump-dom. The page is closed when the
// test ends (or by Close).
func Open(t testing.TB, bin, url string) *Page {
	t.Helper()
	p := &Page{t: t, tab: takeTab(t, bin)}
	t.Cleanup(p.Close)
	p.Navigate(url)
	return p
}

// Navigate loads url in the page's tab, as following a link does, and
// waits for its load event.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	p.url = url
	if _, err := run(p, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("chromium loading %s: %v", url, err)
	}
}

// Close is done with the page: its tab goes back to the browser's idle
// tabs (or is closed if something failed in it).
func (p *Page) Close() {
	tb := p.tab
	if tb == nil {
		return
	}
	p.tab = nil
	if p.broken {
		tb.close()
		return
	}
	giveBack(tb)
}

// run runs an action in the page's tab within pageTimeout.
func run[T any](p *Page, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(p.tab.ctx, pageTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.broken = true
	}
	return v, err
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
	ctx, cancel := context.WithTimeout(p.tab.ctx, pageTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
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

// DOM returns the page at url as chromium's DOM after load (scripts ran).
func DOM(t testing.TB, bin, url string) []byte {
	t.Helper()
	p := Open(t, bin, url)
	defer p.Close()
	return p.DOM()
}
