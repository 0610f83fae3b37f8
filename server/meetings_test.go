package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/icaltest"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/calendar"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/emersion/go-ical"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

var newYork = alescotest.Location("America/New_York")

func ny(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, newYork)
}

func meetingClient(e *alescotest.Env, opts ...connect.ClientOption) v1.MeetingServiceClient {
	return v1.NewMeetingServiceClient(e.Client, e.URL, opts...)
}

func chairClient(e *alescotest.Env) v1.MeetingServiceClient {
	return meetingClient(e, alescotest.WithToken(e.Token(alesco.RoleChair, "alesco", "")))
}

func listMeetings(t *testing.T, c v1.MeetingServiceClient, from, to time.Time) []*alescov1.Meeting {
	t.Helper()
	resp, err := c.ListMeetings(context.Background(), connect.NewRequest(&alescov1.ListMeetingsRequest{
		CommitteeId: "alesco", StartTime: timestamppb.New(from), EndTime: timestamppb.New(to)}))
	if err != nil {
		t.Fatal(err)
	}
	return resp.Msg.Meetings
}

// listMeetingsLong lists the meetings of a window of any length, a year
// at a time (ListMeetings answers at most five years).
func listMeetingsLong(t *testing.T, c v1.MeetingServiceClient, from, to time.Time) []*alescov1.Meeting {
	t.Helper()
	var out []*alescov1.Meeting
	for start := from; start.Before(to); start = start.AddDate(1, 0, 0) {
		out = append(out, listMeetings(t, c, start, minTime(start.AddDate(1, 0, 0), to))...)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// TestListMeetingsMinutesDates: the embedded configuration reproduces the
// real meeting dates: every minutes file from 2025-09-04 on is a meeting.
func TestListMeetingsMinutesDates(t *testing.T) {
	env := alescotest.New(t)
	data, err := os.ReadFile("../calendar/testdata/minutes-dates.txt")
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range alescotest.Protocols {
		t.Run(name, func(t *testing.T) {
			ms := listMeetings(t, meetingClient(env, opts...), ny(2025, 9, 1, 0, 0), ny(2026, 8, 1, 0, 0))
			byID := map[string]*alescov1.Meeting{}
			for _, m := range ms {
				byID[m.Id] = m
				if !strings.HasSuffix(m.LocalStart, "T12:00") || m.TimeZone != "America/New_York" {
					t.Errorf("%s starts %s %s, want 12:00 America/New_York", m.Id, m.LocalStart, m.TimeZone)
				}
			}
			checked := 0
			for _, line := range strings.Split(string(data), "\n") {
				if line == "" || line[0] == '#' || line < "2025-09-04" {
					continue
				}
				checked++
				if m, ok := byID["alesco-"+line]; !ok || m.Status != alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED {
					t.Errorf("minutes of %s: no scheduled meeting alesco-%s in ListMeetings", line, line)
				}
			}
			if checked != 3 {
				t.Fatalf("checked %d minutes dates, want 3", checked)
			}
			// The series change phase on 2026-02-12: 02-05 is the last of the
			// old one, 02-12 the first of the new.
			for _, id := range []string{"alesco-2026-01-22", "alesco-2026-02-05", "alesco-2026-02-12", "alesco-2026-02-26"} {
				if _, ok := byID[id]; !ok {
					t.Errorf("no meeting %s", id)
				}
			}
			if _, ok := byID["alesco-2026-02-19"]; ok {
				t.Error("meeting on 2026-02-19, but the series was re-phased")
			}
		})
	}
}

// TestMeetingWrites walks cancel, move and add through every protocol's
// client error path and checks the stored outcome.
func TestMeetingWrites(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	chair := chairClient(env)
	// 2026-12-03, 12-17, 12-31 and 2027-01-14 on the default today.
	ms := alescotest.Meetings(t, 4)
	movedTo := alescotest.NY(ms[3].Date.AddDays(1), 15, 30)
	extra := ms[1].ID + "-2"

	cancelled, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[0].ID, Reason: "Holiday week"}))
	if err != nil {
		t.Fatal(err)
	}
	if m := cancelled.Msg.Meeting; m.Status != alescov1.MeetingStatus_MEETING_STATUS_CANCELLED || m.CancelReason != "Holiday week" || m.Sequence != 1 {
		t.Fatalf("cancelled meeting = %v", m)
	}
	moved, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[3].ID, StartTime: timestamppb.New(movedTo)}))
	if err != nil {
		t.Fatal(err)
	}
	m := moved.Msg.Meeting
	if m.Status != alescov1.MeetingStatus_MEETING_STATUS_MOVED || m.LocalStart != ms[3].Date.AddDays(1).String()+"T15:30" ||
		!m.OriginalStartTime.AsTime().Equal(ms[3].At(12, 0)) || m.EndTime.AsTime().Sub(m.StartTime.AsTime()) != time.Hour {
		t.Fatalf("moved meeting = %v", m)
	}
	added, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(ms[1].At(16, 0)),
		Duration: durationpb.New(30 * time.Minute), Title: "Extra: RFC 12 vote"}))
	if err != nil {
		t.Fatal(err)
	}
	// The day already has the series meeting: the extra one is "-2".
	if a := added.Msg.Meeting; a.Id != extra || a.Title != "Extra: RFC 12 vote" || a.SeriesId != "" ||
		a.Links.IcsUrl != "https://alesco.example.org/calendar/alesco/"+extra+".ics" {
		t.Fatalf("added meeting = %v", a)
	}
	added2, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(ms[1].At(18, 0))}))
	if err != nil {
		t.Fatal(err)
	}
	if a := added2.Msg.Meeting; a.Id != ms[1].ID+"-3" || a.Title != "ALESCo meeting" || a.EndTime.AsTime().Sub(a.StartTime.AsTime()) != time.Hour {
		t.Fatalf("second added meeting = %v", a)
	}
	// Moving an added meeting keeps it an added one.
	if r, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[1].ID + "-3", StartTime: timestamppb.New(alescotest.NY(ms[1].Date.AddDays(1), 9, 0))})); err != nil {
		t.Fatal(err)
	} else if r.Msg.Meeting.Sequence != 2 || r.Msg.Meeting.LocalStart != ms[1].Date.AddDays(1).String()+"T09:00" {
		t.Fatalf("rescheduled added meeting = %v", r.Msg.Meeting)
	}

	got, err := meetingClient(env, connect.WithHTTPGet()).GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: ms[3].ID}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Msg.Meeting.Status != alescov1.MeetingStatus_MEETING_STATUS_MOVED {
		t.Fatalf("GetMeeting after move = %v", got.Msg.Meeting)
	}
	next, err := meetingClient(env).GetNextMeeting(ctx, connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	if next.Msg.Meeting.Id != ms[1].ID {
		t.Fatalf("next meeting = %s, want %s (%s is cancelled)", next.Msg.Meeting.Id, ms[1].ID, ms[0].ID)
	}
	// The audit log has the three writes' actor.
	entries := env.AuditLog()
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "meeting.") {
			actions = append(actions, e.Action+" "+e.Subject)
		}
	}
	if want := "meeting.cancel meeting/" + ms[0].ID; len(actions) != 5 || actions[0] != want {
		t.Fatalf("audit = %v, want 5 meeting actions starting with %q", actions, want)
	}
}

func TestMeetingWriteErrors(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	chair := chairClient(env)
	ms := alescotest.Meetings(t, 2)
	noMeeting := ms[0].Date.AddDays(1)
	// Days before and after the tests' today (2026-01-01, 2026-11-01 and
	// 2027-01-01 on the default today).
	lastYear, lastMonth, nextMonth := alescotest.Today().AddDays(-328), alescotest.Today().AddDays(-24), alescotest.Today().AddDays(37)
	if _, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[0].ID, Reason: "x"})); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
		want connect.Code
		msg  string
	}{
		{"cancel without reason", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID}))
			return err
		}, connect.CodeInvalidArgument, "reason is required"},
		{"cancel twice", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[0].ID, Reason: "again"}))
			return err
		}, connect.CodeFailedPrecondition, "already cancelled"},
		{"cancel a past meeting", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: alescotest.LastMeeting.ID, Reason: "late"}))
			return err
		}, connect.CodeFailedPrecondition, "is over"},
		{"cancel a day without a meeting", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: alescotest.DayID(noMeeting), Reason: "x"}))
			return err
		}, connect.CodeNotFound, "does not meet on " + noMeeting.String()},
		{"cancel with a bad id", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: "alesco-next-week", Reason: "x"}))
			return err
		}, connect.CodeInvalidArgument, "bad meeting id"},
		{"cancel with a line break in the reason", func() error {
			_, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID, Reason: "a\nb"}))
			return err
		}, connect.CodeInvalidArgument, "must be one line"},
		{"move into the past", func() error {
			_, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[1].ID, StartTime: timestamppb.New(alescotest.NY(lastMonth, 12, 0))}))
			return err
		}, connect.CodeInvalidArgument, "into the past"},
		{"move without a time", func() error {
			_, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[1].ID}))
			return err
		}, connect.CodeInvalidArgument, "start_time is required"},
		{"add in the past", func() error {
			_, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(alescotest.NY(lastYear, 12, 0))}))
			return err
		}, connect.CodeInvalidArgument, "in the past"},
		{"add with a negative duration", func() error {
			_, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(alescotest.NY(nextMonth, 12, 0)), Duration: durationpb.New(-time.Hour)}))
			return err
		}, connect.CodeInvalidArgument, "duration must be positive"},
		{"add to an unknown committee", func() error {
			_, err := meetingClient(env, alescotest.WithToken(env.Token(alesco.RoleAdmin, "alesco", ""))).AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "nope", StartTime: timestamppb.New(alescotest.NY(nextMonth, 12, 0))}))
			return err
		}, connect.CodeNotFound, "no committee"},
		{"list a backwards window", func() error {
			_, err := chair.ListMeetings(ctx, connect.NewRequest(&alescov1.ListMeetingsRequest{CommitteeId: "alesco", StartTime: timestamppb.New(alescotest.NY(nextMonth, 0, 0)), EndTime: timestamppb.New(alescotest.NY(lastYear, 0, 0))}))
			return err
		}, connect.CodeInvalidArgument, "must be after"},
		{"list a century", func() error {
			_, err := chair.ListMeetings(ctx, connect.NewRequest(&alescov1.ListMeetingsRequest{CommitteeId: "alesco", StartTime: timestamppb.New(alescotest.NY(lastYear, 0, 0)), EndTime: timestamppb.New(alescotest.NY(lastYear.AddMonths(1200), 0, 0))}))
			return err
		}, connect.CodeInvalidArgument, "five years"},
		{"member token cannot add", func() error {
			_, err := meetingClient(env, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "neal-gompa"))).AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(alescotest.NY(nextMonth, 12, 0))}))
			return err
		}, connect.CodePermissionDenied, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if alescotest.CodeOf(err) != tc.want || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
	// A secretary may cancel too.
	sec := meetingClient(env, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	if _, err := sec.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[1].ID, Reason: "Chair away"})); err != nil {
		t.Fatalf("secretary cancel: %v", err)
	}
}

// TestMeetingReadsConditional: Connect GET reads answer 304 for a matching
// If-None-Match, and a new ETag once the meeting changes.
func TestMeetingReadsConditional(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	url := env.URL + v1.MeetingServiceGetMeetingProcedure + "?encoding=json&message=" + `{"meetingId":"` + next.ID + `"}`
	get := func(inm string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := env.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	first := get("")
	etag := first.Header.Get("ETag")
	if first.StatusCode != 200 || etag == "" {
		t.Fatalf("GET: %d etag %q", first.StatusCode, etag)
	}
	if r := get(etag); r.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %d, want 304", r.StatusCode)
	}
	if _, err := chairClient(env).CancelMeeting(context.Background(), connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: next.ID, Reason: "x"})); err != nil {
		t.Fatal(err)
	}
	if r := get(etag); r.StatusCode != 200 || r.Header.Get("ETag") == etag {
		t.Fatalf("after cancel: %d etag %q, want 200 and a new ETag", r.StatusCode, r.Header.Get("ETag"))
	}
}

var sequenceRE = regexp.MustCompile(`(?m)^SEQUENCE:(\d+)\r$`)

func maxSequence(body []byte) int {
	n := 0
	for _, m := range sequenceRE.FindAllSubmatch(body, -1) {
		k, _ := strconv.Atoi(string(m[1]))
		n = max(n, k)
	}
	return n
}

// checkLines fails when a physical line is longer than 75 octets or does
// not end in CRLF.
func checkLines(t *testing.T, name string, body []byte) {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Errorf("%s: does not end with CRLF", name)
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > calendar.MaxLineOctets {
			t.Errorf("%s: line %d has %d octets: %q", name, i+1, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("%s: line %d has a bare CR or LF", name, i+1)
		}
	}
}

// TestFeedHTTP checks the feeds' HTTP behaviour: type, caching headers,
// byte-identical output for unchanged data, 304s, HEAD, and a cancel giving
// a new ETag and a higher SEQUENCE.
func TestFeedHTTP(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	paths := []string{"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true", "/calendar/alesco/" + next.ID + ".ics"}
	before := map[string]alescotest.Fetched{}
	for _, p := range paths {
		t.Run("GET "+p, func(t *testing.T) {
			a := env.Fetch("GET", p)
			if a.Status != 200 {
				t.Fatalf("status %d: %s", a.Status, a.Body)
			}
			if ct := a.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := a.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
				t.Errorf("Cache-Control = %q", cc)
			}
			etag, lm := a.Header.Get("ETag"), a.Header.Get("Last-Modified")
			if !strings.HasPrefix(etag, `"`) || lm == "" {
				t.Fatalf("ETag %q (want strong) Last-Modified %q", etag, lm)
			}
			checkLines(t, p, a.Body)
			for _, want := range []string{"METHOD:PUBLISH", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "X-WR-CALNAME:", "NAME:", "BEGIN:VTIMEZONE\r\nTZID:America/New_York"} {
				if !bytes.Contains(a.Body, []byte(want)) {
					t.Errorf("feed lacks %q", want)
				}
			}
			b := env.Fetch("GET", p)
			if !bytes.Equal(a.Body, b.Body) || b.Header.Get("ETag") != etag {
				t.Fatal("unchanged data gave different bytes or ETag")
			}
			if r := env.Fetch("GET", p, "If-None-Match", etag); r.Status != http.StatusNotModified || len(r.Body) != 0 {
				t.Errorf("If-None-Match: %d, want 304", r.Status)
			}
			if r := env.Fetch("GET", p, "If-None-Match", `"other", `+etag); r.Status != http.StatusNotModified {
				t.Errorf("If-None-Match list: %d, want 304", r.Status)
			}
			if r := env.Fetch("GET", p, "If-Modified-Since", lm); r.Status != http.StatusNotModified {
				t.Errorf("If-Modified-Since: %d, want 304", r.Status)
			}
			if r := env.Fetch("HEAD", p); r.Status != 200 || len(r.Body) != 0 || r.Header.Get("ETag") != etag || r.Header.Get("Content-Length") != strconv.Itoa(len(a.Body)) {
				t.Errorf("HEAD: %d, %d bytes, etag %q, length %q", r.Status, len(r.Body), r.Header.Get("ETag"), r.Header.Get("Content-Length"))
			}
			before[p] = a
		})
	}
	env.Clock.Set(env.Now().Add(time.Hour))
	if _, err := chairClient(env).CancelMeeting(context.Background(), connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: next.ID, Reason: "Holiday"})); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run("after cancel "+p, func(t *testing.T) {
			old := before[p]
			a := env.Fetch("GET", p, "If-None-Match", old.Header.Get("ETag"))
			if a.Status != 200 || a.Header.Get("ETag") == old.Header.Get("ETag") {
				t.Fatalf("status %d, ETag %q: want 200 with a new ETag", a.Status, a.Header.Get("ETag"))
			}
			if strings.Contains(p, "expand") {
				// One event per meeting: the cancelled one is gone.
				if uid := []byte("UID:" + next.ID + "@"); !bytes.Contains(old.Body, uid) || bytes.Contains(a.Body, uid) {
					t.Errorf("expanded feed still lists the cancelled meeting")
				}
			} else if maxSequence(a.Body) <= maxSequence(old.Body) {
				t.Errorf("SEQUENCE %d, was %d: want it higher", maxSequence(a.Body), maxSequence(old.Body))
			}
			lm, _ := http.ParseTime(a.Header.Get("Last-Modified"))
			if !lm.Equal(env.Now()) {
				t.Errorf("Last-Modified = %v, want the cancel's time %v", lm, env.Now())
			}
			if r := env.Fetch("GET", p, "If-Modified-Since", old.Header.Get("Last-Modified")); r.Status != 200 {
				t.Errorf("If-Modified-Since the old time: %d, want 200", r.Status)
			}
		})
	}
	single := env.Fetch("GET", "/calendar/alesco/"+next.ID+".ics")
	for _, want := range []string{"STATUS:CANCELLED", "SUMMARY:Cancelled: ALESCo meeting", "UID:" + next.ID + "@alesco.example.org", "Cancelled: Holiday"} {
		if !bytes.Contains(single.Body, []byte(want)) {
			t.Errorf("cancelled meeting's file lacks %q", want)
		}
	}
	feed := env.Fetch("GET", "/calendar/alesco.ics")
	if !bytes.Contains(feed.Body, []byte("EXDATE;TZID=America/New_York:"+next.At(12, 0).Format("20060102T150405")+"\r\n")) {
		t.Errorf("feed lacks the EXDATE of the cancelled meeting:\n%s", feed.Body)
	}
}

func TestFeedErrors(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	cases := []struct {
		path string
		want int
	}{
		{"/calendar/nope.ics", 404},
		{"/calendar/alesco.ical", 404},
		{"/calendar/alesco.ics?expand=maybe", 400},
		{"/calendar/alesco/" + alescotest.DayID(next.Date.AddDays(1)) + ".ics", 404},
		{"/calendar/other/" + next.ID + ".ics", 404},
		{"/calendar/alesco/" + next.ID + ".txt", 404},
		{"/calendar/alesco/garbage.ics", 400},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			if r := env.Fetch("GET", tc.path); r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
		})
	}
}

// occurrence is one meeting as a parser sees it.
type occurrence struct {
	UID   string `json:"uid"`
	Start string `json:"start"`
}

// TestFeedParsersAgree: go-ical, python3-icalendar with
// recurring-ical-events, and ical.js each expand the recurring and the
// expanded feed to exactly the meetings ListMeetings lists, over a window
// from the first minutes imported (all-day meetings of unknown time) to a
// year ahead, crossing the DST changes, with cancelled and moved meetings.
func TestFeedParsersAgree(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	chair := chairClient(env)
	for name, data := range alescotest.WikiFixtures(t) {
		if _, err := env.App.ImportMinutes(alescotest.Admin(ctx), "alesco", name, data); err != nil {
			t.Fatal(err)
		}
	}
	// 2026-12-03, ..., 2027-02-11 on the default today.
	ms := alescotest.Meetings(t, 6)
	movedTo, addedAt, movedAway := alescotest.NY(ms[3].Date.AddDays(1), 15, 30), alescotest.NY(ms[4].Date.AddDays(5), 10, 0), alescotest.NY(ms[5].Date.AddDays(-1), 12, 0)
	if _, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[0].ID, Reason: "Holiday"})); err != nil {
		t.Fatal(err)
	}
	if _, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[3].ID, StartTime: timestamppb.New(movedTo)})); err != nil {
		t.Fatal(err)
	}
	if _, err := chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(addedAt), Title: "Extra meeting, RFC vote"})); err != nil {
		t.Fatal(err)
	}
	// Cancel a moved meeting too: it must vanish from its new slot.
	if _, err := chair.RescheduleMeeting(ctx, connect.NewRequest(&alescov1.RescheduleMeetingRequest{MeetingId: ms[5].ID, StartTime: timestamppb.New(movedAway)})); err != nil {
		t.Fatal(err)
	}
	if _, err := chair.CancelMeeting(ctx, connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: ms[5].ID, Reason: "No agenda"})); err != nil {
		t.Fatal(err)
	}
	// From before the first minutes imported (history) to a fortnight
	// after the last meeting changed (2027-03-01 on the default today).
	from, to := ny(2024, 7, 1, 0, 0).UTC(), alescotest.NY(ms[5].Date.AddDays(18), 0, 0).UTC()
	var want []string
	dst := map[bool]int{}
	allDay := 0
	for _, m := range listMeetingsLong(t, meetingClient(env), from, to) {
		if m.Status == alescov1.MeetingStatus_MEETING_STATUS_CANCELLED {
			continue
		}
		start := m.StartTime.AsTime()
		if m.AllDay {
			allDay++
			want = append(want, m.LocalStart[:10])
			continue
		}
		want = append(want, start.UTC().Format(time.RFC3339))
		if m.SeriesId != "" && m.Status == alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED && start.In(newYork).Hour() != 12 {
			t.Errorf("%s starts at %s local", m.Id, start.In(newYork))
		}
		dst[start.In(newYork).IsDST()]++
	}
	if dst[true] < 5 || dst[false] < 5 || len(want) < 24 || allDay != 5 {
		t.Fatalf("window has %d meetings (%d in DST, %d not, %d all day): want both kinds and the 5 imported off the series", len(want), dst[true], dst[false], allDay)
	}
	sort.Strings(want)
	mustHave := map[string]bool{
		movedTo.UTC().Format(time.RFC3339): true,
		addedAt.UTC().Format(time.RFC3339): true,
	}
	var mustLack []string
	for _, gone := range []time.Time{ms[0].Start, ms[3].Start, movedAway, ms[5].Start} {
		mustLack = append(mustLack, gone.UTC().Format(time.RFC3339))
	}
	for _, w := range want {
		delete(mustHave, w)
	}
	if len(mustHave) > 0 {
		t.Fatalf("ListMeetings lacks %v", mustHave)
	}

	dir := t.TempDir()
	parsers := []struct {
		name string
		run  func(t *testing.T, file string) []string
	}{
		{"go-ical", func(t *testing.T, file string) []string {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cal, err := ical.NewDecoder(f).Decode()
			if err != nil {
				t.Fatal(err)
			}
			ins, err := icaltest.Expand(cal, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, in := range ins {
				if in.AllDay {
					out = append(out, in.Start.Format(time.DateOnly))
					continue
				}
				out = append(out, in.Start.UTC().Format(time.RFC3339))
			}
			sort.Strings(out)
			return out
		}},
		{"python3-icalendar+recurring-ical-events", func(t *testing.T, file string) []string {
			return runExternal(t, "/usr/bin/python3", "-c", "import icalendar, recurring_ical_events",
				"/usr/bin/python3", "../calendar/testdata/expand.py", file, from.Format(time.RFC3339), to.Format(time.RFC3339))
		}},
		{"ical.js", func(t *testing.T, file string) []string {
			node, err := exec.LookPath("node")
			if err != nil {
				alescotest.External(t, "node is not installed (apt-get install nodejs)")
			}
			if _, err := os.Stat("../calendar/testdata/icaljs/node_modules/ical.js"); err != nil {
				alescotest.External(t, "ical.js is not installed: run `npm ci` in calendar/testdata/icaljs")
			}
			return runExternal(t, node, "-e", "", node, "../calendar/testdata/icaljs/expand.mjs", file, from.Format(time.RFC3339), to.Format(time.RFC3339))
		}},
	}
	for _, feed := range []string{"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true"} {
		r := env.Fetch("GET", feed)
		if r.Status != 200 {
			t.Fatalf("%s: %d", feed, r.Status)
		}
		file := filepath.Join(dir, strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(feed))
		if err := os.WriteFile(file, r.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, p := range parsers {
			t.Run(p.name+" "+feed, func(t *testing.T) {
				got := p.run(t, file)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("%s expands %s to %d meetings, ListMeetings has %d:\ngot  %v\nwant %v", p.name, feed, len(got), len(want), got, want)
				}
				for _, l := range mustLack {
					for _, g := range got {
						if g == l {
							t.Errorf("%s shows a meeting at %s, which was cancelled or moved away", p.name, l)
						}
					}
				}
			})
		}
	}
}

// runExternal checks the tool with probe, then runs it and reads JSON lines
// of occurrences, returning their starts.
func runExternal(t *testing.T, probeBin, probeFlag, probeArg string, bin string, args ...string) []string {
	t.Helper()
	if _, err := os.Stat(probeBin); err != nil {
		alescotest.External(t, probeBin+" is not installed")
	}
	if out, err := exec.Command(probeBin, probeFlag, probeArg).CombinedOutput(); err != nil {
		alescotest.External(t, fmt.Sprintf("%s cannot load its modules (apt-get install python3-icalendar python3-recurring-ical-events): %s", probeBin, out))
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.String())
	}
	var starts []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var o occurrence
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("bad output line %q: %v", sc.Text(), err)
		}
		starts = append(starts, o.Start)
	}
	return starts
}
