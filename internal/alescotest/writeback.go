package alescotest

import (
	"log/slog"
	"os"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/internal/chattest"
	"github.com/almalinux/alesco/mail"
	"github.com/almalinux/alesco/mattermost"
)

// WithWriteBack turns every effect on for ALESCo (Publish) and delivers
// them: GitHub's to the fake GitHub (it needs WithGitHub), which then also
// holds the wiki repository AlmaLinux/wiki with the real index of minutes;
// chat posts to env.Chat. Mail is delivered only WithMail.
func WithWriteBack() Option {
	return func(o *options) { o.writeBack = true }
}

// WithMail delivers email effects through the SMTP server at url
// (smtptest.Server.URL).
func WithMail(url string) Option {
	return func(o *options) { o.mailURL = url }
}

// BoardEmail is the board's address Publish configures.
const BoardEmail = "board@almalinux.example.org"

// Publish turns on every effect of committee c: GitHub write-back with an
// accepted label, the board's email, every chat announcement.
func Publish(c *alesco.Committee) {
	c.GitHub.Write, c.GitHub.AcceptedLabel = true, "accepted"
	c.Notify = alesco.NotifySettings{BoardEmail: BoardEmail, Chat: alesco.Announcements, AgendaBefore: alesco.DefaultAgendaBefore}
}

// writeBack turns ALESCo's effects on and wires their delivery to the
// fakes (WithWriteBack).
func (e *Env) writeBack(ao *app.Options, log *slog.Logger) {
	t := e.t
	if e.GitHub == nil {
		t.Fatal("alescotest: WithWriteBack needs WithGitHub")
	}
	Publish(ao.Committees.List()[0])
	index, err := os.ReadFile(Path("testdata/wiki/meeting-minutes.md"))
	if err != nil {
		t.Fatal(err)
	}
	e.GitHub.AddRepo("AlmaLinux/wiki", "master", map[string]string{"docs/alesco/meeting-minutes.md": string(index)})
	w, err := github.NewWriter(github.WriterOptions{BaseURL: e.GitHub.BaseURL(), Token: "ghp_alescotest", Transport: e.GitHub.Client().Transport, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.Chat = chattest.New(t)
	chat, err := mattermost.New(e.Chat.HookURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ao.Deliverers == nil {
		ao.Deliverers = map[alesco.EffectKind]app.Deliverer{}
	}
	ao.Deliverers[alesco.EffectChat] = chat
	for _, k := range github.Kinds {
		ao.Deliverers[k] = w
	}
}

// withMail delivers email through the SMTP server at url (WithMail).
func withMail(t testing.TB, ao *app.Options, url string) {
	s, err := mail.New(url)
	if err != nil {
		t.Fatal(err)
	}
	if ao.Deliverers == nil {
		ao.Deliverers = map[alesco.EffectKind]app.Deliverer{}
	}
	ao.Deliverers[alesco.EffectMail] = s
}
