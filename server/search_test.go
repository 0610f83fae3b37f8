package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
)

// seededEnv imports the eight wiki minutes and syncs the GitHub snapshot,
// through the API.
func seededEnv(t *testing.T) (*alescotest.Env, v1.MinutesServiceClient, connect.ClientOption) {
	t.Helper()
	env := alescotest.New(t, alescotest.WithGitHub(""))
	ctx := context.Background()
	admin := alescotest.WithToken(env.Token(alesco.RoleAdmin, "alesco", ""))
	mc := v1.NewMinutesServiceClient(env.Client, env.URL, admin)
	for name, md := range alescotest.WikiFixtures(t) {
		if _, err := mc.ImportMinutes(ctx, connect.NewRequest(&alescov1.ImportMinutesRequest{CommitteeId: "alesco", FileName: name, Markdown: string(md)})); err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
	}
	pc := v1.NewProposalServiceClient(env.Client, env.URL, admin)
	if _, err := pc.SyncProposals(ctx, connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatal(err)
	}
	return env, mc, admin
}

func search(t *testing.T, mc v1.MinutesServiceClient, query string) []*alescov1.SearchResult {
	t.Helper()
	resp, err := mc.SearchMinutes(context.Background(), connect.NewRequest(&alescov1.SearchMinutesRequest{CommitteeId: "alesco", Query: query}))
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	return resp.Msg.Results
}

// TestSearchMinutesFindsSecureBoot: "when did we discuss Secure Boot?" is
// answered by the 2025-10-16 topic among the first results, with a
// snippet marking the words and a link to the meeting.
func TestSearchMinutesFindsSecureBoot(t *testing.T) {
	env, _, _ := seededEnv(t)
	for name, opts := range map[string][]connect.ClientOption{"connect": nil, "get": {connect.WithHTTPGet()}, "grpc": {connect.WithGRPC()}} {
		t.Run(name, func(t *testing.T) {
			mc := v1.NewMinutesServiceClient(env.Client, env.URL, opts...)
			rs := search(t, mc, "secure boot")
			found := -1
			for i, r := range rs {
				if r.MeetingId == "alesco-2025-10-16" && r.Kind == alescov1.SearchResultKind_SEARCH_RESULT_KIND_NOTE &&
					strings.Contains(r.Title, "Discussed [RFC: Provide Secure Boot-Signed Alternative Kernels]") {
					found = i
					var marked []string
					for _, p := range r.SnippetParts {
						if p.Match {
							marked = append(marked, strings.ToLower(p.Text))
						}
					}
					if !strings.Contains(r.Snippet, "Secure Boot-Signed Alternative Kernels") || strings.Contains(r.Snippet, "](") ||
						strings.Join(marked, " ") != "secure boot" || r.Date != "2025-10-16" || r.ProposalNumber != 15 ||
						r.Url != "https://alesco.example.org/alesco/meetings/alesco-2025-10-16#minutes" {
						t.Errorf("hit: %+v (marked %q)", r, marked)
					}
				}
			}
			if found < 0 || found > 2 {
				t.Fatalf("the 2025-10-16 Secure Boot topic is result %d of %d, want among the first three:\n%v", found, len(rs), rs)
			}
			// The proposal itself is found too, linked to its pull request.
			var pr bool
			for _, r := range rs {
				pr = pr || (r.Kind == alescov1.SearchResultKind_SEARCH_RESULT_KIND_PROPOSAL && r.ProposalNumber == 15 &&
					r.Url == "https://github.com/AlmaLinux/ALESCo/pull/15")
			}
			if !pr {
				t.Errorf("proposal #15 not found: %v", rs)
			}
		})
	}
}

// TestSearchIndexFollowsWrites: a note recorded, a decision of imported
// minutes, a proposal's retitling through sync: each is found (or no
// longer found) at once, by the write's own transaction.
func TestSearchIndexFollowsWrites(t *testing.T) {
	env, mc, admin := seededEnv(t)
	ctx := context.Background()
	if rs := search(t, mc, "default zstd"); len(rs) != 1 || rs[0].ProposalNumber != 19 {
		t.Fatalf("default zstd: %v", rs)
	}
	if rs := search(t, mc, "marshmallow"); len(rs) != 0 {
		t.Fatalf("marshmallow: %v", rs)
	}
	// A note recorded live, during the meeting.
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.Start.Add(5 * time.Minute))
	w := v1.NewMinutesServiceClient(env.Client, env.URL, admin)
	if _, err := w.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: next.ID, Topic: "Snacks",
		Text: "The marshmallow budget was approved by acclamation."})); err != nil {
		t.Fatal(err)
	}
	rs := search(t, mc, "marshmallows")
	if len(rs) != 1 || rs[0].MeetingId != next.ID || rs[0].Title != "Snacks" {
		t.Fatalf("a recorded note is not found: %v", rs)
	}
	// Before the meeting starts its draft is no record yet: not listed.
	env.Clock.Set(next.Start.Add(-time.Hour))
	if rs := search(t, mc, "marshmallow"); len(rs) != 0 {
		t.Fatalf("a draft of a meeting to come is searchable: %v", rs)
	}
	lm, err := mc.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco"}))
	if err != nil || len(lm.Msg.Minutes) != 8 {
		t.Fatalf("a draft of a meeting to come is listed: %v %v", err, lm)
	}
	// Proposals follow the sync.
	page := env.GitHub.File("pulls-page-1.json")
	env.GitHub.SetFile("pulls-page-1.json", []byte(strings.Replace(string(page), "RFC: Default to zstd-compressed RPM payloads", "RFC: Switch the RPM payload compression", 1)))
	pc := v1.NewProposalServiceClient(env.Client, env.URL, admin)
	if _, err := pc.SyncProposals(ctx, connect.NewRequest(&alescov1.SyncProposalsRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatal(err)
	}
	if rs := search(t, mc, "default zstd"); len(rs) != 0 {
		t.Errorf("the old title is still found: %v", rs)
	}
	if rs := search(t, mc, "switch"); len(rs) != 1 || rs[0].ProposalNumber != 19 {
		t.Errorf("the new title is not found: %v", rs)
	}
}

func TestSearchMinutesRefusesBadQueries(t *testing.T) {
	env := alescotest.New(t)
	mc := v1.NewMinutesServiceClient(env.Client, env.URL)
	for _, q := range []string{"", "   ", "\"*()", strings.Repeat("a ", 150)} {
		_, err := mc.SearchMinutes(context.Background(), connect.NewRequest(&alescov1.SearchMinutesRequest{CommitteeId: "alesco", Query: q}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("query %q: %v, want InvalidArgument", q, err)
		}
	}
	// FTS5 syntax in a query is read as words, never as syntax.
	for _, q := range []string{`secure OR boot`, `NEAR(secure boot)`, `title:secure`, `secure*`, `"secure`} {
		if _, err := mc.SearchMinutes(context.Background(), connect.NewRequest(&alescov1.SearchMinutesRequest{CommitteeId: "alesco", Query: q})); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	if _, err := mc.SearchMinutes(context.Background(), connect.NewRequest(&alescov1.SearchMinutesRequest{CommitteeId: "nope", Query: "x"})); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown committee: %v", err)
	}
}

// TestListMinutesPages walks the eight minutes three at a time, and in a
// date range.
func TestListMinutesPages(t *testing.T) {
	_, mc, _ := seededEnv(t)
	ctx := context.Background()
	var dates []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		resp, err := mc.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco", PageSize: 3, PageToken: token}))
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Msg.Minutes) > 3 {
			t.Fatalf("page of %d", len(resp.Msg.Minutes))
		}
		for _, m := range resp.Msg.Minutes {
			dates = append(dates, m.Date)
		}
		if token = resp.Msg.NextPageToken; token == "" {
			break
		}
	}
	if strings.Join(dates, " ") != "2024-07-24 2024-10-02 2025-04-16 2025-05-28 2025-08-20 2025-10-16 2026-06-04 2026-07-30" {
		t.Fatalf("pages gave %v", dates)
	}
	resp, err := mc.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco", FromDate: "2025-01-01", ToDate: "2025-10-16"}))
	if err != nil || len(resp.Msg.Minutes) != 4 || resp.Msg.Minutes[0].Date != "2025-04-16" || resp.Msg.NextPageToken != "" {
		t.Fatalf("2025: %v %v", err, resp)
	}
	for _, req := range []*alescov1.ListMinutesRequest{
		{CommitteeId: "alesco", FromDate: "2025-13-01"},
		{CommitteeId: "alesco", FromDate: "2025-02-01", ToDate: "2025-01-01"},
		{CommitteeId: "alesco", PageToken: "not a token!"},
		{CommitteeId: "alesco", PageSize: -1},
	} {
		if _, err := mc.ListMinutes(ctx, connect.NewRequest(req)); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%v: %v, want InvalidArgument", req, err)
		}
	}
}
