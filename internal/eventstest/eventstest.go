// Package eventstest is a fake events site (Indico) for tests: it serves a
// category's iCalendar export, shaped like Indico's (UTC times, URL the
// event's page), with ETag and Last-Modified, and misbehaves on demand
// (down, slow, huge, not iCalendar, events without times).
package eventstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// Modes of the fake site.
const (
	OK          = "ok"
	Down        = "down"     // 503
	Slow        = "slow"     // answers nothing until the client gives up
	Huge        = "huge"     // an export far over the cap
	HTML        = "html"     // a web page instead of iCalendar
	NoTimes     = "no-times" // the events lack DTSTART (left out, not a crash)
	Unreachable = "closed"   // the server is gone
)

// Server is the fake site.
type Server struct {
	t    testing.TB
	srv  *httptest.Server
	mu   sync.Mutex
	body []byte
	mode string
	hits int
	stop chan struct{}
}

// New serves events at URL().
func New(t testing.TB, events []alesco.SiteEvent) *Server {
	s := &Server{t: t, body: ICS(events), mode: OK, stop: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.stop)
		s.srv.Close()
	})
	return s
}

// URL is the category's export.
func (s *Server) URL() string { return s.srv.URL + "/export/categ/7.ics" }

// Set replaces the events served.
func (s *Server) Set(events []alesco.SiteEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = ICS(events)
}

// Mode makes the site behave as mode says.
func (s *Server) Mode(mode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = mode
}

// Hits counts the requests answered.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	mode, body := s.mode, s.body
	s.hits++
	s.mu.Unlock()
	if r.URL.Path != "/export/categ/7.ics" {
		http.NotFound(w, r)
		return
	}
	switch mode {
	case Down:
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	case Unreachable:
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close() // the connection drops: nothing answers
				return
			}
		}
		http.Error(w, "gone", http.StatusBadGateway)
		return
	case Slow:
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	case Huge:
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte("BEGIN:VCALENDAR\r\n"))
		line := []byte("X-PAD:" + strings.Repeat("x", 1000) + "\r\n")
		for range 6000 { // about 6 MB, over the 4 MiB cap
			if _, err := w.Write(line); err != nil {
				return
			}
		}
		return
	case HTML:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>Indico</title><p>Log in to see this category."))
		return
	case NoTimes:
		body = bytes.ReplaceAll(body, []byte("DTSTART:"), []byte("X-NO-START:"))
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", alescotest.Epoch.UTC().Format(http.TimeFormat))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write(body)
}

// ICS is events as Indico exports a category.
func ICS(events []alesco.SiteEvent) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CERN//INDICO//EN\r\n")
	for _, e := range events {
		b.WriteString("BEGIN:VEVENT\r\n")
		fmt.Fprintf(&b, "SUMMARY:%s\r\n", e.Title)
		fmt.Fprintf(&b, "DTSTART:%s\r\nDTEND:%s\r\n", e.Start.UTC().Format("20060102T150405Z"), e.End.UTC().Format("20060102T150405Z"))
		fmt.Fprintf(&b, "DTSTAMP:%s\r\n", alescotest.Epoch.UTC().Format("20060102T150405Z"))
		fmt.Fprintf(&b, "UID:%s\r\n", e.UID)
		if e.Cancelled {
			b.WriteString("STATUS:CANCELLED\r\n")
		}
		fmt.Fprintf(&b, "URL:%s\r\nEND:VEVENT\r\n", e.URL)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// Scenario is the issue's: the next three meetings of ALESCo, the first
// with its event (and another group's event that day), the second's event
// an hour off, none for the third.
type Scenario struct {
	Meetings []alescotest.Meeting
	Events   []alesco.SiteEvent
	// FirstEventURL is the page of the first meeting's event.
	FirstEventURL string
}

// NextThree builds the Scenario from the tests' clock.
func NextThree(t testing.TB) Scenario {
	ms := alescotest.Meetings(t, 3)
	ev := func(id int, title string, start time.Time) alesco.SiteEvent {
		return alesco.SiteEvent{UID: fmt.Sprintf("indico-event-%d@events.almalinux.org", id), Title: title,
			URL: fmt.Sprintf("https://events.almalinux.org/event/%d/", id), Start: start, End: start.Add(time.Hour)}
	}
	events := []alesco.SiteEvent{
		ev(101, "ALESCo Meeting", ms[0].Start),
		ev(102, "Marketing SIG meeting", ms[0].Start.Add(-2*time.Hour)),
		ev(103, "ALESCo Meeting", ms[1].Start.Add(time.Hour)),
	}
	return Scenario{Meetings: ms, Events: events, FirstEventURL: events[0].URL}
}
