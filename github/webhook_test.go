package github_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/github"
	"github.com/almalinux/alesco/sqlite"
)

const secret = "s3cret"

type fixture struct {
	db    *sqlite.DB
	cs    *alesco.Committees
	clock *alescotest.Clock
	wh    *github.Webhook
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{clock: alescotest.NewClock(alescotest.Epoch), cs: alescotest.Committees(t)}
	f.db = alescotest.Store(t, f.clock)
	var err error
	f.wh, err = github.NewWebhook(func() *alesco.Committees { return f.cs }, f.db, secret, f.clock.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// proposal reads a stored proposal.
func (f *fixture) proposal(n int) (alesco.Proposal, error) {
	var p alesco.Proposal
	err := f.db.View(context.Background(), func(tx alesco.ReadTx) error {
		var err error
		p, err = tx.Proposal("alesco", n)
		return err
	})
	return p, err
}

// writes counts the rows of the audit log: one per write.
func (f *fixture) writes(t testing.TB) int {
	var n int
	err := f.db.View(context.Background(), func(tx alesco.ReadTx) error {
		es, err := tx.AuditLog(0, 1<<30)
		n = len(es)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sign(body []byte) string { return alescotest.Sign(secret, body) }

func (f *fixture) post(event, delivery, sig string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	rec := httptest.NewRecorder()
	f.wh.ServeHTTP(rec, req)
	return rec
}

// fixtureBody is the recorded delivery labelling #16, sent at the tests'
// now.
func fixtureBody(t testing.TB) []byte {
	t.Helper()
	return alescotest.LabelWebhook(alescotest.Epoch)
}

// updatedAt is a payload's pull-request updated_at field at t.
func updatedAt(t time.Time) []byte {
	return []byte(`"updated_at": "` + t.UTC().Format(time.RFC3339) + `"`)
}

func TestWebhookResponses(t *testing.T) {
	f := newFixture(t)
	body := fixtureBody(t)
	big := append(bytes.Repeat([]byte(" "), github.MaxWebhookBytes), body...)
	other := bytes.ReplaceAll(body, []byte("AlmaLinux/ALESCo"), []byte("someone/else"))
	opened := bytes.Replace(body, []byte(`"action": "labeled"`), []byte(`"action": "assigned"`), 1)
	cases := []struct {
		name, event, delivery, sig string
		body                       []byte
		want                       int
		wantText                   string
	}{
		{"unsigned", "pull_request", "a", "", body, 401, "X-Hub-Signature-256"},
		{"bad signature", "pull_request", "b", sign([]byte("other")), body, 401, "X-Hub-Signature-256"},
		{"too large", "pull_request", "c", sign(big), big, 413, "too large"},
		{"ping", "ping", "d", sign([]byte(`{}`)), []byte(`{}`), 200, "pong"},
		{"other event", "issues", "e", sign(body), body, 202, "ignored"},
		{"other repository", "pull_request", "f", sign(other), other, 202, "ignored"},
		{"other action", "pull_request", "g", sign(opened), opened, 202, "ignored"},
		{"not json", "pull_request", "h", sign([]byte("{")), []byte("{"), 400, "bad"},
		{"no delivery id", "pull_request", "", sign(body), body, 400, "Delivery"},
		{"applied", "pull_request", "i", sign(body), body, 200, "ok"},
		{"redelivered", "pull_request", "i", sign(body), body, 200, "duplicate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.post(tc.event, tc.delivery, tc.sig, tc.body)
			if rec.Code != tc.want || !strings.Contains(rec.Body.String(), tc.wantText) {
				t.Fatalf("status %d %q, want %d containing %q", rec.Code, rec.Body.String(), tc.want, tc.wantText)
			}
		})
	}
	// #16 was never synced; the labels alone make it a proposal in FCP,
	// entered at the label event's time.
	p, err := f.proposal(16)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != alesco.ProposalFCP || !p.FCPTime.Equal(alescotest.Epoch) {
		t.Fatalf("#16 = %v, fcp %v", p.State, p.FCPTime)
	}
}

// TestWebhookOutOfOrder: an older delivery arriving after a newer one does
// not roll the state back.
func TestWebhookOutOfOrder(t *testing.T) {
	f := newFixture(t)
	newer := fixtureBody(t)
	older := bytes.Replace(newer, updatedAt(alescotest.Epoch), updatedAt(alescotest.Epoch.Add(-4*24*time.Hour-5*time.Hour)), 1)
	older = bytes.Replace(older, []byte(`"action": "labeled"`), []byte(`"action": "unlabeled"`), 1)
	older = bytes.Replace(older, []byte(`"labels": [`), []byte(`"labels_was": [`), 1)
	if rec := f.post("pull_request", "new", sign(newer), newer); rec.Code != 200 {
		t.Fatalf("newer: %d %s", rec.Code, rec.Body)
	}
	if rec := f.post("pull_request", "old", sign(older), older); rec.Code != 200 {
		t.Fatalf("older: %d %s", rec.Code, rec.Body)
	}
	p, err := f.proposal(16)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != alesco.ProposalFCP {
		t.Fatalf("after an out-of-order older delivery #16 is %v, want fcp", p.State)
	}
}

// FuzzWebhook: any body, signed or not, never panics and never answers 5xx;
// an unsigned one never writes.
func FuzzWebhook(f *testing.F) {
	fx := newFixture(f)
	f.Add([]byte(fixtureBody(f)), "pull_request", true)
	f.Add([]byte(`{"action":"opened","pull_request":{"number":1},"repository":{"full_name":"AlmaLinux/ALESCo"}}`), "pull_request", true)
	f.Add([]byte(`{"zen":"x"}`), "ping", false)
	f.Add([]byte(`{"action":"closed","pull_request":{"number":-3,"labels":[{"name":null}]},"repository":{"full_name":"almalinux/alesco"}}`), "pull_request", true)
	n := 0
	f.Fuzz(func(t *testing.T, body []byte, event string, signed bool) {
		n++
		sig := ""
		if signed {
			sig = sign(body)
		}
		before := fx.writes(t)
		rec := fx.post(event, "fuzz-"+strconv.Itoa(n), sig, body)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if !signed {
			if rec.Code != 401 {
				t.Fatalf("unsigned: status %d", rec.Code)
			}
			if after := fx.writes(t); after != before {
				t.Fatal("an unsigned delivery wrote")
			}
		}
		io.Copy(io.Discard, rec.Body)
	})
}

// TestWebhookRefusesMalformedPayloads: a signed delivery whose pull request
// number, title or delivery id is out of bounds is refused (400) before
// anything is stored.
func TestWebhookRefusesMalformedPayloads(t *testing.T) {
	f := newFixture(t)
	body := fixtureBody(t)
	with := func(old, new string) []byte {
		t.Helper()
		if !bytes.Contains(body, []byte(old)) {
			t.Fatalf("fixture lacks %q", old)
		}
		return bytes.ReplaceAll(body, []byte(old), []byte(new))
	}
	number := `"number": 16`
	title := `"title": "RFC: Adding proposal for github org management"`
	cases := []struct {
		name, delivery string
		body           []byte
		msg            string
	}{
		{"negative number", "n1", with(number, `"number": -3`), "number -3 is out of range"},
		{"huge number", "n2", with(number, `"number": 4611686018427387904`), "out of range"},
		{"no number", "n3", with(number, `"number": 0`), "number 0 is out of range"},
		{"title not UTF-8", "t1", with(title, "\"title\": \"RFC \xff\xfe\""), "not UTF-8"},
		{"NUL in the title", "t2", with(title, `"title": "RFC \u0000 x"`), "control character"},
		{"title on two lines", "t3", with(title, `"title": "RFC\n\n## Decisions Adopted"`), "must be one line"},
		{"900 KB title", "t4", with(title, `"title": "`+strings.Repeat("x", 900<<10)+`"`), "too long"},
		{"label with a NUL", "l1", with(`"name": "vote at next meeting"`, `"name": "vote\u0000"`), "label has a control character"},
		{"50 KB delivery id", strings.Repeat("d", 50<<10), body, "X-GitHub-Delivery is 51200 bytes long"},
		{"delivery id with spaces", "a b", body, "holds characters other than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.writes(t)
			rec := f.post("pull_request", tc.delivery, sign(tc.body), tc.body)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Fatalf("status %d %q, want 400 containing %q", rec.Code, rec.Body.String(), tc.msg)
			}
			if f.writes(t) != before {
				t.Fatal("a refused delivery was stored")
			}
		})
	}
}
