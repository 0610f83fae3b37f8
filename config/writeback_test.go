package config_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
)

// publishingYAML turns on every effect for the minimal committee.
const publishingYAML = `    github:
      repo: core/rfcs
      write: true
      labels: {accepted: accepted}
    wiki: {repo: core/wiki, index: docs/core/minutes.md}
    links: {minutes_dir: docs/core/minutes}
    board:
      - {name: Grace Hopper, github: ghopper, chair: true}
      - {name: Ada Byron}
    notify:
      board_email: board@example.org
      chat: [agenda, start, minutes, changes, reminders]
      agenda_before: 36h
      reminder_before: 72h
`

func TestWriteBackSettings(t *testing.T) {
	cs, err := config.Parse("sig.yaml", []byte(minimal+publishingYAML))
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	if !c.GitHub.Write || c.GitHub.AcceptedLabel != "accepted" || c.GitHub.RejectedLabel != "rejected" {
		t.Errorf("github: %+v", c.GitHub)
	}
	if c.Wiki != (alesco.WikiSettings{Repo: "core/wiki", MinutesDir: "docs/core/minutes", Index: "docs/core/minutes.md"}) {
		t.Errorf("wiki: %+v (minutes_dir defaults to links.minutes_dir)", c.Wiki)
	}
	if chair, ok := c.BoardChair(); !ok || chair.GitHub != "ghopper" {
		t.Errorf("board chair: %+v %v", chair, ok)
	}
	if n := c.Notify; n.BoardEmail != "board@example.org" || n.AgendaBefore != 36*time.Hour || n.ReminderBefore != 72*time.Hour || !slices.Equal(n.Chat, []alesco.Announcement{alesco.AnnounceAgenda, alesco.AnnounceStart, alesco.AnnounceMinutes, alesco.AnnounceChanges, alesco.AnnounceReminders}) {
		t.Errorf("notify: %+v", n)
	}
	def, _ := config.Default()
	if def[0].GitHub.Write || def[0].Notify.BoardEmail != "" || len(def[0].Notify.Chat) != 0 || def[0].Wiki.Repo != "AlmaLinux/wiki" {
		t.Errorf("the embedded ALESCo must write nothing until told to: %+v %+v %+v", def[0].GitHub, def[0].Notify, def[0].Wiki)
	}
	if chair, ok := def[0].BoardChair(); !ok || chair.Name != "benny Vasquez" {
		t.Errorf("embedded board chair: %+v", chair)
	}

	for _, tc := range []struct {
		name, old, new string
		line           int
		msg            string
	}{
		{"two board chairs", "{name: Ada Byron}", "{name: Ada Byron, chair: true}", 24, "only one board member can be the board's chair"},
		{"chair without login", "github: ghopper, ", "", 23, "the board chair needs a GitHub login"},
		{"bad wiki repo", "repo: core/wiki", "repo: wiki", 20, `repo "wiki" must be owner/name`},
		{"wiki index", "index: docs/core/minutes.md", "index: ../minutes", 20, "index must name the Markdown index"},
		{"bad address", "board_email: board@example.org", "board_email: the board", 26, `board_email "the board" is not an email address`},
		{"unknown announcement", "[agenda, start, minutes, changes, reminders]", "[agenda, tweets]", 27, `unknown chat announcement "tweets"`},
		{"bad duration", "agenda_before: 36h", "agenda_before: a day", 28, `bad duration "a day"`},
		{"too early", "agenda_before: 36h", "agenda_before: 200h", 28, "agenda_before must be between 0 and 168h"},
		{"bad reminder duration", "reminder_before: 72h", "reminder_before: soon", 29, `bad duration "soon"`},
		{"reminder too early", "reminder_before: 72h", "reminder_before: 400h", 29, "reminder_before must be between 0 and 336h"},
		{"unknown key", "agenda_before: 36h", "agenda_befor: 36h", 28, `unknown key "agenda_befor"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(minimal+publishingYAML, tc.old, tc.new, 1)
			if src == minimal+publishingYAML {
				t.Fatal("test case did not change the input")
			}
			_, err := config.Parse("sig.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "sig.yaml:"+strconv.Itoa(tc.line)+":") {
				t.Fatalf("err = %v, want %q at line %d", err, tc.msg, tc.line)
			}
		})
	}
}
