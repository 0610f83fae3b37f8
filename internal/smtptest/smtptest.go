// Package smtptest runs a real SMTP server for tests: aiosmtpd (Debian's
// python3-aiosmtpd) with its Mailbox handler, which keeps every message it
// accepts in a Maildir the test reads back. Tests that need it skip when
// it is missing, and fail with ALESCO_EXTERNAL_TESTS=1.
package smtptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
)

// python is Debian's interpreter, where apt installs python3-aiosmtpd.
const python = "/usr/bin/python3"

// Server is a running aiosmtpd.
type Server struct {
	Addr    string // host:port
	maildir string
}

// Message is an email the server accepted.
type Message struct {
	From, Subject, MessageID string
	To                       []string // the envelope's recipients
	Header                   mail.Header
	Body                     string // decoded text
}

// Start runs aiosmtpd on a free local port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import aiosmtpd").CombinedOutput(); err != nil {
		alescotest.External(t, fmt.Sprintf("aiosmtpd is not installed (apt-get install python3-aiosmtpd): %v %s", err, out))
	}
	dir := t.TempDir()
	s := &Server{maildir: filepath.Join(dir, "Maildir")}
	for try := 0; try < 5; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, python, "-m", "aiosmtpd", "-n", "-l", addr, "-c", "aiosmtpd.handlers.Mailbox", s.maildir)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatalf("smtptest: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if waitListening(addr, exited) {
			t.Cleanup(func() { cancel(); <-exited })
			s.Addr = addr
			return s
		}
		cancel()
		<-exited
		t.Logf("smtptest: aiosmtpd on %s did not start (retrying): %s", addr, logs.String())
	}
	t.Fatal("smtptest: aiosmtpd did not start")
	return nil
}

func waitListening(addr string, exited <-chan struct{}) bool {
	// A timeout, not a date: the wall clock, through alescotest.Deadline.
	deadline := alescotest.Deadline(15 * time.Second)
	for time.Until(deadline) > 0 {
		select {
		case <-exited:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// URL is the ALESCO_SMTP_URL that sends through the server as from.
func (s *Server) URL(from string) string {
	return "smtp://" + s.Addr + "?tls=none&from=" + from
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var files []string
	for _, sub := range []string{"new", "cur"} {
		fs, _ := filepath.Glob(filepath.Join(s.maildir, sub, "*"))
		files = append(files, fs...)
	}
	type dated struct {
		at time.Time
		m  Message
	}
	var out []dated
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("smtptest: %s: %v", f, err)
		}
		dec := new(mime.WordDecoder)
		subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(msg.Body)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		m := Message{From: msg.Header.Get("From"), Subject: subject, MessageID: msg.Header.Get("Message-ID"), Header: msg.Header,
			Body: strings.ReplaceAll(string(text), "\r\n", "\n")}
		for _, r := range strings.Split(msg.Header.Get("X-RcptTo"), ",") {
			if r = strings.TrimSpace(r); r != "" {
				m.To = append(m.To, r)
			}
		}
		info, _ := os.Stat(f)
		out = append(out, dated{info.ModTime(), m})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	msgs := make([]Message, len(out))
	for i, d := range out {
		msgs[i] = d.m
	}
	return msgs
}

// Available reports whether aiosmtpd can run here.
func Available() bool {
	return exec.Command(python, "-c", "import aiosmtpd").Run() == nil
}
