package live_test

import (
	"context"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
)

// TestUndo: undo takes back the speaker's own last note, action item or
// agreed decision, newest first, never another person's; it is audited,
// and refused once the minutes are final.
func TestUndo(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	secretary := alesco.Principal{Role: alesco.RoleSecretary, CommitteeID: "alesco", Name: "test secretary"}
	script(t, env.App, chair, id, `
startmeeting
present andrew, ben, jonathan, neal
topic Backports
info The first note stays.
action andrew Draft the backport plan
agreed Backport the drivers
info Typed in the wrong window`)
	script(t, env.App, secretary, id, "info The secretary's note")
	got := script(t, env.App, chair, id, "undo\nundo\nundo")
	want := []string{
		`withdrawn: the note "Typed in the wrong window"`,
		`withdrawn: the decision "Backport the drivers"`,
		`withdrawn: the action item "Draft the backport plan"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("undo replies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, m, err := env.App.GetMinutes(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, n := range m.Notes {
		if n.Text != "" { // "" is the topic's own line
			notes = append(notes, n.Text)
		}
	}
	if strings.Join(notes, "|") != "The first note stays.|The secretary's note" || len(m.ActionItems) != 0 || len(m.Decisions) != 0 {
		t.Fatalf("after undo: notes %q, %d action items, %d decisions", notes, len(m.ActionItems), len(m.Decisions))
	}
	undos := 0
	for _, e := range env.AuditLog() {
		if e.Action == "minutes.undo" && e.Actor == chair.Name && e.Subject == "meeting/"+id {
			undos++
		}
	}
	if undos != 3 {
		t.Errorf("%d audited undos, want 3", undos)
	}
	ctx := alesco.NewContext(context.Background(), chair)
	if r, err := live.Run(ctx, env.App, id, "undo"); err != nil || r != `withdrawn: the note "The first note stays."` {
		t.Errorf("fourth undo: %q %v", r, err)
	}
	if _, err := live.Run(ctx, env.App, id, "undo"); alesco.ErrorCode(err) != alesco.EPRECONDITION || !strings.Contains(alesco.ErrorMessage(err), "nothing of yours") {
		t.Errorf("undo with only another person's note left: %v", err)
	}

	script(t, env.App, chair, id, "info Before the end\nendmeeting")
	if _, err := live.Run(ctx, env.App, id, "undo"); alesco.ErrorCode(err) != alesco.EPRECONDITION || !strings.Contains(alesco.ErrorMessage(err), "final") {
		t.Errorf("undo once final: %v, want a refusal saying the minutes are final", err)
	}
}

// TestLink: link notes an http(s) link under the topic, with its text;
// anything but http(s) is refused.
func TestLink(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.At(12, 2))
	id := next.ID
	got := script(t, env.App, chair, id, `
startmeeting
topic Kernels
link https://example.org/a_(b) The [draft] plan
url https://example.org/plain`)
	if got[2] != `link noted under "Kernels"` || got[3] != `link noted under "Kernels"` {
		t.Fatalf("replies %q", got)
	}
	_, m, err := env.App.GetMinutes(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if n := m.Notes; len(n) != 3 || n[1].Text != `[The \[draft\] plan](https://example.org/a_%28b%29)` || n[2].Text != "<https://example.org/plain>" || n[2].Topic != "Kernels" {
		t.Errorf("notes %v", n)
	}
	ctx := alesco.NewContext(context.Background(), chair)
	for _, line := range []string{"link javascript:alert(1) click", "link ftp://example.org/x", "link example.org"} {
		if _, err := live.Run(ctx, env.App, id, line); alesco.ErrorCode(err) != alesco.EINVALID {
			t.Errorf("%s: %v, want invalid", line, err)
		}
	}
	if !strings.Contains(live.Help(), "link URL [TEXT]") || !strings.Contains(live.Help(), "undo") || !strings.Contains(live.Usage(), "undo") {
		t.Error("help does not list link and undo")
	}
}
