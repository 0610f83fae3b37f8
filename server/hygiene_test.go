package server_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/metrics"
	"github.com/almalinux/alesco/server"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// rawRPC is an RPC sent as raw bytes, and the code and message it got
// back, read from where its protocol puts them.
type rawRPC struct {
	status        int
	code, message string
}

// envelope frames msg as the streaming protocols do (flags, 4-byte length).
func envelope(flags byte, msg string) string {
	var p [5]byte
	p[0] = flags
	binary.BigEndian.PutUint32(p[1:], uint32(len(msg)))
	return string(p[:]) + msg
}

// readRPC reads the code of a gRPC, gRPC-Web or Connect streaming answer:
// a gRPC status in the headers or trailers, or the Connect end-of-stream
// message's error.
func readRPC(t *testing.T, resp *http.Response) rawRPC {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := rawRPC{status: resp.StatusCode}
	for _, h := range []http.Header{resp.Header, resp.Trailer} {
		if s := h.Get("Grpc-Status"); s != "" {
			n, _ := strconv.Atoi(s)
			out.code, out.message = connect.Code(n).String(), h.Get("Grpc-Message")
			return out
		}
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/connect+") {
		// The last envelope is the end of the stream (flag 2), a JSON object.
		for len(body) >= 5 {
			n := binary.BigEndian.Uint32(body[1:5])
			flags, msg := body[0], body[5:min(len(body), 5+int(n))]
			body = body[min(len(body), 5+int(n)):]
			if flags&2 == 0 {
				continue
			}
			var end struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(msg, &end); err != nil {
				t.Fatalf("end of stream %q: %v", msg, err)
			}
			out.code, out.message = end.Error.Code, end.Error.Message
			if out.code == "" {
				out.code = "ok"
			}
			return out
		}
	}
	if resp.Header.Get("Content-Type") == "application/json" {
		var e struct{ Code, Message string }
		if json.Unmarshal(body, &e) == nil {
			out.code, out.message = e.Code, e.Message
		}
	}
	return out
}

// scrapeMetrics reads a Metrics' families as Prometheus parses them.
func scrapeMetrics(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// internalRPCs counts the RPCs /metrics has as internal errors.
func internalRPCs(fams map[string]*dto.MetricFamily) (n float64) {
	for _, m := range fams["alesco_rpc_requests_total"].GetMetric() {
		for _, l := range m.Label {
			if l.GetName() == "code" && l.GetValue() == connect.CodeInternal.String() {
				n += m.Counter.GetValue()
			}
		}
	}
	return n
}

// TestMalformedFramesAreInvalidArgument: a request of a streaming protocol
// (gRPC, gRPC-Web, Connect streaming) whose frames are cut short or carry
// flags a client may not send is the client's fault: InvalidArgument,
// unary calls and streams (WatchMinutes) alike, and /metrics counts none
// of them as an internal error.
func TestMalformedFramesAreInvalidArgument(t *testing.T) {
	env := alescotest.New(t)
	get, watch := v1.CommitteeServiceGetCommitteeProcedure, v1.MinutesServiceWatchMinutesProcedure
	meeting := `{"meetingId":"` + alescotest.NextMeeting(t).ID + `"}`
	cases := []struct{ name, path, contentType, body string }{
		{"gRPC-Web: a short prefix", get, "application/grpc-web+proto", "\x00\x00"},
		{"gRPC-Web: a short frame", get, "application/grpc-web+proto", "\x00\x00\x00\x00\x10abc"},
		{"gRPC-Web: compressed, no encoding", get, "application/grpc-web+proto", envelope(1, "ab")},
		{"gRPC-Web: a trailers frame from the client", get, "application/grpc-web+proto", envelope(0x80, "ab")},
		{"gRPC: a short frame", get, "application/grpc", "\x00\x00\x00\x00\x10abc"},
		{"gRPC-Web stream: a short frame", watch, "application/grpc-web+json", "\x00\x00\x00\x00\x40" + meeting},
		{"Connect stream: a short frame", watch, "application/connect+json", "\x00\x00\x00\x00\x40" + meeting},
		{"Connect stream: a short prefix", watch, "application/connect+json", "\x00\x00"},
		{"Connect stream: an end-stream flag from the client", watch, "application/connect+json", envelope(2, meeting)},
		{"gRPC stream: compressed, no encoding", watch, "application/grpc+json", envelope(1, meeting)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", env.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			resp, err := env.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got := readRPC(t, resp)
			if got.code != "invalid_argument" || strings.Contains(got.message, "protocol error") {
				t.Errorf("%d %s %q, want invalid_argument saying what is wrong with the request", got.status, got.code, got.message)
			}
		})
	}
	// A well-framed stream still works.
	req, _ := http.NewRequest("POST", env.URL+watch, strings.NewReader(envelope(0, meeting)))
	req.Header.Set("Content-Type", "application/connect+json")
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := env.Client.Do(req.WithContext(ctx))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("a well-framed WatchMinutes: %v", err)
	}
	var first [5]byte
	if _, err := io.ReadFull(resp.Body, first[:]); err != nil || first[0] != 0 {
		t.Fatalf("a well-framed WatchMinutes sent no first message: %q %v", first, err)
	}
	cancel()
	resp.Body.Close()

	fams := scrape(t, env)
	if n := internalRPCs(fams); n != 0 {
		t.Errorf("/metrics counts %v internal errors", n)
	}
	if n := value(fams, "alesco_rpc_requests_total", "procedure", watch, "code", "invalid_argument"); n != 5 {
		t.Errorf("/metrics counts %v malformed WatchMinutes calls as invalid_argument, want 5", n)
	}
}

// TestStalledStreamBody: a gRPC-Web call or a stream whose body stops
// arriving is answered DeadlineExceeded, saying so without naming the
// server's (or the client's) address, and is not counted as internal.
func TestStalledStreamBody(t *testing.T) {
	env := alescotest.New(t)
	mx := metrics.New()
	srv, err := server.New(server.Options{App: env.App, Logger: slog.New(slog.DiscardHandler), Metrics: mx,
		Timeouts: server.Timeouts{Header: 100 * time.Millisecond, Body: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveServer(t, srv)
	meeting := `{"meetingId":"` + alescotest.NextMeeting(t).ID + `"}`
	for _, tc := range []struct{ path, contentType, body string }{
		{v1.CommitteeServiceGetCommitteeProcedure, "application/grpc-web+proto", "\x00\x00\x00\x00\x10ab"},
		{v1.MinutesServiceWatchMinutesProcedure, "application/connect+json", "\x00\x00\x00\x00\x40" + meeting},
		{v1.MinutesServiceWatchMinutesProcedure, "application/grpc-web+json", "\x00\x00"},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(alescotest.Deadline(30 * time.Second))
		io.WriteString(conn, "POST "+tc.path+" HTTP/1.1\r\nHost: alesco\r\nContent-Type: "+tc.contentType+
			"\r\nContent-Length: 1000\r\n\r\n"+tc.body)
		resp, err := http.ReadResponse(bufioReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := readRPC(t, resp)
		host, _, _ := net.SplitHostPort(addr)
		if got.code != "deadline_exceeded" || strings.Contains(got.message, host) || strings.Contains(got.message, "tcp") {
			t.Errorf("%s (%s), stalled: %s %q, want deadline_exceeded naming no address", tc.path, tc.contentType, got.code, got.message)
		}
	}
	if n := internalRPCs(scrapeMetrics(t, mx)); n != 0 {
		t.Errorf("/metrics counts %v internal errors", n)
	}

	// A stream whose request came in time stays open past the timeouts,
	// on HTTP/1 too, and tells of the next change.
	next := alescotest.NextMeeting(t)
	env.Clock.Set(next.Start.Add(2 * time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a bound on a broken stream
	defer cancel()
	client := v1.NewMinutesServiceClient(&http.Client{}, "http://"+addr)
	stream, err := client.WatchMinutes(ctx, connect.NewRequest(&alescov1.WatchMinutesRequest{MeetingId: next.ID}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	receive(t, stream)
	time.Sleep(300 * time.Millisecond) // past the header and body timeouts
	if _, _, _, err := env.App.ChangeAttendance(alescotest.Admin(ctx), next.ID, alesco.AttendanceChange{Action: alesco.AttendPresent, Who: "neal"}); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, stream); m.MembersPresent != 1 {
		t.Errorf("after attendance: %d present", m.MembersPresent)
	}
}

// serveServer serves srv on a free port of the loopback interface until
// the test ends.
func serveServer(t *testing.T, srv *server.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestBearerSchemeAnyCase: the authentication scheme is case-insensitive
// (RFC 9110 §11.1): "bearer" and "BEARER" carry a token as "Bearer" does;
// another scheme, or none, is still refused.
func TestBearerSchemeAnyCase(t *testing.T) {
	env := alescotest.New(t)
	token := env.Token(alesco.RoleChair, "alesco", "")
	meetings := alescotest.Meetings(t, 3)
	for i, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		r := env.Post(v1.MeetingServiceCancelMeetingProcedure, `{"meetingId":"`+meetings[i].ID+`","reason":"Holidays"}`,
			"Content-Type", "application/json", "Authorization", scheme+" "+token)
		if r.Status != 200 {
			t.Errorf("Authorization: %s TOKEN: %d %s", scheme, r.Status, r.Body)
		}
	}
	for _, header := range []string{"Basic " + token, token, "Bearer", "Bearer  "} {
		r := env.Post(v1.MeetingServiceCancelMeetingProcedure, `{"meetingId":"`+meetings[0].ID+`","reason":"Holidays"}`,
			"Content-Type", "application/json", "Authorization", header)
		if r.Status != 401 {
			t.Errorf("Authorization: %.12q...: %d %s, want 401", header, r.Status, r.Body)
		}
	}
	// The generated client, over gRPC.
	scheme := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "bEaReR "+token)
			return next(ctx, req)
		}
	})
	client := v1.NewMeetingServiceClient(env.Client, env.URL, connect.WithGRPC(), connect.WithInterceptors(scheme))
	if _, err := client.AddMeeting(context.Background(), connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco",
		StartTime: timestamppb.New(meetings[2].Start.AddDate(0, 0, 2))})); err != nil {
		t.Errorf("Authorization: bEaReR TOKEN over gRPC: %v", err)
	}
}

// TestTextAnswersAreNotSniffed: every text alesco serves over plain HTTP
// (feeds, Markdown, pages, health, metrics, errors) says what it is and
// forbids browsers to guess otherwise (X-Content-Type-Options: nosniff),
// so that no answer that holds someone's words runs as a script or a page.
func TestTextAnswersAreNotSniffed(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t).ID
	var past string
	for name, data := range alescotest.WikiFixtures(t) {
		r, err := env.App.ImportMinutes(alescotest.Admin(context.Background()), "alesco", name, data)
		if err != nil {
			t.Fatal(err)
		}
		past = r.MeetingID
		break
	}
	for _, path := range []string{
		"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true", "/calendar/alesco/" + next + ".ics",
		"/agenda/next.md", "/agenda/" + next + ".md", "/minutes/" + past + ".md",
		"/", "/alesco", "/healthz", "/metrics",
		"/calendar/nope.ics", "/minutes/alesco-1999-01-01.md", "/agenda/nonsense.md",
	} {
		r := env.Fetch(http.MethodGet, path)
		if r.Status >= 500 || r.Header.Get("Content-Type") == "" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d, Content-Type %q, X-Content-Type-Options %q", path, r.Status, r.Header.Get("Content-Type"), r.Header.Get("X-Content-Type-Options"))
		}
	}
}
