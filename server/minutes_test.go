package server_test

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

var update = flag.Bool("update", false, "rewrite golden files")

// carriedOver is what the minutes before an instant left open for the
// next agenda, as the store has it.
func carriedOver(t *testing.T, env *alescotest.Env, before time.Time) []alesco.CarryOverItem {
	t.Helper()
	var out []alesco.CarryOverItem
	err := env.DB.View(context.Background(), func(tx alesco.ReadTx) error {
		motions, err := tx.PastMotions("alesco", before)
		if err != nil {
			return err
		}
		items, err := tx.PastActionItems("alesco", before)
		out = alesco.CarryOver(motions, items)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// auditRows counts the audit log's rows.
func auditRows(env *alescotest.Env) int { return len(env.AuditLog()) }

// TestImportWikiMinutes imports the eight real files over RPC, checks the
// acceptance numbers, idempotency (no new audit rows) and the round trip
// import -> export -> import.
func TestImportWikiMinutes(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	client := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	results := map[string]*alescov1.ImportResult{}
	fixtures := alescotest.WikiFixtures(t)
	for name, data := range fixtures {
		resp, err := client.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: name, Markdown: string(data)}))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !resp.Msg.Result.Changed {
			t.Errorf("%s: first import reported no change", name)
		}
		results[resp.Msg.Result.Date] = resp.Msg.Result
	}
	cases := []struct {
		date                    string
		present, roster, quorum int
		met                     bool
		decisions               int
		extraMeeting            bool
	}{
		{"2025-10-16", 3, 5, 4, false, 0, false},
		{"2025-05-28", 4, 6, 4, true, 2, true},
		{"2026-06-04", 4, 4, 4, true, 1, false},
		{"2024-07-24", 6, 6, 4, true, 3, true},
	}
	for _, tc := range cases {
		r := results[tc.date]
		if r == nil {
			t.Fatalf("no result for %s", tc.date)
		}
		if len(r.MembersPresent) != tc.present || int(r.RosterSize) != tc.roster || int(r.QuorumRequired) != tc.quorum || r.QuorumMet != tc.met || len(r.Decisions) != tc.decisions {
			t.Errorf("%s: %d present of %d, quorum %d met %v, %d decisions; want %d of %d, %d, %v, %d",
				tc.date, len(r.MembersPresent), r.RosterSize, r.QuorumRequired, r.QuorumMet, len(r.Decisions), tc.present, tc.roster, tc.quorum, tc.met, tc.decisions)
		}
		m, err := env.App.GetMeeting(ctx, r.MeetingId)
		if added := m.SeriesID == ""; err != nil || added != tc.extraMeeting {
			t.Errorf("%s: meeting added %v (err %v), want %v", tc.date, added, err, tc.extraMeeting)
		}
	}

	// Idempotent: importing again changes nothing, not even the audit log.
	before := auditRows(env)
	for name, data := range fixtures {
		resp, err := client.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: name, Markdown: string(data)}))
		if err != nil || resp.Msg.Result.Changed {
			t.Fatalf("%s: second import: changed=%v err=%v", name, resp.Msg.GetResult().GetChanged(), err)
		}
	}
	if after := auditRows(env); after != before {
		t.Fatalf("second import wrote audit rows: audit rows %d -> %d", before, after)
	}

	// Round trip: the exported Markdown re-imports to the same record.
	reader := v1.NewMinutesServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	for _, r := range results {
		got, err := reader.GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: r.MeetingId}))
		if err != nil {
			t.Fatal(err)
		}
		m := got.Msg.Minutes
		if m.Status != alescov1.MinutesStatus_MINUTES_STATUS_FINAL || m.MembersPresent != int32(len(r.MembersPresent)) {
			t.Errorf("%s: status %v present %d", r.MeetingId, m.Status, m.MembersPresent)
		}
		resp, err := client.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: "export.md", Markdown: m.Markdown}))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Msg.Result.Changed {
			t.Errorf("%s: re-importing the export changed the record:\n%s", r.MeetingId, m.Markdown)
		}
	}
	if h, err := env.DB.VerifyAudit(ctx, nil); err != nil || h.Rows == 0 {
		t.Fatalf("audit: %v, %v", h, err)
	}

	list, err := reader.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco"}))
	if err != nil || len(list.Msg.Minutes) != 8 || list.Msg.Minutes[0].Date != "2024-07-24" {
		t.Fatalf("ListMinutes: %v %v", list, err)
	}

	// The current-shape file is served byte for byte, with a working ETag.
	res, err := env.Client.Get(env.URL + "/minutes/alesco-2026-07-30.md")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != string(fixtures["2026-07-30.md"]) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/markdown") {
		t.Fatalf("GET .md: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	req, _ := http.NewRequest("GET", env.URL+"/minutes/alesco-2026-07-30.md", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %d, want 304", res2.StatusCode)
	}
	res3, err := env.Client.Get(env.URL + "/minutes/alesco-2026-07-31.md")
	if err != nil {
		t.Fatal(err)
	}
	res3.Body.Close()
	if res3.StatusCode != http.StatusNotFound {
		t.Fatalf("missing minutes: %d, want 404", res3.StatusCode)
	}
}

// TestGetMinutesETag: a Connect GET with the ETag it was given is answered
// NotModified until something is written.
func TestGetMinutesETag(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	data := alescotest.WikiFixtures(t)["2025-10-16.md"]
	if _, err := env.App.ImportMinutes(alescotest.Admin(ctx), "alesco", "2025-10-16.md", data); err != nil {
		t.Fatal(err)
	}
	client := v1.NewMinutesServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	req := connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: "alesco-2025-10-16"})
	resp, err := client.GetMinutes(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if m := resp.Msg.Minutes; m.MembersPresent != 3 || m.RosterSize != 5 || m.QuorumRequired != 4 || m.QuorumMet {
		t.Fatalf("2025-10-16: %d of %d, quorum %d met %v", m.MembersPresent, m.RosterSize, m.QuorumRequired, m.QuorumMet)
	}
	etag := resp.Header().Get("ETag")
	req2 := connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: "alesco-2025-10-16"})
	req2.Header().Set("If-None-Match", etag)
	if _, err := client.GetMinutes(ctx, req2); !connect.IsNotModifiedError(err) {
		t.Fatalf("err = %v, want not modified", err)
	}
	_, err = client.GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: "alesco-2025-10-17"}))
	if alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("err = %v, want NotFound", err)
	}
}

// ok unwraps a response, failing the test on error: ok(client.Call(...))(t).
func ok[T any](resp *connect.Response[T], err error) func(t *testing.T) *T {
	return func(t *testing.T) *T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return resp.Msg
	}
}

func wantCode(t *testing.T, err error, code connect.Code, msg string) {
	t.Helper()
	if alescotest.CodeOf(err) != code || !strings.Contains(err.Error(), msg) {
		t.Fatalf("err = %v, want %v containing %q", err, code, msg)
	}
}

// TestScriptedMeeting records the last meeting (2026-11-19 on the default
// today) over RPC: attendance, notes, two motions with live and async
// votes, a replaced vote, a tie decided by the chair, a punted motion, an
// action item, finalize; its export matches the golden file, and what it
// left open is carried to the next meeting.
func TestScriptedMeeting(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	meeting, day := alescotest.LastMeeting.ID, alescotest.LastMeeting.Date.String()
	staff := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	chair := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "andrew-lukoshko")))
	andrew := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "andrew-lukoshko")))
	ben := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "ben-thomas")))
	lance := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "lance-albertson")))
	member := func(id string, absent bool, note string) *alescov1.Attendee {
		return &alescov1.Attendee{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER, MemberId: id, Absent: absent, Note: note}
	}

	_, err := staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: "Too early"}))
	wantCode(t, err, connect.CodeFailedPrecondition, "quorum not met: 0 of 5 members present, 4 required")
	_, err = staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting, Attendees: []*alescov1.Attendee{
		member("andrew-lukoshko", false, ""), member("ben-thomas", false, ""), member("jonathan-wright", false, ""), member("lance-albertson", true, ""),
	}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: "Too early"}))
	wantCode(t, err, connect.CodeFailedPrecondition, "quorum not met: 3 of 5 members present, 4 required")
	att := ok(staff.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: meeting, Attendees: []*alescov1.Attendee{
		member("andrew-lukoshko", false, ""), member("ben-thomas", false, ""), member("jonathan-wright", false, ""),
		member("neal-gompa", false, "arrived late"), member("lance-albertson", true, ""),
		{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_BOARD, Name: "benny Vasquez"},
		{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY, Name: "Luna Jernberg"},
	}})))(t)
	if m := att.Minutes; m.MembersPresent != 4 || !m.QuorumMet || m.RosterSize != 5 {
		t.Fatalf("attendance: %d present of %d, met %v", m.MembersPresent, m.RosterSize, m.QuorumMet)
	}

	ok(staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: "RFC: Adding proposal for github org management", ProposalNumber: 16,
		Text: "Discussed [the RFC](https://github.com/AlmaLinux/ALESCo/pull/16); review comments are addressed."})))(t)
	m1 := ok(staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: "Adopt the GitHub org management RFC", ProposalNumber: 16})))(t).Motion
	vote := func(c v1.MinutesServiceClient, motion int64, memberID string, v alescov1.VoteValue) (*alescov1.Motion, error) {
		resp, err := c.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: motion, MemberId: memberID, Value: v}))
		if err != nil {
			return nil, err
		}
		return resp.Msg.Motion, nil
	}
	yes, no := alescov1.VoteValue_VOTE_VALUE_YES, alescov1.VoteValue_VOTE_VALUE_NO
	for _, step := range []struct {
		c      v1.MinutesServiceClient
		member string
		v      alescov1.VoteValue
	}{
		{andrew, "", yes}, {ben, "ben-thomas", yes}, {staff, "jonathan-wright", yes}, {staff, "neal-gompa", no},
		{ben, "", no}, // Ben changes his vote while the motion is open.
	} {
		if _, err := vote(step.c, m1.Id, step.member, step.v); err != nil {
			t.Fatalf("vote %s: %v", step.member, err)
		}
	}
	_, err = vote(ben, m1.Id, "neal-gompa", yes)
	wantCode(t, err, connect.CodePermissionDenied, "acts only as its own member")
	_, err = vote(staff, m1.Id, "cody-robertson", yes)
	wantCode(t, err, connect.CodePermissionDenied, "not on the ALESCo roster on "+day)
	_, err = ben.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: m1.Id, Value: yes}))
	wantCode(t, err, connect.CodePermissionDenied, "only the chair or the member the chair designated")
	dec := ok(chair.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: m1.Id, Value: yes})))(t).Motion
	if dec.DecidingVote.GetMemberId() != "andrew-lukoshko" || dec.Tally.Yes != 2 || dec.Tally.No != 2 {
		t.Fatalf("deciding vote %v tally %v", dec.DecidingVote, dec.Tally)
	}
	closed := ok(staff.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: m1.Id})))(t).Motion
	if closed.Outcome != alescov1.MotionOutcome_MOTION_OUTCOME_PASSED || closed.Unanimous {
		t.Fatalf("motion 1: %v unanimous %v", closed.Outcome, closed.Unanimous)
	}

	m2 := ok(staff.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: meeting, Title: "Enable Btrfs as a tech preview", ProposalNumber: 9})))(t).Motion
	_, err = lance.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: m2.Id, Value: yes, Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC}))
	wantCode(t, err, connect.CodePermissionDenied, "member token votes live")
	_, err = staff.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: m2.Id, MemberId: "lance-albertson", Value: yes, Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC}))
	wantCode(t, err, connect.CodeInvalidArgument, "reference_url")
	ok(staff.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: m2.Id, MemberId: "lance-albertson", Value: yes,
		Source: alescov1.VoteSource_VOTE_SOURCE_ASYNC, ReferenceUrl: "https://github.com/AlmaLinux/ALESCo/pull/9#issuecomment-1"})))(t)
	ok(staff.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: m2.Id, MemberId: "neal-gompa", Value: yes})))(t)
	ok(staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: "RFC: Enable Btrfs as a tech preview", ProposalNumber: 9,
		Text: "Andrew wants a proof of concept first."})))(t)
	punted := ok(staff.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: m2.Id, OutcomeOverride: alescov1.MotionOutcome_MOTION_OUTCOME_PUNTED})))(t).Motion
	if punted.Outcome != alescov1.MotionOutcome_MOTION_OUTCOME_PUNTED {
		t.Fatalf("motion 2: %v", punted.Outcome)
	}
	item := ok(staff.AddActionItem(ctx, connect.NewRequest(&alescov1.AddActionItemRequest{MeetingId: meeting, Owner: "Neal Gompa", Text: "Build a Btrfs proof of concept"})))(t).ActionItem
	fin := ok(staff.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: meeting,
		RecordedBy: []string{"Andrew Lukoshko"}, EditedBy: []string{"Andrew Lukoshko", "Jonathan Wright"}})))(t).Minutes
	if fin.Status != alescov1.MinutesStatus_MINUTES_STATUS_FINAL || len(fin.Decisions) != 1 {
		t.Fatalf("finalized: %v, decisions %v", fin.Status, fin.Decisions)
	}

	// The golden file is the export on the default today, of 2026-11-19:
	// on another today it reads with the meeting's date.
	golden := filepath.Join("testdata", "minutes-2026-11-19.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(strings.ReplaceAll(fin.Markdown, day, "2026-11-19")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	recorded, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(string(recorded), "2026-11-19", day)
	if fin.Markdown != want {
		t.Fatalf("export differs from %s (run with -update to accept):\n%s", golden, fin.Markdown)
	}

	// Final minutes are immutable.
	_, err = staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: meeting, Topic: "Late", Text: "too late"}))
	wantCode(t, err, connect.CodeFailedPrecondition, "minutes of "+meeting+" are final; amend them")
	_, err = vote(staff, m1.Id, "neal-gompa", yes)
	wantCode(t, err, connect.CodeFailedPrecondition, "are final; amend them")

	// Ben's replaced vote is still in the audit log.
	entries := env.AuditLog()
	benVotes := 0
	for _, e := range entries {
		if e.Action == "motion.vote" && strings.Contains(e.Detail, `"member":"ben-thomas"`) {
			benVotes++
		}
	}
	if benVotes != 2 {
		t.Fatalf("audit log has %d votes by Ben, want 2 (cast, then replaced)", benVotes)
	}

	// The punted motion and the action item carry over to the next meeting.
	nm := alescotest.NextMeeting(t)
	next := nm.Start
	items := carriedOver(t, env, next)
	if len(items) != 2 || items[0].Kind != alesco.CarryMotion || items[0].ProposalNumber != 9 || items[0].Title != "Enable Btrfs as a tech preview" ||
		items[1].Kind != alesco.CarryActionItem || items[1].Owner != "Neal Gompa" || items[1].MeetingID != meeting {
		t.Fatalf("carried over: %+v", items)
	}

	// ...and the next meeting's agenda lists them, over the API.
	agenda := ok(v1.NewAgendaServiceClient(env.Client, env.URL, connect.WithHTTPGet()).GetAgenda(ctx,
		connect.NewRequest(&alescov1.GetAgendaRequest{MeetingId: nm.ID})))(t).Agenda
	if co := agenda.CarriedOver; len(co) != 2 || co[0].Kind != alescov1.AgendaItemKind_AGENDA_ITEM_KIND_MOTION || co[0].Number != 9 ||
		co[1].Kind != alescov1.AgendaItemKind_AGENDA_ITEM_KIND_ACTION_ITEM || co[1].Owner != "Neal Gompa" || co[1].SourceMeetingId != meeting {
		t.Fatalf("agenda of %s carries over %v", nm.ID, co)
	}
	if !strings.Contains(agenda.Markdown, "Enable Btrfs as a tech preview") || !strings.Contains(agenda.Markdown, "Neal Gompa") {
		t.Fatalf("agenda Markdown lacks the carried-over items:\n%s", agenda.Markdown)
	}

	// Completing the action item is still allowed, and it drops off.
	ok(staff.CompleteActionItem(ctx, connect.NewRequest(&alescov1.CompleteActionItemRequest{ActionItemId: item.Id})))(t)
	if items := carriedOver(t, env, next); len(items) != 1 {
		t.Fatalf("after completion: %+v", items)
	}

	// An amendment keeps both versions.
	amended := ok(chair.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: meeting, Reason: "Neal's note",
		Markdown: strings.Replace(want, "a proof of concept first.", "a proof of concept first, on Kitten.", 1)})))(t).Minutes
	if amended.Revision != 2 || len(amended.Revisions) != 1 || amended.Revisions[0].Markdown != want || amended.Revisions[0].Reason != "Neal's note" ||
		!strings.Contains(amended.Markdown, "on Kitten.") || amended.Status != alescov1.MinutesStatus_MINUTES_STATUS_FINAL {
		t.Fatalf("amended: rev %d, %d revisions, status %v\n%s", amended.Revision, len(amended.Revisions), amended.Status, amended.Markdown)
	}
	reopened := ok(staff.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: meeting, Reason: "add a note"})))(t).Minutes
	if reopened.Status != alescov1.MinutesStatus_MINUTES_STATUS_DRAFT || reopened.Revision != 3 || len(reopened.Revisions) != 2 {
		t.Fatalf("reopened: %v rev %d", reopened.Status, reopened.Revision)
	}
	if rep, err := env.App.VerifyAudit(ctx, nil); err != nil || rep.Sealed != 2 {
		t.Fatalf("audit: %+v, %v; want the two frozen revisions sealed and verified", rep, err)
	}
}

// TestDesignatedDecidingVote: the chair designates a member, who may then
// cast the deciding vote with their own member token.
func TestDesignatedDecidingVote(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	motion := setupMotion(t, env, alescotest.LastMeeting.ID)
	ben := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "ben-thomas")))
	chair := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleChair, "alesco", "")))
	yes := alescov1.VoteValue_VOTE_VALUE_YES
	_, err := ben.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: motion.ID, Value: yes}))
	wantCode(t, err, connect.CodePermissionDenied, "designated")
	ok(chair.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: motion.ID, MemberId: "ben-thomas"})))(t)
	got := ok(ben.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: motion.ID, Value: alescov1.VoteValue_VOTE_VALUE_NO})))(t).Motion
	if got.DecidingVote.GetMemberId() != "ben-thomas" {
		t.Fatalf("deciding vote: %v", got.DecidingVote)
	}
	closed := ok(chair.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: motion.ID})))(t).Motion
	if closed.Outcome != alescov1.MotionOutcome_MOTION_OUTCOME_REJECTED {
		t.Fatalf("outcome %v", closed.Outcome)
	}
}

// setupMotion records attendance (four of five present) and opens a motion
// with a 2-2 tie, through the application layer.
func setupMotion(t testing.TB, env *alescotest.Env, meeting string) alesco.Motion {
	t.Helper()
	ctx := alescotest.Admin(context.Background())
	var as []alesco.Attendee
	for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
	}
	if _, _, err := env.App.RecordAttendance(ctx, meeting, as); err != nil {
		t.Fatal(err)
	}
	mo, err := env.App.OpenMotion(ctx, meeting, "A tied question", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"} {
		v := alesco.VoteYes
		if i%2 == 1 {
			v = alesco.VoteNo
		}
		if mo, err = env.App.CastVote(ctx, app.VoteRequest{MotionID: mo.ID, MemberID: id, Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	return mo
}

// TestMinutesAuthMatrix calls every MinutesService write RPC as every kind
// of caller and checks the code.
func TestMinutesAuthMatrix(t *testing.T) {
	type call struct {
		name string
		do   func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error
	}
	yes := alescov1.VoteValue_VOTE_VALUE_YES
	calls := []call{
		{"RecordAttendance", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.RecordAttendance(ctx, connect.NewRequest(&alescov1.RecordAttendanceRequest{MeetingId: ids.draft,
				Attendees: []*alescov1.Attendee{{Kind: alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY, Name: "Luna Jernberg"}}}))
			return err
		}},
		{"AddNote", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: ids.meeting, Topic: "t", Text: "x"}))
			return err
		}},
		{"OpenMotion", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.OpenMotion(ctx, connect.NewRequest(&alescov1.OpenMotionRequest{MeetingId: ids.meeting, Title: "another"}))
			return err
		}},
		{"CastVote", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: ids.openMotion, Value: yes}))
			if alescotest.CodeOf(err) == connect.CodeInvalidArgument { // staff must name the member
				_, err = c.CastVote(ctx, connect.NewRequest(&alescov1.CastVoteRequest{MotionId: ids.openMotion, MemberId: "neal-gompa", Value: yes}))
			}
			return err
		}},
		{"CastDecidingVote", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.CastDecidingVote(ctx, connect.NewRequest(&alescov1.CastDecidingVoteRequest{MotionId: ids.tiedMotion, Value: yes}))
			return err
		}},
		{"CloseMotion", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.CloseMotion(ctx, connect.NewRequest(&alescov1.CloseMotionRequest{MotionId: ids.closeMotion, OutcomeOverride: alescov1.MotionOutcome_MOTION_OUTCOME_TABLED}))
			return err
		}},
		{"AddActionItem", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.AddActionItem(ctx, connect.NewRequest(&alescov1.AddActionItemRequest{MeetingId: ids.meeting, Owner: "Neal Gompa", Text: "x"}))
			return err
		}},
		{"CompleteActionItem", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.CompleteActionItem(ctx, connect.NewRequest(&alescov1.CompleteActionItemRequest{ActionItemId: ids.actionItem}))
			return err
		}},
		{"FinalizeMinutes", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.FinalizeMinutes(ctx, connect.NewRequest(&alescov1.FinalizeMinutesRequest{MeetingId: ids.draft, RecordedBy: []string{"x"}}))
			return err
		}},
		{"AmendMinutes", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.AmendMinutes(ctx, connect.NewRequest(&alescov1.AmendMinutesRequest{MeetingId: ids.final, Reason: "typo"}))
			return err
		}},
		{"ImportMinutes", func(ctx context.Context, c v1.MinutesServiceClient, ids fixtureIDs) error {
			_, err := c.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: "2025-10-16.md", Markdown: ids.markdown}))
			return err
		}},
	}
	const okCode connect.Code = 0
	type caller struct {
		name  string
		token func(env *alescotest.Env) string
		// want gives the expected code per RPC; missing RPCs expect def.
		def  connect.Code
		want map[string]connect.Code
	}
	callers := []caller{
		{"no token", func(*alescotest.Env) string { return "" }, connect.CodeUnauthenticated, nil},
		{"bad token", func(*alescotest.Env) string { return "alesco_forged" }, connect.CodeUnauthenticated, nil},
		{"member of another committee", func(e *alescotest.Env) string { return e.Token(alesco.RoleMember, "other", "someone") }, connect.CodePermissionDenied, nil},
		{"chair of another committee", func(e *alescotest.Env) string { return e.Token(alesco.RoleChair, "other", "") }, connect.CodePermissionDenied, nil},
		{"member", func(e *alescotest.Env) string { return e.Token(alesco.RoleMember, "alesco", "neal-gompa") }, connect.CodePermissionDenied,
			map[string]connect.Code{"CastVote": okCode}}, // CastDecidingVote: Neal is neither chair nor designated
		{"chair as member", func(e *alescotest.Env) string { return e.Token(alesco.RoleMember, "alesco", "andrew-lukoshko") }, connect.CodePermissionDenied,
			map[string]connect.Code{"CastVote": okCode, "CastDecidingVote": okCode}},
		{"secretary", func(e *alescotest.Env) string { return e.Token(alesco.RoleSecretary, "alesco", "") }, okCode, nil},
		{"chair", func(e *alescotest.Env) string { return e.Token(alesco.RoleChair, "alesco", "andrew-lukoshko") }, okCode, nil},
		{"admin", func(e *alescotest.Env) string { return e.Token(alesco.RoleAdmin, "other", "") }, okCode, nil},
	}
	markdown := string(alescotest.WikiFixtures(t)["2025-10-16.md"])
	for _, who := range callers {
		t.Run(who.name, func(t *testing.T) {
			env := alescotest.New(t)
			ids := newFixtureIDs(t, env)
			ids.markdown = markdown
			var opts []connect.ClientOption
			if tok := who.token(env); tok != "" {
				opts = append(opts, alescotest.WithToken(tok))
			}
			client := v1.NewMinutesServiceClient(env.Client, env.URL, opts...)
			for _, c := range calls {
				want, found := who.want[c.name]
				if !found {
					want = who.def
				}
				err := c.do(context.Background(), client, ids)
				if got := alescotest.CodeOf(err); got != want || (want == okCode && err != nil) {
					t.Errorf("%s: err = %v, want %v", c.name, err, want)
				}
			}
		})
	}
}

type fixtureIDs struct {
	meeting, draft, final                           string
	openMotion, tiedMotion, closeMotion, actionItem int64
	markdown                                        string
}

func newFixtureIDs(t *testing.T, env *alescotest.Env) fixtureIDs {
	t.Helper()
	ctx := alescotest.Admin(context.Background())
	past := alescotest.PastMeetings(t, 3) // 2026-10-22, 11-05, 11-19 on the default today
	tied := setupMotion(t, env, past[2].ID)
	ids := fixtureIDs{meeting: past[2].ID, tiedMotion: tied.ID, draft: past[1].ID, final: past[0].ID}
	for _, p := range []*int64{&ids.openMotion, &ids.closeMotion} {
		mo, err := env.App.OpenMotion(ctx, ids.meeting, "motion", 0)
		if err != nil {
			t.Fatal(err)
		}
		*p = mo.ID
	}
	a, err := env.App.AddActionItem(ctx, ids.meeting, "Ben Thomas", "do it")
	if err != nil {
		t.Fatal(err)
	}
	ids.actionItem = a.ID
	for _, id := range []string{ids.draft, ids.final} {
		if _, err := env.App.AddNote(ctx, id, alesco.Note{Topic: "x", Text: "y"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := env.App.FinalizeMinutes(ctx, ids.final, []string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	return ids
}

// BenchmarkGetMinutes measures GetMinutes over Connect (protobuf, POST) on
// a real server and SQLite file, for imported minutes.
func BenchmarkGetMinutes(b *testing.B) {
	ctx := context.Background()
	env := alescotest.New(b)
	for name, data := range alescotest.WikiFixtures(b) {
		if _, err := env.App.ImportMinutes(alescotest.Admin(ctx), "alesco", name, data); err != nil {
			b.Fatal(err)
		}
	}
	for name, opts := range map[string][]connect.ClientOption{"connect": nil, "connect-get": {connect.WithHTTPGet()}, "grpc": {connect.WithGRPC()}} {
		b.Run(name, func(b *testing.B) {
			client := v1.NewMinutesServiceClient(env.Client, env.URL, opts...)
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: "alesco-2025-05-28"}))
				if err != nil || resp.Msg.Minutes.MembersPresent != 4 {
					b.Fatal(err)
				}
			}
		})
	}
}
