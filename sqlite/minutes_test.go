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

	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

var voters = []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "lance-albertson", "neal-gompa"}

func testCtx() context.Context { return alescotest.Admin(context.Background()) }

// meetingID is the meeting the store tests record: the last one before
// the tests' now (alesco-2026-11-19 on the default today).
var meetingID = alescotest.LastMeeting.ID

// testApp is the application on a store, at the meeting's end: store
// tests write through the use cases, as the server does.
func testApp(t testing.TB, db *sqlite.DB) *app.App {
	t.Helper()
	a, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: db, Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// openMeeting records full attendance and opens n motions.
func openMeeting(t testing.TB, a *app.App, n int) []int64 {
	t.Helper()
	ctx := testCtx()
	var as []alesco.Attendee
	for _, id := range voters {
		as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: id})
	}
	if _, _, err := a.RecordAttendance(ctx, meetingID, as); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		mo, err := a.OpenMotion(ctx, meetingID, fmt.Sprintf("motion %d", i), 0)
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
	db.Now = func() time.Time { return alescotest.Epoch }
	a, err := app.New(app.Options{Committees: alesco.NewCommittees(cs), Store: db, Now: db.Now})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	n, _ := strconv.Atoi(os.Getenv("ALESCO_CRASH_CHILD_MOTIONS"))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k, member := range voters {
		wg.Go(func() {
			for round := 0; ; round++ {
				for motion := int64(1); motion <= int64(n); motion++ {
					v := voteValue(motion+int64(round), k)
					if _, err := a.CastVote(ctx, app.VoteRequest{MotionID: motion, MemberID: member, Value: v}); err != nil {
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
	db.Now = func() time.Time { return alescotest.Epoch }
	const motions = 50
	if ids := openMeeting(t, testApp(t, db), motions); ids[0] != 1 || ids[motions-1] != motions {
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
	m := read(t, db, func(tx alesco.ReadTx) (*alesco.Minutes, error) { return tx.Minutes(meetingID) })
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
	head, err := db.VerifyAudit(context.Background(), nil)
	if err != nil {
		t.Fatalf("audit chain after crash: %v", err)
	}
	n := int(head.Rows)
	if n < 1+motions+count {
		t.Errorf("audit rows = %d, want at least %d (attendance, %d motions, %d acknowledged votes)", n, 1+motions+count, motions, count)
	}
	t.Logf("%d votes acknowledged, %d audit rows verified", count, n)
}

// TestFinalMinutesImmutable: the store refuses writes to final minutes,
// and so do the triggers when SQL bypasses the store.
func TestFinalMinutesImmutable(t *testing.T) {
	ctx := testCtx()
	db, path := openTest(t)
	a := testApp(t, db)
	ids := openMeeting(t, a, 1)
	if _, err := a.CastVote(ctx, app.VoteRequest{MotionID: ids[0], MemberID: "ben-thomas", Value: alesco.VoteYes}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CloseMotion(ctx, ids[0], alesco.OutcomeNone); err != nil {
		t.Fatal(err)
	}
	item, err := a.AddActionItem(ctx, meetingID, "Ben Thomas", "write it up")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.FinalizeMinutes(ctx, meetingID, []string{"Ben Thomas"}, nil); err != nil {
		t.Fatal(err)
	}
	// The store itself refuses to save a changed final record.
	err = db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		m, err := tx.Minutes(meetingID)
		if err != nil {
			return alesco.Change{}, err
		}
		m.Notes = append(m.Notes, alesco.Note{Text: "sneaky"})
		return alesco.Change{Action: "test", Subject: "test"}, tx.SaveMinutes(m)
	})
	if alesco.ErrorCode(err) != alesco.EPRECONDITION || !strings.Contains(alesco.ErrorMessage(err), "final") {
		t.Errorf("saving a changed final record: err = %v", err)
	}
	if _, err := a.CompleteActionItem(ctx, item.ID); err != nil {
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
		`INSERT INTO minutes_notes (meeting_id, text) VALUES ('` + meetingID + `', 'sneaky')`,
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

// TestCarryOverFromStore: the store hands the carry-over rule the closed
// motions and open action items of earlier meetings, oldest first: tabled
// and punted motions carry over until a later motion on the same proposal
// settles them; open action items carry over.
func TestCarryOverFromStore(t *testing.T) {
	ctx := testCtx()
	db, _ := openTest(t)
	a := testApp(t, db)
	c := alescotest.Committee(t)
	present := func(id string) {
		var as []alesco.Attendee
		for _, m := range voters {
			as = append(as, alesco.Attendee{Kind: alesco.AttendeeMember, MemberID: m})
		}
		if _, _, err := a.RecordAttendance(ctx, id, as); err != nil {
			t.Fatal(err)
		}
	}
	motion := func(id, title string, pr int, o alesco.MotionOutcome) {
		mo, err := a.OpenMotion(ctx, id, title, pr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CloseMotion(ctx, mo.ID, o); err != nil {
			t.Fatal(err)
		}
	}
	past := alescotest.PastMeetings(t, 3) // 2026-10-22, 11-05 and 11-19 on the default today
	oct, nov := past[0].ID, past[1].ID
	present(oct)
	present(nov)
	motion(oct, "Btrfs", 9, alesco.OutcomePunted)
	motion(oct, "EPEL v2", 0, alesco.OutcomeTabled)
	motion(oct, "Kernels", 15, alesco.OutcomeTabled)
	motion(nov, "Btrfs again", 9, alesco.OutcomeRejected) // settles #9
	if _, err := a.AddActionItem(ctx, oct, "Neal Gompa", "ask upstream"); err != nil {
		t.Fatal(err)
	}
	carried := func(before alesco.Date) []alesco.CarryOverItem {
		at := before.At(12, 0, c.Location)
		return read(t, db, func(tx alesco.ReadTx) ([]alesco.CarryOverItem, error) {
			motions, err := tx.PastMotions("alesco", at)
			if err != nil {
				return nil, err
			}
			items, err := tx.PastActionItems("alesco", at)
			return alesco.CarryOver(motions, items), err
		})
	}
	if items := carried(past[1].Date); len(items) != 4 { // before November: all three October motions and the item
		t.Fatalf("before %s: %+v", nov, items)
	}
	var got []string
	for _, it := range carried(past[2].Date) {
		got = append(got, string(it.Kind)+":"+it.Title+" ("+it.Note+")")
	}
	want := strings.NewReplacer("OCT", past[0].Date.String()).Replace("motion:EPEL v2 (tabled on OCT),motion:Kernels (tabled on OCT),action_item:ask upstream (action item from the OCT meeting)")
	if strings.Join(got, ",") != want {
		t.Fatalf("carried over: %s, want %s", strings.Join(got, ","), want)
	}
}
