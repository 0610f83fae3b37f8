package alesco_test

import (
	"slices"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// empty is the minutes of 2026-11-19 with nobody recorded yet.
func empty(t *testing.T) (*alesco.Committee, *alesco.Minutes) {
	t.Helper()
	c := alescotest.Committee(t)
	d := alescotest.Date("2026-11-19")
	return c, alesco.NewMinutes(alesco.Meeting{ID: "alesco-2026-11-19", CommitteeID: "alesco", Start: d.At(12, 0, c.Location), Location: c.Location})
}

func TestFindMember(t *testing.T) {
	c := alescotest.Committee(t)
	d := alescotest.Date("2026-11-19")
	for ref, want := range map[string]string{
		"neal-gompa": "neal-gompa", "Neal Gompa": "neal-gompa", "  neal   GOMPA ": "neal-gompa", "Conan-Kudo": "neal-gompa",
		"ngompa13": "neal-gompa", "@ngompa13": "neal-gompa", "neal": "neal-gompa", "gompa": "neal-gompa",
		"alukoshko": "andrew-lukoshko", "b.a.thomas": "ben-thomas", "ramereth": "lance-albertson",
		// Former members are found by exact names only.
		"codyro": "cody-robertson", "Cody Robertson": "cody-robertson",
	} {
		m, err := c.FindMember(ref, d)
		if err != nil || m.ID != want {
			t.Errorf("FindMember(%q) = %v, %v; want %s", ref, m, err, want)
		}
	}
	_, err := c.FindMember("cody", d) // not on the roster that day, so no first-name match
	wantErr(t, err, alesco.ENOTFOUND, `no member "cody" in ALESCo: name one by id, full name, GitHub login or chat handle (Andrew Lukoshko, Ben Thomas`)

	ms, err := c.FindMembers("Andrew Lukoshko Ben Thomas @ngompa13 jonathan", d)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	if want := []string{"andrew-lukoshko", "ben-thomas", "neal-gompa", "jonathan-wright"}; !slices.Equal(ids, want) {
		t.Errorf("FindMembers = %v, want %v", ids, want)
	}
	if ms, err := c.FindMembers("andrew, ben and lance", d); err != nil || len(ms) != 3 || ms[2].ID != "lance-albertson" {
		t.Errorf("FindMembers with commas = %v, %v", ms, err)
	}
	if m, ok := c.MemberByChat("NGOMPA13"); !ok || m.ID != "neal-gompa" {
		t.Errorf("MemberByChat = %v, %v", m, ok)
	}
	if _, ok := c.MemberByChat("someone"); ok {
		t.Error("an unknown handle found a member")
	}
}

func TestChangeAttendance(t *testing.T) {
	c, m := empty(t)
	at := func(minute int) time.Time { return recordNow.Add(time.Duration(minute) * time.Minute) }
	change := func(act alesco.AttendanceAction, who string, minute int) alesco.AttendanceResult {
		t.Helper()
		r, err := m.ChangeAttendance(c, alesco.AttendanceChange{Action: act, Who: who}, at(minute))
		if err != nil {
			t.Fatalf("%s %s: %v", act, who, err)
		}
		return r
	}
	r := change(alesco.AttendPresent, "andrew, ben, jonathan", 0)
	if !slices.Equal(r.Names, []string{"Andrew Lukoshko", "Ben Thomas", "Jonathan Wright"}) || r.PresentAfter != 3 || r.QuorumReached() {
		t.Fatalf("present: %+v", r)
	}
	r = change(alesco.AttendLate, "@ngompa13", 7)
	if !r.QuorumReached() || r.PresentAfter != 4 {
		t.Fatalf("late arrival: %+v, want quorum reached with 4", r)
	}
	if r := change(alesco.AttendPresent, "ben", 8); len(r.Names) != 0 || !slices.Equal(r.Unchanged, []string{"Ben Thomas"}) {
		t.Errorf("present twice: %+v, want unchanged", r)
	}
	change(alesco.AttendAbsent, "lance", 9)
	change(alesco.AttendGuest, "Luna Jernberg", 10)
	change(alesco.AttendBoard, "bennyvasquez", 11)
	r = change(alesco.AttendLeft, "Ben Thomas", 40)
	if !r.QuorumLost() || r.PresentAfter != 3 {
		t.Fatalf("leaving: %+v, want quorum lost at 3", r)
	}
	want := []alesco.Attendee{
		{Kind: alesco.AttendeeMember, MemberID: "andrew-lukoshko", Name: "Andrew Lukoshko", Arrived: at(0)},
		{Kind: alesco.AttendeeMember, MemberID: "ben-thomas", Name: "Ben Thomas", Arrived: at(0), Left: at(40), Note: "left early"},
		{Kind: alesco.AttendeeMember, MemberID: "jonathan-wright", Name: "Jonathan Wright", Arrived: at(0)},
		{Kind: alesco.AttendeeMember, MemberID: "neal-gompa", Name: "Neal Gompa", Arrived: at(7), Note: "arrived late"},
		{Kind: alesco.AttendeeMember, MemberID: "lance-albertson", Name: "Lance Albertson", Absent: true},
		{Kind: alesco.AttendeeCommunity, Name: "Luna Jernberg", Arrived: at(10)},
		{Kind: alesco.AttendeeBoard, Name: "benny Vasquez", Arrived: at(11)},
	}
	if !slices.EqualFunc(m.Attendees, want, alesco.SameAttendee) {
		t.Fatalf("attendance:\n got %+v\nwant %+v", m.Attendees, want)
	}
	// With quorum lost no motion can be put; Ben's return restores it.
	_, err := m.OpenMotion(c, "x", 0, at(41))
	wantErr(t, err, alesco.EPRECONDITION, "quorum not met: 3 of 5 members present, 4 required")
	if r := change(alesco.AttendPresent, "ben", 45); !r.QuorumReached() || m.Attendees[1].Note != "" || !m.Attendees[1].Left.IsZero() {
		t.Errorf("back: %+v, %+v", r, m.Attendees[1])
	}

	for _, tc := range []struct {
		act       alesco.AttendanceAction
		who, code string
		msg       string
	}{
		{alesco.AttendPresent, "nobody", alesco.ENOTFOUND, `no member "nobody" in ALESCo`},
		{alesco.AttendPresent, "Cody Robertson", alesco.EINVALID, "Cody Robertson is not on the ALESCo roster on 2026-11-19"},
		{alesco.AttendLate, "andrew ben", alesco.EINVALID, "late takes one member at a time"},
		{alesco.AttendGuest, " ", alesco.EINVALID, "name the guest attendee, e.g. guest Luna Jernberg"},
		{"dance", "x", alesco.EINVALID, "unknown attendance change"},
	} {
		_, err := m.ChangeAttendance(c, alesco.AttendanceChange{Action: tc.act, Who: tc.who}, at(50))
		wantErr(t, err, tc.code, tc.msg)
	}
	_, m2 := empty(t)
	_, err = m2.ChangeAttendance(c, alesco.AttendanceChange{Action: alesco.AttendLeft, Who: "neal"}, at(1))
	wantErr(t, err, alesco.EPRECONDITION, "Neal Gompa is not recorded present: record them with present or late first")
}

func TestLiveTopicsAndMotions(t *testing.T) {
	c, m := draft(t, four...)
	if topic, _ := m.CurrentTopic(); topic != "" {
		t.Fatalf("topic before any: %q", topic)
	}
	if _, err := m.TakeUp("Discussed RFC: Adding proposal for github org management", 16); err != nil {
		t.Fatal(err)
	}
	n, err := m.AddNote(alesco.Note{Text: "No change since the last meeting."})
	if err != nil || n.Topic != "RFC: Adding proposal for github org management" || n.ProposalNumber != 16 {
		t.Fatalf("a note without topic goes under the current one: %+v, %v", n, err)
	}
	mo, err := m.Propose(c, alesco.MotionSpec{Title: "Adopt it", OnTopic: true}, recordNow)
	if err != nil || mo.ProposalNumber != 16 || mo.Topic != "RFC: Adding proposal for github org management" {
		t.Fatalf("motion on the topic: %+v, %v", mo, err)
	}
	mo.ID = 1
	_, err = m.Propose(c, alesco.MotionSpec{Title: "Another"}, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, `motion 1 (Adopt it) is still open: close it first`)
	if id, err := m.OpenMotionID(0); err != nil || id != 1 {
		t.Errorf("the open motion: %d, %v", id, err)
	}
	if _, err := m.CloseMotion(c, 1, alesco.OutcomeTabled, recordNow); err != nil {
		t.Fatal(err)
	}
	_, err = m.OpenMotionID(0)
	wantErr(t, err, alesco.EPRECONDITION, "no motion is open: put one with motion TEXT")
	d, err := m.Agree("Unanimously voted to backport the gVNIC drivers.")
	if err != nil || d.ProposalNumber != 16 || d.MotionID != 0 || len(d.Details) != 0 {
		t.Errorf("agreed: %+v, %v", d, err)
	}
	if _, err := m.Agree(" "); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Errorf("empty agreement: %v", err)
	}
}
