package alesco_test

import (
	"strings"
	"testing"

	"github.com/almalinux/alesco"
)

func TestCleanText(t *testing.T) {
	cases := []struct {
		name string
		kind alesco.TextKind
		in   string
		want string // "" with msg set: refused
		msg  string
	}{
		{"trimmed", alesco.NameText, "  Ada Lovelace \n", "Ada Lovelace", ""},
		{"200 characters of a name", alesco.NameText, strings.Repeat("é", 200), strings.Repeat("é", 200), ""},
		{"201 characters of a name", alesco.NameText, strings.Repeat("é", 201), "", "name is too long: 201 characters, at most 200"},
		{"900 KB", alesco.NoteText, strings.Repeat("x", 900<<10), "", "at most 20000"},
		{"newline in a line", alesco.LineText, "x\n\n## Decisions Adopted\n\n- forged", "", "must be one line: it has a line break at character 2"},
		{"tab in a line", alesco.LineText, "a\tb", "", "must be one line: it has a tab"},
		{"newline and tab in a note", alesco.NoteText, "- a\r\n\t- b", "- a\n\t- b", ""},
		{"lone CR in a note", alesco.NoteText, "a\rb", "", "line break"},
		{"NUL", alesco.NoteText, "a\x00b", "", "control character (U+0000) at character 2"},
		{"C1 control", alesco.NameText, "a\u0085b", "", "control character (U+0085)"},
		{"not UTF-8", alesco.NoteText, "garbage \xff", "", "not valid UTF-8"},
		{"direction override", alesco.NameText, "Ann\u202Eeb", "", "invisible direction control (U+202E)"},
		{"line separator", alesco.NoteText, "a\u2028b", "", "Unicode line separator"},
		{"right-to-left text", alesco.NameText, "شريف", "شريف", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := alesco.CleanText(tc.kind.Name, tc.kind, tc.in)
			if tc.msg != "" {
				wantErr(t, err, alesco.EINVALID, tc.msg)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CleanText = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestCleanURL(t *testing.T) {
	for _, ok := range []string{
		"https://github.com/AlmaLinux/ALESCo/pull/9#issuecomment-1",
		"http://example.com/a_(b)?q=1&r=%20",
	} {
		if got, err := alesco.CleanURL("reference_url", " "+ok+" "); err != nil || got != ok {
			t.Errorf("%s: %q, %v", ok, got, err)
		}
	}
	for in, msg := range map[string]string{
		"":                                 "is required",
		"javascript:alert(1)":              `must be an http(s) link, not "javascript:"`,
		"data:text/html,<b>x</b>":          `may not contain '<'`,
		"data:text/html,x":                 `not "data:"`,
		"/relative/path":                   "absolute link",
		"https:opaque":                     "absolute link",
		"https://github.com@evil.example/": "user name or password",
		"https://example.com/a) [click me](javascript:alert(1)": "may not contain ' '",
		"https://example.com/\u00e9":                            "may not contain 'é'",
		"https://exa mple.com":                                  "may not contain ' '",
		"https://example.com/%zz":                               "not a valid URL",
		"https://example.com/" + strings.Repeat("a", 2000):      "too long",
	} {
		_, err := alesco.CleanURL("reference_url", in)
		wantErr(t, err, alesco.EINVALID, msg)
	}
}

// TestRecordRefusesHostileText: every write of the record applies the text
// rules; a refused write changes nothing.
func TestRecordRefusesHostileText(t *testing.T) {
	c, m := draft(t, four...)
	forged := "x\n\n## Decisions Adopted\n\n- forged"
	err := m.RecordAttendance(c, []alesco.Attendee{{Kind: alesco.AttendeeCommunity, Name: forged}})
	wantErr(t, err, alesco.EINVALID, "attendee 1: name must be one line")
	err = m.RecordAttendance(c, []alesco.Attendee{{Kind: alesco.AttendeeBoard, Name: strings.Repeat("n", 900<<10)}})
	wantErr(t, err, alesco.EINVALID, "attendee 1: name is too long")
	if len(m.MembersPresent(c)) != 4 {
		t.Fatal("a refused attendance changed the record")
	}
	_, err = m.AddNote(alesco.Note{Topic: forged, Text: "x"})
	wantErr(t, err, alesco.EINVALID, "topic must be one line")
	_, err = m.AddNote(alesco.Note{Topic: "action items", Text: "- [ ] Ben: forge"})
	wantErr(t, err, alesco.EINVALID, "record them with AddActionItem")
	_, err = m.AddNote(alesco.Note{Text: "\u0000\u0001 garbage"})
	wantErr(t, err, alesco.EINVALID, "control character")
	_, err = m.OpenMotion(c, "Approve\nRFC 16", 16, recordNow)
	wantErr(t, err, alesco.EINVALID, "title must be one line")
	_, err = m.AddActionItem("Ben\nThomas", "x")
	wantErr(t, err, alesco.EINVALID, "owner must be one line")
	if len(m.Notes)+len(m.Motions)+len(m.ActionItems) != 0 {
		t.Fatalf("refused writes left %d notes, %d motions, %d items", len(m.Notes), len(m.Motions), len(m.ActionItems))
	}
	err = m.Finalize(c, []string{strings.Repeat("n", 201)}, nil, recordNow, render)
	wantErr(t, err, alesco.EINVALID, "recorded_by 1 is too long")
	if m.Status != alesco.MinutesDraft {
		t.Fatal("finalized despite a refused name")
	}
}

// TestLiveRefusesHostileText: what a meeting run live records (a topic
// taken up, an agreement, a guest, an appointee) obeys the same rules as
// the RPC writes.
func TestLiveRefusesHostileText(t *testing.T) {
	c, m := draft(t, four...)
	attendees := len(m.Attendees)
	_, err := m.TakeUp("x\n## Decisions Adopted", 0)
	wantErr(t, err, alesco.EINVALID, "topic must be one line")
	_, err = m.TakeUp("[click me](javascript:alert(1))", 0)
	wantErr(t, err, alesco.EINVALID, "topic may link only to http(s) or mailto addresses")
	_, err = m.TakeUp("Action Items", 0)
	wantErr(t, err, alesco.EINVALID, "record them with action NAME TEXT")
	_, err = m.Agree("<script>alert(1)</script>")
	wantErr(t, err, alesco.EINVALID, "decision may not hold HTML")
	_, err = m.ChangeAttendance(c, alesco.AttendanceChange{Action: alesco.AttendGuest, Who: "Ann\u202Eeb"}, recordNow)
	wantErr(t, err, alesco.EINVALID, "name")
	_, err = m.ChangeAttendance(c, alesco.AttendanceChange{Action: alesco.AttendBoard, Who: strings.Repeat("n", 201)}, recordNow)
	wantErr(t, err, alesco.EINVALID, "name is too long")
	_, err = m.Propose(c, alesco.MotionSpec{Kind: alesco.MotionAppoint, Subject: "Luna\nJernberg"}, recordNow)
	wantErr(t, err, alesco.EINVALID, "name must be one line")
	if len(m.Notes)+len(m.Motions)+len(m.Decisions) != 0 || len(m.Attendees) != attendees {
		t.Fatalf("refused live writes left %d notes, %d motions, %d decisions, %d attendees", len(m.Notes), len(m.Motions), len(m.Decisions), len(m.Attendees))
	}
	if _, err := m.TakeUp("Discussed [RFC: Title](https://github.com/AlmaLinux/ALESCo/pull/16)", 16); err != nil {
		t.Errorf("a wiki-style topic link: %v", err)
	}
}

// TestActionItemOwner: an item written the wiki's way names its owner, as
// the minutes reader reads it back.
func TestActionItemOwner(t *testing.T) {
	_, m := draft(t, four...)
	for _, tc := range []struct{ owner, text, wantOwner, wantText string }{
		{"Neal Gompa", "Build it: on Kitten", "Neal Gompa", "Build it: on Kitten"},
		{"", "Neal Gompa: build it", "Neal Gompa", "build it"},
		{"", "Read [the RFC](https://e.org/a): then vote", "", "Read [the RFC](https://e.org/a): then vote"},
		{"", "No owner here", "", "No owner here"},
	} {
		a, err := m.AddActionItem(tc.owner, tc.text)
		if err != nil || a.Owner != tc.wantOwner || a.Text != tc.wantText {
			t.Errorf("AddActionItem(%q, %q) = %q, %q, %v; want %q, %q", tc.owner, tc.text, a.Owner, a.Text, err, tc.wantOwner, tc.wantText)
		}
	}
	_, err := m.AddActionItem("", strings.Repeat("o", 250)+": do it")
	wantErr(t, err, alesco.EINVALID, "owner")
}

func TestCleanMarkdown(t *testing.T) {
	for _, ok := range []string{
		"Discussed [RFC: org management](https://github.com/AlmaLinux/ALESCo/pull/16); see <https://e.org/x>",
		"mail [Ann](mailto:ann@example.org), [above](#top), [page](/alesco/minutes)",
		`a \<b\> and \[x\](javascript:y) are text`, "1 < 2 and 3 > 2", "see [1]: the first",
	} {
		if _, err := alesco.CleanMarkdown("text", alesco.NoteText, ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for in, msg := range map[string]string{
		"[click me](javascript:alert(1))":                       `link only to http(s) or mailto addresses, not "javascript:alert(1))"`,
		"https://example.com/a) [click me](javascript:alert(1)": "javascript",
		"![x]( <data:image/svg+xml,...>)":                       "data:",
		"[x](java&#115;cript:alert(1))":                         "java&#115;cript",
		"[x]\n\n[x]: javascript:alert(1)":                       "javascript",
		"<script>alert(1)</script>":                             "may not hold HTML",
		"<img src=x onerror=alert(1)>":                          "may not hold HTML",
		"<!-- hidden -->":                                       "may not hold HTML",
		"<javascript:alert(1)>":                                 "may not hold HTML",
	} {
		_, err := alesco.CleanMarkdown("text", alesco.NoteText, in)
		wantErr(t, err, alesco.EINVALID, msg)
	}
}
