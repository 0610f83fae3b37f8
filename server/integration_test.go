package server_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/emersion/go-ical"
)

// TestCalendarCarriesAgendaAndMinutes checks the three areas together: once
// proposals are synced and minutes imported, the committee feed's override
// for the next meeting carries its agenda, a meeting with minutes is HELD
// and its event links the minutes.
func TestCalendarCarriesAgendaAndMinutes(t *testing.T) {
	env := newRFCEnv(t)
	ctx := context.Background()
	env.mustSync()
	md, err := os.ReadFile("../demo/minutes/2026-07-30.md")
	if err != nil {
		t.Fatal(err)
	}
	mc := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	if _, err := mc.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: "2026-07-30.md", Markdown: string(md)})); err != nil {
		t.Fatal(err)
	}

	m, err := v1.NewMeetingServiceClient(env.Client, env.URL, connect.WithHTTPGet()).GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: "alesco-2026-07-30"}))
	if err != nil {
		t.Fatal(err)
	}
	if m.Msg.Meeting.Status != alescov1.MeetingStatus_MEETING_STATUS_HELD {
		t.Fatalf("alesco-2026-07-30 with minutes is %v, want HELD", m.Msg.Meeting.Status)
	}

	resp, err := env.Client.Get(env.URL + "/calendar/alesco.ics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	descriptions := map[string]string{} // RECURRENCE-ID date -> DESCRIPTION
	for _, ev := range cal.Events() {
		rid := ev.Props.Get(ical.PropRecurrenceID)
		if rid == nil {
			continue
		}
		desc, _ := ev.Props.Text(ical.PropDescription)
		descriptions[rid.Value[:8]] = desc
	}
	held, ok := descriptions["20260730"]
	if !ok || !strings.Contains(held, "/minutes/alesco-2026-07-30.md") {
		t.Errorf("override for 2026-07-30 = %q (present %v), want a minutes link", held, ok)
	}
	nm := alescotest.NextMeeting(t)
	next, ok := descriptions[strings.ReplaceAll(nm.Date.String(), "-", "")]
	if !ok {
		t.Fatalf("no override for the next meeting %s in\n%s", nm.Date, body)
	}
	for _, want := range []string{"#17", "#18", "#16", "/agenda/" + nm.ID + ".md"} {
		if !strings.Contains(next, want) {
			t.Errorf("next meeting's event text lacks %q:\n%s", want, next)
		}
	}
}
