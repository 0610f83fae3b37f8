package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
)

// testEnv is a real server on a real SQLite file, reached over real HTTP/2.
type testEnv struct {
	t          *testing.T
	DB         *sqlite.DB
	Committees *alesco.Committees
	Server     *server.Server
	HTTP       *httptest.Server
	Client     *http.Client
	URL        string
	Now        time.Time
}

// newTestEnv starts the server with the embedded ALESCo configuration and a
// fixed clock (2026-11-25 12:00 UTC) unless opts change them.
func newTestEnv(t *testing.T, mutate ...func(*server.Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	env := &testEnv{t: t, DB: db, Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return env.Now }
	cs, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	env.Committees = alesco.NewCommittees(cs)
	opts := server.Options{
		Committees: env.Committees, Store: db, BaseURL: "https://alesco.example.org",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return env.Now },
	}
	for _, f := range mutate {
		f(&opts)
	}
	env.Server, err = server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	env.HTTP = httptest.NewUnstartedServer(env.Server)
	env.HTTP.EnableHTTP2 = true
	env.HTTP.StartTLS()
	t.Cleanup(env.HTTP.Close)
	env.Client = env.HTTP.Client()
	env.URL = env.HTTP.URL
	return env
}

// token creates a token and returns its secret.
func (e *testEnv) token(role alesco.Role, committeeID, memberID string) string {
	e.t.Helper()
	_, secret, err := e.DB.CreateToken(context.Background(), sqlite.Token{CommitteeID: committeeID, Role: role, MemberID: memberID})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// withToken returns a client option that sends the token on every call.
func withToken(secret string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+secret)
			return next(ctx, req)
		}
	}))
}

// protocols are the client protocols every API test runs over.
var protocols = map[string][]connect.ClientOption{
	"connect":      nil,
	"connect-get":  {connect.WithHTTPGet()},
	"grpc":         {connect.WithGRPC()},
	"grpc-web":     {connect.WithGRPCWeb()},
	"connect-json": {connect.WithProtoJSON()},
}

func codeOf(err error) connect.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Code()
	}
	return 0
}

func TestGetCommitteeAllProtocols(t *testing.T) {
	env := newTestEnv(t)
	for name, opts := range protocols {
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
				t.Fatal("chair term elected 2025-08-20 should have run out by 2026-11-25")
			}
		})
	}
}

func TestGetCommitteeNotFound(t *testing.T) {
	env := newTestEnv(t)
	client := v1.NewCommitteeServiceClient(env.Client, env.URL)
	_, err := client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "nope"}))
	if codeOf(err) != connect.CodeNotFound {
		t.Fatalf("err = %v, want NotFound", err)
	}
	_, err = client.GetCommittee(context.Background(), connect.NewRequest(&alescov1.GetCommitteeRequest{}))
	if codeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("err = %v, want InvalidArgument", err)
	}
}

func TestListCommittees(t *testing.T) {
	env := newTestEnv(t)
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
	env := newTestEnv(t)
	ctx := context.Background()
	req := func() *connect.Request[alescov1.CancelMeetingRequest] {
		return connect.NewRequest(&alescov1.CancelMeetingRequest{MeetingId: "alesco-2026-12-03", Reason: "holiday"})
	}
	cases := []struct {
		name string
		opts []connect.ClientOption
		want connect.Code
	}{
		{"no token", nil, connect.CodeUnauthenticated},
		{"bad token", []connect.ClientOption{withToken("alesco_not-a-real-token")}, connect.CodeUnauthenticated},
		{"garbage token", []connect.ClientOption{withToken("hunter2")}, connect.CodeUnauthenticated},
		{"member token", []connect.ClientOption{withToken(env.token(alesco.RoleMember, "alesco", "neal-gompa"))}, connect.CodePermissionDenied},
		{"chair of another committee", []connect.ClientOption{withToken(env.token(alesco.RoleChair, "other", ""))}, connect.CodePermissionDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := v1.NewMeetingServiceClient(env.Client, env.URL, tc.opts...)
			_, err := client.CancelMeeting(ctx, req())
			if codeOf(err) != tc.want {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A revoked token stops working.
	tok, secret, err := env.DB.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleChair})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.DB.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	client := v1.NewMeetingServiceClient(env.Client, env.URL, withToken(secret))
	if _, err := client.CancelMeeting(ctx, req()); codeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("revoked token: err = %v, want Unauthenticated", err)
	}
}

func TestIsWrite(t *testing.T) {
	if server.IsWrite(v1.CommitteeServiceGetCommitteeProcedure) {
		t.Error("GetCommittee is a read")
	}
	if !server.IsWrite(v1.MinutesServiceCastVoteProcedure) {
		t.Error("CastVote is a write")
	}
}
