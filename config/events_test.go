package config_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
)

// eventsYAML names the minimal committee's events site and asks for the
// events chat post.
const eventsYAML = `    events:
      ics: https://events.almalinux.org/export/categ/7.ics
      match: Core SIG
    notify: {chat: [events]}
`

// TestEventSiteSettings: events.ics and events.match are read; match
// defaults to the short name; a bad value is reported at its line.
func TestEventSiteSettings(t *testing.T) {
	cs, err := config.Parse("sig.yaml", []byte(minimal+eventsYAML))
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	if c.EventSite != (alesco.EventSiteSettings{ICS: "https://events.almalinux.org/export/categ/7.ics", Match: "Core SIG"}) || c.EventMatch() != "Core SIG" {
		t.Errorf("events: %+v", c.EventSite)
	}
	if !c.Notify.Chats(alesco.AnnounceEvents) {
		t.Errorf("notify.chat: %v", c.Notify.Chat)
	}
	noMatch, err := config.Parse("sig.yaml", []byte(strings.Replace(minimal+eventsYAML, "      match: Core SIG\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := noMatch[0].EventMatch(); got != noMatch[0].ShortName || got == "" {
		t.Errorf("default match %q, want the short name %q", got, noMatch[0].ShortName)
	}
	def, _ := config.Default()
	if def[0].EventSite.ICS != "" {
		t.Errorf("the embedded ALESCo reads no events site until told to: %+v", def[0].EventSite)
	}
	base := strings.Count(minimal, "\n")
	for _, tc := range []struct {
		name, old, new string
		line           int
		msg            string
	}{
		{"not a link", "ics: https://events.almalinux.org/export/categ/7.ics", "ics: events.almalinux.org/7.ics", base + 2, "must be an absolute link"},
		{"not http", "ics: https://events.almalinux.org/export/categ/7.ics", "ics: ftp://events.almalinux.org/7.ics", base + 2, "must be an http(s) link"},
		{"post without a site", "      ics: https://events.almalinux.org/export/categ/7.ics\n      match: Core SIG\n", "", base + 2, "the events chat post needs events.ics"},
		{"unknown key", "match: Core SIG", "matches: Core SIG", base + 3, `unknown key "matches"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(minimal+eventsYAML, tc.old, tc.new, 1)
			if src == minimal+eventsYAML {
				t.Fatal("test case did not change the input")
			}
			_, err := config.Parse("sig.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "sig.yaml:"+strconv.Itoa(tc.line)+":") {
				t.Fatalf("err = %v, want %q at line %d", err, tc.msg, tc.line)
			}
		})
	}
}
