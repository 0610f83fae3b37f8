// Package indico reads a committee's events site: the iCalendar export of
// an Indico category (events.almalinux.org/export/categ/ID.ics), fetched
// with conditional requests, capped in size and time, and parsed with
// github.com/emersion/go-ical into the domain's SiteEvents.
package indico

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/emersion/go-ical"
)

// Defaults of Options.
const (
	DefaultMaxBytes = 4 << 20
	DefaultTimeout  = 20 * time.Second
)

// Options configure a Fetcher.
type Options struct {
	// Transport reaches the site (default http.DefaultTransport).
	Transport http.RoundTripper
	// Timeout bounds one reading, body included (default DefaultTimeout).
	Timeout time.Duration
	// MaxBytes caps the export's size (default DefaultMaxBytes).
	MaxBytes int64
	// UserAgent names alesco to the site.
	UserAgent string
	Logger    *slog.Logger
}

// Fetcher reads events sites' exports; app.EventFetcher.
type Fetcher struct {
	client *http.Client
	max    int64
	agent  string
	log    *slog.Logger
}

// New builds a Fetcher.
func New(o Options) *Fetcher {
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = "alesco (+https://github.com/almalinux/alesco)"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{client: &http.Client{Transport: o.Transport, Timeout: o.Timeout}, max: o.MaxBytes, agent: o.UserAgent, log: o.Logger}
}

// Error is a reading that failed; its message is for the public (the
// check and the pages say it), without the site's own words.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return "indico: " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// PublicError is what the pages and the check may say of the failure.
func (e *Error) PublicError() string { return e.Msg }

func failf(err error, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: err}
}

// Fetch reads the export at url. With the validators of the copy kept
// (etag, lastModified) it asks conditionally: 304 is NotModified. Errors
// are *Error.
func (f *Fetcher) Fetch(ctx context.Context, url, etag, lastModified string) (alesco.EventExport, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return alesco.EventExport{}, failf(err, "the events site's address %q is not a URL", url)
	}
	req.Header.Set("Accept", "text/calendar")
	req.Header.Set("User-Agent", f.agent)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		var te interface{ Timeout() bool }
		if errors.As(err, &te) && te.Timeout() {
			return alesco.EventExport{}, failf(err, "the events site did not answer within %s", f.client.Timeout)
		}
		return alesco.EventExport{}, failf(err, "the events site cannot be reached")
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return alesco.EventExport{NotModified: true, ETag: etag, LastModified: lastModified}, nil
	case resp.StatusCode != http.StatusOK:
		return alesco.EventExport{}, failf(nil, "the events site answered %s", resp.Status)
	}
	body, err := f.read(resp.Body)
	if err != nil {
		return alesco.EventExport{}, err
	}
	events, skipped, err := Parse(body)
	if err != nil {
		return alesco.EventExport{}, err
	}
	if skipped > 0 {
		f.log.Info("events site: events without a start time left out", "url", url, "skipped", skipped)
	}
	return alesco.EventExport{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		Events: events, Skipped: skipped}, nil
}

// read reads a body of at most f.max bytes.
func (f *Fetcher) read(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, f.max+1))
	if err != nil {
		var te interface{ Timeout() bool }
		if errors.As(err, &te) && te.Timeout() {
			return nil, failf(err, "the events site did not send its export within %s", f.client.Timeout)
		}
		return nil, failf(err, "the events site's export was cut off")
	}
	if int64(len(body)) > f.max {
		return nil, failf(nil, "the events site's export is larger than %d MiB", f.max>>20)
	}
	return body, nil
}

// Parse reads an iCalendar export's events. Events without a start time
// (or that go-ical cannot read) are left out and counted; a body that is
// not iCalendar, or whose events all lack a start time, is an *Error.
func Parse(body []byte) (events []alesco.SiteEvent, skipped int, err error) {
	if !bytes.HasPrefix(bytes.TrimLeft(body, "\ufeff \t\r\n"), []byte("BEGIN:VCALENDAR")) {
		return nil, 0, failf(nil, "the events site's export is not iCalendar (it does not start with BEGIN:VCALENDAR)")
	}
	cal, err := decode(body)
	if err != nil {
		return nil, 0, failf(err, "the events site's export is not valid iCalendar: %s", strings.TrimPrefix(err.Error(), "ical: "))
	}
	for _, ev := range cal.Events() {
		e, ok := siteEvent(ev)
		if !ok {
			skipped++
			continue
		}
		events = append(events, e)
	}
	if len(events) == 0 && skipped > 0 {
		// Not one usable event: a broken export, not an empty category;
		// the copy kept is better than nothing.
		return nil, skipped, failf(nil, "none of the %d events of the events site's export has a start time", skipped)
	}
	return events, skipped, nil
}

// decode is go-ical's decoder, its panics turned into errors: it indexes
// past the end of some malformed content lines (a parameter without a
// value, testdata/fuzz/FuzzParse), and an export is anyone's bytes.
func decode(body []byte) (cal *ical.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("ical: malformed content line")
		}
	}()
	return ical.NewDecoder(bytes.NewReader(body)).Decode()
}

// siteEvent reads one VEVENT; ok is false without a start time.
func siteEvent(ev ical.Event) (alesco.SiteEvent, bool) {
	if p := ev.Props.Get(ical.PropDateTimeStart); p == nil || p.ValueType() == ical.ValueDate {
		return alesco.SiteEvent{}, false // no time of day to compare
	}
	start, err := ev.DateTimeStart(time.UTC)
	if err != nil || start.IsZero() {
		return alesco.SiteEvent{}, false
	}
	end, err := ev.DateTimeEnd(time.UTC)
	if err != nil || end.Before(start) {
		end = start
	}
	text := func(name string) string {
		if p := ev.Props.Get(name); p != nil {
			if s, err := p.Text(); err == nil {
				return strings.TrimSpace(s)
			}
			return strings.TrimSpace(p.Value)
		}
		return ""
	}
	e := alesco.SiteEvent{UID: text(ical.PropUID), Title: text(ical.PropSummary), Start: start.UTC(), End: end.UTC()}
	if len(e.Title) > 500 {
		e.Title = e.Title[:500]
	}
	if p := ev.Props.Get(ical.PropURL); p != nil {
		// Pages and feeds link it: only a clean http(s) link is kept.
		if u, err := alesco.CleanURL("URL", strings.TrimSpace(p.Value)); err == nil {
			e.URL = u
		}
	}
	if st, err := ev.Status(); err == nil && st == ical.EventCancelled {
		e.Cancelled = true
	}
	return e, true
}
