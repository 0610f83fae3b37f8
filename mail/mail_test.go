package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/smtptest"
	"github.com/almalinux/alesco/mail"
)

// TestSenderThroughRealSMTP sends an email effect through aiosmtpd and
// reads it back from its Maildir.
func TestSenderThroughRealSMTP(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := mail.New(srv.URL("alesco@alesco.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	it := alesco.OutboxItem{ID: 7, Effect: alesco.Effect{Key: "mail:fcp:alesco:16:alesco-2026-12-03", Kind: alesco.EffectMail, Mail: &alesco.MailEffect{
		To: []string{"board@example.org"}, Subject: "[ALESCo] RFC in final comment period: Café naming (#16), vote on 2026-12-03",
		Body: "ALESCo will vote on it at its meeting on Thursday 3 December 2026, 12:00 EST (17:00 UTC).\n\nBoard input is not expected to be a blocker for the vote.\n"}}}
	res, err := s.Deliver(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	id := mail.MessageID(it.Key, "alesco.example.org")
	if !strings.Contains(res, "<"+id+">") {
		t.Errorf("result %q does not name the Message-ID", res)
	}
	msgs := srv.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.Subject != it.Mail.Subject || m.MessageID != "<"+id+">" || len(m.To) != 1 || m.To[0] != "board@example.org" ||
		!strings.Contains(m.From, "alesco@alesco.example.org") || m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Fatalf("message: %+v", m)
	}
	if strings.TrimSpace(m.Body) != strings.TrimSpace(it.Mail.Body) {
		t.Fatalf("body:\n%q\nwant\n%q", m.Body, it.Mail.Body)
	}
	// Sent again (a crash before the record): the same Message-ID.
	if _, err := s.Deliver(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(t); len(msgs) != 2 || msgs[1].MessageID != msgs[0].MessageID {
		t.Fatalf("resent: %+v", msgs)
	}
}

func TestSenderConfig(t *testing.T) {
	for _, bad := range []string{"", "mail.example.org", "smtp://mail.example.org", "smtp://mail.example.org?from=nobody",
		"smtp://mail.example.org:99999?from=a@b.org", "smtp://mail.example.org?from=a@b.org&tls=maybe", "http://mail.example.org?from=a@b.org"} {
		if _, err := mail.New(bad); err == nil {
			t.Errorf("New(%q) took it", bad)
		}
	}
	for _, good := range []string{"smtp://mail.example.org?from=alesco@example.org", "smtps://u:p@mail.example.org?from=alesco@example.org",
		"smtp://u:p@mail.example.org:587?from=ALESCo%20%3Calesco@example.org%3E"} {
		if _, err := mail.New(good); err != nil {
			t.Errorf("New(%q): %v", good, err)
		}
	}
	// Nobody listens: a temporary failure, retried.
	s, _ := mail.New("smtp://127.0.0.1:1?tls=none&from=alesco@example.org")
	_, err := s.Deliver(context.Background(), alesco.OutboxItem{Effect: alesco.Effect{Key: "k", Kind: alesco.EffectMail,
		Mail: &alesco.MailEffect{To: []string{"board@example.org"}, Subject: "s", Body: "b"}}})
	if err == nil || alesco.PermanentFailure(err) {
		t.Fatalf("unreachable server: %v", err)
	}
}
