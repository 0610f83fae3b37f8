package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

const webhookSecret = alescotest.WebhookSecret

// rfcEnv is a test server wired to a fake GitHub serving the fixtures.
type rfcEnv struct {
	*alescotest.Env
	t     testing.TB
	chair string
}

func newRFCEnv(t *testing.T) *rfcEnv {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	return &rfcEnv{Env: env, t: t, chair: env.Token(alesco.RoleChair, "alesco", "")}
}

func (e *rfcEnv) sync() (*alescov1.SyncProposalsResponse, error) {
	client := v1.NewProposalServiceClient(e.Client, e.URL, alescotest.WithToken(e.chair))
	resp, err := client.SyncProposals(context.Background(), connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"}))
	if err != nil {
		return nil, err
	}
	return resp.Msg, nil
}

func (e *rfcEnv) mustSync() *alescov1.SyncProposalsResponse {
	e.t.Helper()
	r, err := e.sync()
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	return r
}

// deliver posts a webhook delivery and returns the status code.
func (e *rfcEnv) deliver(event, delivery, signature string, body []byte) int {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/webhooks/github", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	if delivery != "" {
		req.Header.Set("X-GitHub-Delivery", delivery)
	}
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// version is the number of writes so far.
func (e *rfcEnv) version() int { return len(e.AuditLog()) }

func numbers[T interface{ GetNumber() int32 }](items []T) []int32 {
	out := []int32{}
	for _, it := range items {
		out = append(out, it.GetNumber())
	}
	return out
}

func TestSyncProposalsFromFixtures(t *testing.T) {
	env := newRFCEnv(t)
	first := env.mustSync()
	seen := env.GitHub.Requests()
	if int(first.Requests) != len(seen) || first.NotModified != 0 {
		t.Fatalf("first sync reported %d requests (%d not modified); the fake saw %d", first.Requests, first.NotModified, len(seen))
	}

	client := v1.NewProposalServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	list, err := client.ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	got := numbers(list.Msg.Proposals)
	want := []int32{20, 19, 18, 17, 16, 15, 10, 9, 8, 7, 6, 3, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("tracked proposals = %v, want %v (#5 and #21 are not RFCs)", got, want)
	}
	if list.Msg.LastSyncedTime == nil || list.Msg.SyncError != "" {
		t.Fatalf("last synced %v, error %q", list.Msg.LastSyncedTime, list.Msg.SyncError)
	}
	states := map[int32]alescov1.ProposalState{}
	for _, p := range list.Msg.Proposals {
		states[p.Number] = p.State
	}
	wantStates := map[int32]alescov1.ProposalState{
		2: alescov1.ProposalState_PROPOSAL_STATE_ACCEPTED, 7: alescov1.ProposalState_PROPOSAL_STATE_REJECTED,
		15: alescov1.ProposalState_PROPOSAL_STATE_WITHDRAWN, 16: alescov1.ProposalState_PROPOSAL_STATE_DISCUSSION,
		17: alescov1.ProposalState_PROPOSAL_STATE_FCP, 18: alescov1.ProposalState_PROPOSAL_STATE_FCP,
		19: alescov1.ProposalState_PROPOSAL_STATE_SUBMITTED, 20: alescov1.ProposalState_PROPOSAL_STATE_SUBMITTED,
	}
	for n, w := range wantStates {
		if states[n] != w {
			t.Errorf("#%d state = %v, want %v", n, states[n], w)
		}
	}

	fcp, err := client.ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{
		CommitteeId: "alesco", States: []alescov1.ProposalState{alescov1.ProposalState_PROPOSAL_STATE_FCP}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(fcp.Msg.Proposals); !slices.Equal(got, []int32{18, 17}) {
		t.Fatalf("FCP proposals = %v, want [18 17]", got)
	}

	one, err := client.GetProposal(context.Background(), connect.NewRequest(&alescov1.GetProposalRequest{CommitteeId: "alesco", Number: 18}))
	if err != nil {
		t.Fatal(err)
	}
	p := one.Msg.Proposal
	if !p.NeedsBoardInput || p.RfcNumber != "0008" || !slices.Equal(p.Authors, []string{"Example Spin Maintainer"}) || p.HeaderStatus != "Final Comment Period" {
		t.Fatalf("#18 = board %v rfc %q authors %v status %q", p.NeedsBoardInput, p.RfcNumber, p.Authors, p.HeaderStatus)
	}
	if _, err := client.GetProposal(context.Background(), connect.NewRequest(&alescov1.GetProposalRequest{CommitteeId: "alesco", Number: 21})); alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("#21 (typo fix): err = %v, want NotFound", err)
	}
}

// TestSecondSyncNotModified: a sync where nothing changed sends one
// request per page of pull requests, and per RFC in discussion or FCP one
// for its comments and one for its reviews (#16, #17, #18), each with
// If-None-Match, each answered 304.
func TestSecondSyncNotModified(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	env.GitHub.Requests()
	second := env.mustSync()
	seen := env.GitHub.Requests()
	if len(seen) != 9 {
		t.Fatalf("second sync sent %d requests, want 9 (one per page, two per RFC in discussion or FCP): %+v", len(seen), seen)
	}
	for _, r := range seen {
		if r.IfNoneMatch == "" || r.Status != http.StatusNotModified {
			t.Errorf("%s: If-None-Match %q, status %d; want a conditional request answered 304", r.Path, r.IfNoneMatch, r.Status)
		}
	}
	if second.Requests != 9 || second.NotModified != 9 || second.Changed != 0 {
		t.Fatalf("second sync = %+v, want 9 requests, 9 not modified, 0 changed", second)
	}

	// A change on one page is fetched in full again; other pages stay 304.
	page2 := env.GitHub.File("pulls-page-2.json")
	env.GitHub.SetFile("pulls-page-2.json", bytes.Replace(page2, []byte(`"title": "RFC: Adding proposal for github org management"`),
		[]byte(`"title": "RFC: GitHub org management"`), 1))
	third := env.mustSync()
	if third.Requests != 9 || third.NotModified != 8 || third.Changed != 1 {
		t.Fatalf("sync after a title change = %+v, want 9 requests, 8 not modified, 1 changed", third)
	}
}

func TestSyncWhileGitHubIsDown(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	env.GitHub.SetDown(true)
	if _, err := env.sync(); alescotest.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("sync while GitHub is down: err = %v, want Unavailable", err)
	}
	client := v1.NewProposalServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	list, err := client.ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Msg.Proposals) != 13 || list.Msg.LastSyncedTime == nil || list.Msg.SyncError == "" {
		t.Fatalf("while down: %d proposals, last synced %v, error %q; want the stored 13, a time and the error",
			len(list.Msg.Proposals), list.Msg.LastSyncedTime, list.Msg.SyncError)
	}
	env.GitHub.SetDown(false)
	env.mustSync()
	list, err = client.ListProposals(context.Background(), connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
	if err != nil || list.Msg.SyncError != "" {
		t.Fatalf("after recovery: err %v, sync error %q", err, list.Msg.SyncError)
	}
}

// TestSyncHonoursRetryAfter: after GitHub says Retry-After, nothing is sent
// until then.
func TestSyncHonoursRetryAfter(t *testing.T) {
	env := newRFCEnv(t)
	env.GitHub.RetryAfterNext("120")
	if _, err := env.sync(); alescotest.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("rate-limited sync: err = %v, want Unavailable", err)
	}
	env.GitHub.Requests()
	if _, err := env.sync(); alescotest.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("sync inside Retry-After: err = %v, want Unavailable", err)
	}
	if seen := env.GitHub.Requests(); len(seen) != 0 {
		t.Fatalf("sync inside Retry-After sent %d requests, want none", len(seen))
	}
	env.Clock.Set(env.Now().Add(121e9))
	env.mustSync()
}

func TestSyncProposalsAuth(t *testing.T) {
	env := newRFCEnv(t)
	member := v1.NewProposalServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "neal-gompa")))
	if _, err := member.SyncProposals(context.Background(), connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); alescotest.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("member sync: err = %v, want PermissionDenied", err)
	}
	plain := alescotest.New(t) // no syncer configured
	client := v1.NewProposalServiceClient(plain.Client, plain.URL, alescotest.WithToken(plain.Token(alesco.RoleAdmin, "alesco", "")))
	if _, err := client.SyncProposals(context.Background(), connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); alescotest.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("sync without GitHub: err = %v, want FailedPrecondition", err)
	}
}

// TestListProposalsCORS: a browser page on another origin reads the list
// over Connect GET.
func TestListProposalsCORS(t *testing.T) {
	env := newRFCEnv(t)
	env.mustSync()
	u := env.URL + v1.ProposalServiceListProposalsProcedure + "?encoding=json&message=" + url.QueryEscape(`{"committeeId":"alesco","states":["PROPOSAL_STATE_FCP"]}`)
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Origin", "https://wiki.almalinux.org")
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got == "" {
		t.Fatalf("no Access-Control-Allow-Origin on a cross-origin GET; headers %v", resp.Header)
	}
	if !bytes.Contains(body, []byte(`"number":17`)) || !bytes.Contains(body, []byte(`"number":18`)) {
		t.Fatalf("body lacks #17/#18: %s", body)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req.Header.Set("If-None-Match", etag)
	resp, err = env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: status %d, want 304", resp.StatusCode)
	}
}

func TestWebhookPing(t *testing.T) {
	env := newRFCEnv(t)
	body := []byte(`{"zen":"Keep it logically awesome.","hook_id":1}`)
	if code := env.deliver("ping", "ping-1", alescotest.Sign(webhookSecret, body), body); code != 200 {
		t.Fatalf("ping: %d, want 200", code)
	}
	if code := env.deliver("ping", "ping-2", "", body); code != 401 {
		t.Fatalf("unsigned ping: %d, want 401", code)
	}
}
