package config

import (
	"time"

	"github.com/almalinux/alesco"
)

// What a committee tells the world (alesco.WikiSettings,
// alesco.NotifySettings, and github.write / labels.accepted):
//
//	github: {write: true, labels: {accepted: accepted}}
//	wiki: {repo: AlmaLinux/wiki, minutes_dir: docs/alesco/meeting-minutes, index: docs/alesco/meeting-minutes.md}
//	notify: {board_email: board@almalinux.org, chat: [agenda, start, minutes, changes, reminders], agenda_before: 24h, reminder_before: 48h}

type wikiYAML struct {
	Repo       string `yaml:"repo"`
	Base       string `yaml:"base"`
	MinutesDir string `yaml:"minutes_dir"`
	Index      string `yaml:"index"`
}

type notifyYAML struct {
	BoardEmail   string   `yaml:"board_email"`
	Chat         []string `yaml:"chat"`
	AgendaBefore string   `yaml:"agenda_before"`
	// ReminderBefore: how long before a meeting the "reminders" post
	// names the members who have not voted (48h when unset).
	ReminderBefore string `yaml:"reminder_before"`
}

// writeBack fills in the committee's publishing settings.
func (cy committeeYAML) writeBack(c *alesco.Committee, add func(path, format string, args ...any)) {
	c.GitHub.Write = cy.GitHub.Write
	c.GitHub.AcceptedLabel = cy.GitHub.Labels.Accepted
	c.Wiki = alesco.WikiSettings{Repo: cy.Wiki.Repo, Base: cy.Wiki.Base, MinutesDir: cy.Wiki.MinutesDir, Index: cy.Wiki.Index}
	if c.Wiki.Repo != "" && c.Wiki.MinutesDir == "" {
		c.Wiki.MinutesDir = c.Links.MinutesDir
	}
	c.Notify = alesco.NotifySettings{BoardEmail: cy.Notify.BoardEmail, AgendaBefore: alesco.DefaultAgendaBefore}
	for _, a := range cy.Notify.Chat {
		c.Notify.Chat = append(c.Notify.Chat, alesco.Announcement(a))
	}
	if s := cy.Notify.AgendaBefore; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			add("notify.agenda_before", "bad duration %q: want e.g. 24h or 90m", s)
		} else {
			c.Notify.AgendaBefore = d
		}
	}
	c.Notify.ReminderBefore = alesco.DefaultReminderBefore
	if s := cy.Notify.ReminderBefore; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			add("notify.reminder_before", "bad duration %q: want e.g. 48h", s)
		} else {
			c.Notify.ReminderBefore = d
		}
	}
}
