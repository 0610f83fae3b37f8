// Package mail sends the outbox's email effects through SMTP, with
// go-mail (github.com/wneessen/go-mail): the board hears when an RFC is
// accepted for discussion and when one enters its final comment period.
//
// SMTP cannot be asked what it has delivered, so an email is sent at least
// once: were alesco killed between the server's acceptance and the
// outbox's record of it, the email would be sent again after the restart.
// Each email's Message-ID is derived from its outbox key, so the copy
// carries the same Message-ID as the first, and mail systems that discard
// duplicates by Message-ID (mailing-list servers, most mail clients and
// providers) show it once.
package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	gomail "github.com/wneessen/go-mail"
)

// Sender delivers email effects through one SMTP server.
type Sender struct {
	client *gomail.Client
	from   string
	domain string
	host   string
}

// New returns a Sender for an SMTP URL (ALESCO_SMTP_URL):
//
//	smtp://[user:password@]host[:port]?from=alesco@example.org[&tls=required|opportunistic|none]
//	smtps://[user:password@]host[:port]?from=alesco@example.org
//
// smtp:// speaks STARTTLS (port 25 by default, 587 with credentials),
// required when credentials are given and otherwise used when offered;
// tls=none is for a relay on the same host. smtps:// is TLS from the first
// byte (port 465). from is the sender's address, required.
func New(smtpURL string) (*Sender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("mail: ALESCO_SMTP_URL must be smtp://[user:password@]host[:port]?from=ADDRESS (or smtps://)")
	}
	q := u.Query()
	from, err := netmail.ParseAddress(q.Get("from"))
	if err != nil {
		return nil, fmt.Errorf("mail: ALESCO_SMTP_URL needs from=ADDRESS, the sender (%q: %v)", q.Get("from"), err)
	}
	user := u.User.Username()
	password, _ := u.User.Password()
	port := 25
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	policy := gomail.TLSOpportunistic
	if user != "" {
		port, policy = 587, gomail.TLSMandatory
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(password))
	}
	switch q.Get("tls") {
	case "":
	case "required":
		policy = gomail.TLSMandatory
	case "opportunistic":
		policy = gomail.TLSOpportunistic
	case "none":
		policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("mail: tls=%q: want required, opportunistic or none", q.Get("tls"))
	}
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(policy))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("mail: bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	return &Sender{client: client, from: from.String(), domain: domain, host: u.Host}, nil
}

// MessageID is the Message-ID of an effect's email: the same for every
// attempt, so a copy sent again after a crash is known as the same email.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "alesco." + hex.EncodeToString(sum[:12]) + "@" + domain
}

// Deliver sends an email effect.
func (s *Sender) Deliver(ctx context.Context, it alesco.OutboxItem) (string, error) {
	e := it.Mail
	if it.Kind != alesco.EffectMail || e == nil || len(e.To) == 0 {
		return "", alesco.Errorf(alesco.EINVALID, "mail: %s is not an email with recipients", it.Key)
	}
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return "", alesco.Errorf(alesco.EINVALID, "mail: sender %q: %v", s.from, err)
	}
	if err := m.To(e.To...); err != nil {
		return "", alesco.Errorf(alesco.EINVALID, "mail: recipients %q: %v", e.To, err)
	}
	id := MessageID(it.Key, s.domain)
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(id)
	m.SetDate()
	// RFC 3834: sent by a program, so vacation responders stay quiet.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, e.Body)
	if err := s.client.DialAndSendWithContext(ctx, m); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			// A 5xx reply: the server refuses this email for good.
			return "", errors.Join(err, alesco.Errorf(alesco.EINVALID, "the mail server refused the email: %v", err))
		}
		return "", fmt.Errorf("mail: send through %s: %w", s.host, err)
	}
	return fmt.Sprintf("sent to %s as <%s>", strings.Join(e.To, ", "), id), nil
}
