package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

var voters = []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "lance-albertson", "neal-gompa"}

func alescoCommittee(t testing.TB) *alesco.Committee {
	t.Helper()
	cs, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

func testCtx() context.Context {
	return alesco.NewContext(context.Background(), alesco.Principal{Role: alesco.RoleAdmin, Name: "test"})
}

var meetingRef = sqlite.MeetingRef{ID: "alesco-2026-11-19", CommitteeID: "alesco", Date: alesco.MustDate("2026-11-19"),
	Start: time.Date(2026, 11, 19, 17, 0, 0, 0, time.UTC)}

// openMeeting records full attendance and opens n motions.
func openMeeting(t testing.TB, db *sqlite.DB, c *alesco.Committee, n int) []int64 {
	t.Helper()
	ctx := testCtx()
	var as []alesco.Attendee
	for _, id := range voters {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
	}
	if _, err := db.RecordAttendance(ctx, c, meetingRef, as); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		mo, err := db.OpenMotion(ctx, c, meetingRef, fmt.Sprintf("motion %d", i), 0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, mo.ID)
	}
	return ids
}

func voteValue(motion int64, member int) alesco.VoteValue {
	return alesco.VoteValue((int(motion)+member)%3 - 1)
}

// TestCrashChild is the child process of TestCrashKeepsAcknowledgedVotes,
// which re-executes this test binary; on its own it does nothing.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("ALESCO_CRASH_CHILD_DB")
	if path == "" {
		t.Skip("only runs as the child of TestCrashKeepsAcknowledgedVotes")
	}
	crashChild(path)
}

// crashChild casts votes from one goroutine per member, round after round
// over every motion (a later round replaces the earlier vote), printing
// "ack ROUND MOTION MEMBER VALUE" only after the store acknowledged each
// vote, until the parent kills it with SIGKILL.
func crashChild(path string) {
	ctx := testCtx()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	cs, _ := config.Default()
	c := cs[0]
	n, _ := strconv.Atoi(os.Getenv("ALESCO_CRASH_CHILD_MOTIONS"))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k, member := range voters {
		wg.Go(func() {
			for round := 0; ; round++ {
				for motion := int64(1); motion <= int64(n); motion++ {
					v := voteValue(motion+int64(round), k)
					if _, err := db.CastVote(ctx, c, motion, alesco.Vote{MemberID: member, Value: v}); err != nil {
						fmt.Fprintln(os.Stderr, "vote:", err)
						os.Exit(4)
					}
					mu.Lock()
					fmt.Printf("ack %d %d %s %d\n", round, motion, member, v)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
}

// TestCrashKeepsAcknowledgedVotes kills a child process that is casting
// votes concurrently (SIGKILL, no chance to clean up); after reopening,
// every vote the child acknowledged is stored and the audit chain verifies.
func TestCrashKeepsAcknowledgedVotes(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "alesco.db")
	db, err := sqlite.Open(testCtx(), path)
	if err != nil {
		t.Fatal(err)
	}
	c := alescoCommittee(t)
	const motions = 50
	if ids := openMeeting(t, db, c, motions); ids[0] != 1 || ids[motions-1] != motions {
		t.Fatalf("motion ids %d..%d", ids[0], ids[len(ids)-1])
	}
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), "ALESCO_CRASH_CHILD_DB="+path, "ALESCO_CRASH_CHILD_MOTIONS="+strconv.Itoa(motions))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	type key struct {
		motion int64
		member string
	}
	type ack struct {
		round int
		value alesco.VoteValue
	}
	acked := map[key]ack{}     // the last acknowledged vote per motion and member
	lastOf := map[string]key{} // each member's last acknowledged vote
	record := func(line string) {
		f := strings.Fields(line)
		if len(f) != 5 || f[0] != "ack" {
			return
		}
		round, _ := strconv.Atoi(f[1])
		motion, _ := strconv.ParseInt(f[2], 10, 64)
		v, _ := strconv.Atoi(f[4])
		k := key{motion, f[3]}
		acked[k] = ack{round, alesco.VoteValue(v)}
		lastOf[f[3]] = k
	}
	sc := bufio.NewScanner(out)
	count := 0
	for sc.Scan() {
		record(sc.Text())
		if count++; count == 400 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	for sc.Scan() { // acks printed before the kill landed
		record(sc.Text())
		count++
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", err)
	}

	db, err = sqlite.Open(testCtx(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, found, err := db.Minutes(context.Background(), meetingRef.ID)
	if err != nil || !found {
		t.Fatalf("minutes after restart: %v", err)
	}
	stored := map[key]alesco.VoteValue{}
	for _, mo := range m.Motions {
		for _, v := range mo.Votes {
			stored[key{mo.ID, v.MemberID}] = v.Value
		}
	}
	for k, a := range acked {
		got, ok := stored[k]
		if ok && got == a.value {
			continue
		}
		// Each member had at most one vote in flight when the child died:
		// the one after its last acknowledged vote, which may have committed.
		member := slices.Index(voters, k.member)
		last := lastOf[k.member]
		nextMotion, nextRound := last.motion+1, acked[last].round
		if nextMotion > motions {
			nextMotion, nextRound = 1, nextRound+1
		}
		if ok && k.motion == nextMotion && got == voteValue(nextMotion+int64(nextRound), member) {
			continue
		}
		t.Errorf("acknowledged vote %d/%s = %v lost (stored %v, %v)", k.motion, k.member, a.value, got, ok)
	}
	n, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("audit chain after crash: %v", err)
	}
	if n < 1+motions+count {
		t.Errorf("audit rows = %d, want at least %d (attendance, %d motions, %d acknowledged votes)", n, 1+motions+count, motions, count)
	}
	t.Logf("%d votes acknowledged, %d audit rows verified", count, n)
}

// TestFinalMinutesImmutable: the store refuses writes to final minutes,
// and so do the triggers when SQL bypasses the store.
func TestFinalMinutesImmutable(t *testing.T) {
	ctx := testCtx()
	path := filepath.Join(t.TempDir(), "alesco.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := alescoCommittee(t)
	ids := openMeeting(t, db, c, 1)
	if _, err := db.CastVote(ctx, c, ids[0], alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteYes}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseMotion(ctx, c, ids[0], alesco.OutcomeNone); err != nil {
		t.Fatal(err)
	}
	item, err := db.AddActionItem(ctx, meetingRef, "Ben Thomas", "write it up")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinalizeMinutes(ctx, c, meetingRef.ID, []string{"Ben Thomas"}, nil); err != nil {
		t.Fatal(err)
	}
	const final = "minutes of alesco-2026-11-19 are final; amend them"
	for name, write := range map[string]func() error{
		"note":       func() error { _, err := db.AddNote(ctx, meetingRef, alesco.Note{Text: "x"}); return err },
		"attendance": func() error { _, err := db.RecordAttendance(ctx, c, meetingRef, nil); return err },
		"motion":     func() error { _, err := db.OpenMotion(ctx, c, meetingRef, "x", 0); return err },
		"action":     func() error { _, err := db.AddActionItem(ctx, meetingRef, "", "x"); return err },
		"finalize":   func() error { _, err := db.FinalizeMinutes(ctx, c, meetingRef.ID, nil, nil); return err },
	} {
		if err := write(); alesco.ErrorCode(err) != alesco.EPRECONDITION || !strings.Contains(alesco.ErrorMessage(err), "final") {
			t.Errorf("%s: err = %v, want %q", name, err, final)
		}
	}
	if _, err := db.CompleteActionItem(ctx, item.ID); err != nil {
		t.Errorf("completing an action item of final minutes: %v", err)
	}
	db.Close()

	// Bypass the store: raw SQL on the same file hits the triggers.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`UPDATE votes SET value = -1`,
		`DELETE FROM votes`,
		`INSERT INTO minutes_notes (meeting_id, text) VALUES ('alesco-2026-11-19', 'sneaky')`,
		`UPDATE minutes_attendees SET absent = 1`,
		`UPDATE decisions SET text = 'rewritten'`,
		`UPDATE motions SET outcome = 'rejected'`,
		`UPDATE minutes SET markdown = 'rewritten'`,
		`DELETE FROM minutes`,
		`UPDATE action_items SET text = 'other'`,
	} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "minutes are final") {
			t.Errorf("%s: err = %v, want the trigger's abort", q, err)
		}
	}
}

// TestOpenItemsBefore: tabled and punted motions carry over until a later
// motion on the same proposal settles them; open action items carry over.
func TestOpenItemsBefore(t *testing.T) {
	ctx := testCtx()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := alescoCommittee(t)
	ref := func(date string) sqlite.MeetingRef {
		d := alesco.MustDate(date)
		return sqlite.MeetingRef{ID: "alesco-" + date, CommitteeID: "alesco", Date: d, Start: d.At(12, 0, c.Location)}
	}
	present := func(r sqlite.MeetingRef) {
		var as []alesco.Attendee
		for _, id := range voters {
			as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
		}
		if _, err := db.RecordAttendance(ctx, c, r, as); err != nil {
			t.Fatal(err)
		}
	}
	motion := func(r sqlite.MeetingRef, title string, pr int, o alesco.MotionOutcome) {
		mo, err := db.OpenMotion(ctx, c, r, title, pr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseMotion(ctx, c, mo.ID, o); err != nil {
			t.Fatal(err)
		}
	}
	oct, nov := ref("2026-10-22"), ref("2026-11-05")
	present(oct)
	present(nov)
	motion(oct, "Btrfs", 9, alesco.OutcomePunted)
	motion(oct, "EPEL v2", 0, alesco.OutcomeTabled)
	motion(oct, "Kernels", 15, alesco.OutcomeTabled)
	motion(nov, "Btrfs again", 9, alesco.OutcomeRejected) // settles #9
	if _, err := db.AddActionItem(ctx, oct, "Neal Gompa", "ask upstream"); err != nil {
		t.Fatal(err)
	}
	items, err := db.OpenItemsBefore(ctx, "alesco", nov.Start)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 { // before November: all three October motions and the item
		t.Fatalf("before %s: %+v", nov.ID, items)
	}
	items, err = db.OpenItemsBefore(ctx, "alesco", ref("2026-11-19").Start)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, string(it.Kind)+":"+it.Title)
	}
	want := "motion:EPEL v2,motion:Kernels,action_item:ask upstream"
	if strings.Join(got, ",") != want {
		t.Fatalf("carried over: %s, want %s", strings.Join(got, ","), want)
	}
}

// TestCloseMotionNeedsQuorum: members leaving mid-meeting break quorum; the
// vote cannot be closed, but the motion can still be punted.
func TestCloseMotionNeedsQuorum(t *testing.T) {
	ctx := testCtx()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := alescoCommittee(t)
	ids := openMeeting(t, db, c, 1)
	var as []alesco.Attendee
	for i, id := range voters {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id, Absent: i >= 3, Note: "left early"})
	}
	if _, err := db.RecordAttendance(ctx, c, meetingRef, as); err != nil {
		t.Fatal(err)
	}
	_, err = db.CloseMotion(ctx, c, ids[0], alesco.OutcomeNone)
	if alesco.ErrorCode(err) != alesco.EPRECONDITION || alesco.ErrorMessage(err) != "quorum not met: 3 of 5 members present, 4 required" {
		t.Fatalf("err = %v", err)
	}
	if _, err := db.CloseMotion(ctx, c, ids[0], alesco.OutcomePassed); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Fatalf("override without quorum: %v", err)
	}
	mo, err := db.CloseMotion(ctx, c, ids[0], alesco.OutcomePunted)
	if err != nil || mo.Outcome != alesco.OutcomePunted {
		t.Fatalf("punt: %v %v", mo, err)
	}
	if _, err := db.CastVote(ctx, c, ids[0], alesco.Vote{MemberID: "ben-thomas", Value: alesco.VoteYes}); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Fatalf("vote on a closed motion: %v", err)
	}
}
