package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

func TestGetCommitteeAllProtocols(t *testing.T) {
	env := alescotest.New(t)
	for name, opts := range alescotest.Protocols {
		t.Run(name, func(t *testing.T) {
			client := v1.NewCommitteeServiceClient(env.Client, env.URL, opts...)
			resp, err := client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"}))
			if err != nil {
				t.Fatal(err)
			}
			c := resp.Msg.Committee
			var current []string
			for _, m := range c.Members {
				if m.Current {
					current = append(current, m.Id)
				}
			}
			want := []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "lance-albertson", "neal-gompa"}
			if len(current) != len(want) {
				t.Fatalf("current members = %v, want %v", current, want)
			}
			for i := range want {
				if current[i] != want[i] {
					t.Fatalf("current members = %v, want %v", current, want)
				}
			}
			if c.CurrentChairName != "Andrew Lukoshko" || c.QuorumRequired != 4 || c.RosterSize != 5 {
				t.Fatalf("chair %q quorum %d roster %d, want Andrew Lukoshko, 4, 5", c.CurrentChairName, c.QuorumRequired, c.RosterSize)
			}
			// Andrew was elected 2025-08-20 for six months.
			if !c.ChairTermExpired {
				t.Fatalf("chair term elected 2025-08-20 should have run out by %s", alescotest.Today())
			}
		})
	}
}

func TestGetCommitteeNotFound(t *testing.T) {
	env := alescotest.New(t)
	client := v1.NewCommitteeServiceClient(env.Client, env.URL)
	_, err := client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "nope"}))
	if alescotest.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("err = %v, want NotFound", err)
	}
	_, err = client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{}))
	if alescotest.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("err = %v, want InvalidArgument", err)
	}
}

func TestListCommittees(t *testing.T) {
	env := alescotest.New(t)
	client := v1.NewCommitteeServiceClient(env.Client, env.URL, connect.WithHTTPGet())
	resp, err := client.ListCommittees(context.Background(), connect.NewRequest(&alescov1.ListCommitteesRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Msg.Committees) != 1 || resp.Msg.Committees[0].Id != "alesco" {
		t.Fatalf("committees = %v", resp.Msg.Committees)
	}
}

// TestWriteAuth checks authentication and role/committee authorization on a
// write RPC through the interceptor.
func TestWriteAuth(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	req := func() *connect.Request[alescov1.CancelMeetingRequest] {
		return connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: alescotest.DecisionMeeting, Reason: "holiday"})
	}
	cases := []struct {
		name string
		opts []connect.ClientOption
		want connect.Code
	}{
		{"no token", nil, connect.CodeUnauthenticated},
		{"bad token", []connect.ClientOption{alescotest.WithToken("alesco_not-a-real-token")}, connect.CodeUnauthenticated},
		{"garbage token", []connect.ClientOption{alescotest.WithToken("hunter2")}, connect.CodeUnauthenticated},
		{"member token", []connect.ClientOption{alescotest.WithToken(env.Token(alesco.RoleMember, "alesco", "neal-gompa"))}, connect.CodePermissionDenied},
		{"chair of another committee", []connect.ClientOption{alescotest.WithToken(env.Token(alesco.RoleChair, "other", ""))}, connect.CodePermissionDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := v1.NewMeetingServiceClient(env.Client, env.URL, tc.opts...)
			_, err := client.CancelMeeting(ctx, req())
			if alescotest.CodeOf(err) != tc.want {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A revoked token stops working.
	tok, secret, err := env.App.CreateToken(alescotest.Admin(ctx), alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.App.RevokeToken(alescotest.Admin(ctx), tok.ID); err != nil {
		t.Fatal(err)
	}
	client := v1.NewMeetingServiceClient(env.Client, env.URL, alescotest.WithToken(secret))
	if _, err := client.CancelMeeting(ctx, req()); alescotest.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("revoked token: err = %v, want Unauthenticated", err)
	}
}

// TestReadsArePublic: every procedure the proto marks NO_SIDE_EFFECTS
// answers without a token, and every other one asks for one first.
func TestReadsArePublic(t *testing.T) {
	env := alescotest.New(t)
	files := []protoreflect.FileDescriptor{
		alescov1.File_alesco_v1_committee_proto, alescov1.File_alesco_v1_meeting_proto, alescov1.File_alesco_v1_proposal_proto,
		alescov1.File_alesco_v1_agenda_proto, alescov1.File_alesco_v1_minutes_proto,
	}
	reads, writes := 0, 0
	for _, f := range files {
		for i := 0; i < f.Services().Len(); i++ {
			svc := f.Services().Get(i)
			for j := 0; j < svc.Methods().Len(); j++ {
				m := svc.Methods().Get(j)
				if m.IsStreamingClient() || m.IsStreamingServer() {
					continue
				}
				path := "/" + string(svc.FullName()) + "/" + string(m.Name())
				resp, err := env.Client.Post(env.URL+path, "application/json", strings.NewReader("{}"))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				read := m.Options().(*descriptorpb.MethodOptions).GetIdempotencyLevel() == descriptorpb.MethodOptions_NO_SIDE_EFFECTS
				switch {
				case read && resp.StatusCode == http.StatusUnauthorized:
					t.Errorf("%s is a read but asks for a token", path)
				case !read && resp.StatusCode != http.StatusUnauthorized:
					t.Errorf("%s is a write but answered %d without a token", path, resp.StatusCode)
				}
				if read {
					reads++
				} else {
					writes++
				}
			}
		}
	}
	if reads < 10 || writes < 15 {
		t.Fatalf("checked %d reads and %d writes", reads, writes)
	}
}
