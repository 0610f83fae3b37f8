package indico_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/indico"
)

// The fixture is shaped like Indico's category export
// (/export/categ/ID.ics): UTC times, URL the event's page.
func fixture(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/categ-7.ics")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParse: events are read with their UID, title, times, page and
// status; an event without a time of day is left out and counted; a
// link that is not http(s) is dropped.
func TestParse(t *testing.T) {
	events, skipped, err := indico.Parse(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || skipped != 2 {
		t.Fatalf("events %+v, skipped %d", events, skipped)
	}
	e := events[0]
	if e.UID != "indico-event-112@events.almalinux.org" || e.Title != "ALESCo Meeting" || e.URL != "https://events.almalinux.org/event/112/" ||
		!e.Start.Equal(time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)) || !e.End.Equal(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)) || e.Cancelled {
		t.Errorf("first event: %+v", e)
	}
	if c := events[2]; !c.Cancelled || c.URL != "" {
		t.Errorf("cancelled event with a javascript: link: %+v", c)
	}
}

// TestFetchConditional: the first reading keeps the validators, the next
// one sends them and a 304 says the copy kept holds.
func TestFetchConditional(t *testing.T) {
	body := fixture(t)
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Fri, 20 Nov 2026 10:15:00 GMT")
		w.Header().Set("Content-Type", "text/calendar")
		w.Write(body)
	}))
	defer srv.Close()
	f := indico.New(indico.Options{})
	exp, err := f.Fetch(context.Background(), srv.URL+"/export/categ/7.ics", "", "")
	if err != nil || exp.NotModified || len(exp.Events) != 3 || exp.ETag != `"v1"` || exp.LastModified == "" || exp.Skipped != 2 {
		t.Fatalf("first reading: %+v %v", exp, err)
	}
	again, err := f.Fetch(context.Background(), srv.URL+"/export/categ/7.ics", exp.ETag, exp.LastModified)
	if err != nil || !again.NotModified || again.ETag != `"v1"` {
		t.Fatalf("second reading: %+v %v", again, err)
	}
	if len(seen) != 2 || seen[0] != "|" || seen[1] != `"v1"|Fri, 20 Nov 2026 10:15:00 GMT` {
		t.Errorf("requests' validators: %q", seen)
	}
}

// TestFetchBadInput: an export that cannot be reached, is slow, huge, not
// iCalendar or answers an error is an *indico.Error saying so in words.
func TestFetchBadInput(t *testing.T) {
	huge := "BEGIN:VCALENDAR\r\n" + strings.Repeat("X-PAD:"+strings.Repeat("x", 1000)+"\r\n", 5000)
	block := make(chan struct{})
	defer close(block)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/huge.ics":
			w.Write([]byte(huge))
		case "/html.ics":
			w.Write([]byte("<!doctype html><title>Indico</title>"))
		case "/broken.ics":
			w.Write([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY\r\n"))
		case "/slow.ics":
			select {
			case <-block:
			case <-r.Context().Done():
			}
		default:
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	f := indico.New(indico.Options{Timeout: time.Second, MaxBytes: 1 << 20})
	for _, tc := range []struct{ name, url, want string }{
		{"unreachable", closed.URL + "/7.ics", "cannot be reached"},
		{"slow", srv.URL + "/slow.ics", "did not answer within 1s"},
		{"huge", srv.URL + "/huge.ics", "larger than 1 MiB"},
		{"not iCalendar", srv.URL + "/html.ics", "not iCalendar"},
		{"broken iCalendar", srv.URL + "/broken.ics", "not valid iCalendar"},
		{"an error page", srv.URL + "/gone.ics", "answered 503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), tc.url, "", "")
			var ie *indico.Error
			if !errors.As(err, &ie) || !strings.Contains(ie.PublicError(), tc.want) {
				t.Fatalf("err = %v, want an *indico.Error saying %q", err, tc.want)
			}
		})
	}
}

// FuzzParse: no export crashes the parser; what it keeps has a start.
func FuzzParse(f *testing.F) {
	f.Add(fixture(f))
	f.Add([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		events, _, err := indico.Parse(b)
		if err != nil {
			return
		}
		for _, e := range events {
			if e.Start.IsZero() || e.End.Before(e.Start) {
				t.Fatalf("kept %+v", e)
			}
		}
	})
}

// BenchmarkParse reads the fixture.
func BenchmarkParse(b *testing.B) {
	body := fixture(b)
	for b.Loop() {
		if _, _, err := indico.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseNoTimes: an export whose events all lack a start time is an
// error (a broken export, not an empty category).
func TestParseNoTimes(t *testing.T) {
	body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:ALESCo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	_, skipped, err := indico.Parse([]byte(body))
	var ie *indico.Error
	if !errors.As(err, &ie) || skipped != 1 || !strings.Contains(ie.PublicError(), "has a start time") {
		t.Fatalf("skipped %d, err %v", skipped, err)
	}
	if events, _, err := indico.Parse([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")); err != nil || len(events) != 0 {
		t.Fatalf("an empty category: %v %v", events, err)
	}
}

// BenchmarkParse500 reads an export of 500 events (a busy shared
// category over a few years).
func BenchmarkParse500(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CERN//INDICO//EN\r\n")
	start := time.Date(2024, 1, 4, 17, 0, 0, 0, time.UTC)
	for i := range 500 {
		t := start.Add(time.Duration(i) * 72 * time.Hour)
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nSUMMARY:Group %d meeting\r\nDTSTART:%s\r\nDTEND:%s\r\nDTSTAMP:20261120T101500Z\r\nUID:indico-event-%d@events.almalinux.org\r\nURL:https://events.almalinux.org/event/%d/\r\nEND:VEVENT\r\n",
			i%7, t.Format("20060102T150405Z"), t.Add(time.Hour).Format("20060102T150405Z"), i, i)
	}
	sb.WriteString("END:VCALENDAR\r\n")
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if events, _, err := indico.Parse(body); err != nil || len(events) != 500 {
			b.Fatal(err)
		}
	}
}
