// Command baseline serves what alesco serves, from memory and nothing else:
// the floor alesco's reads are measured against (docs/performance.md).
// It copies, from a running alesco, the committee feed and the answers of
// GetMinutes and ListMeetings, then serves
//
//   - GET /calendar/{committee}.ics: the same bytes with bare net/http
//     (http.ServeContent with the same ETag: 200, or 304 for If-None-Match);
//   - MinutesService/GetMinutes and MeetingService/ListMeetings: a bare
//     connect-go handler returning the same message, whatever is asked
//     (Connect, gRPC, gRPC-Web; Connect GET as they have no side effects).
//
// Usage:
//
//	go run ./scripts/baseline -from http://127.0.0.1:8099 -addr 127.0.0.1:8098 \
//	  -minutes alesco-2026-06-04 -from-time 2026-01-01T00:00:00Z -to-time 2027-01-01T00:00:00Z
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func main() {
	from := flag.String("from", "http://127.0.0.1:8099", "the running alesco to copy from")
	addr := flag.String("addr", "127.0.0.1:8098", "address to serve on")
	committee := flag.String("committee", "alesco", "committee whose feed is served")
	minutesID := flag.String("minutes", "alesco-2026-06-04", "meeting whose minutes GetMinutes returns")
	fromTime := flag.String("from-time", "2026-01-01T00:00:00Z", "ListMeetings start_time")
	toTime := flag.String("to-time", "2027-01-01T00:00:00Z", "ListMeetings end_time")
	flag.Parse()
	if err := run(*from, *addr, *committee, *minutesID, *fromTime, *toTime); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(from, addr, committee, minutesID, fromTime, toTime string) error {
	ctx := context.Background()
	resp, err := http.Get(from + "/calendar/" + committee + ".ics")
	if err != nil {
		return err
	}
	feed, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("feed: %s %v", resp.Status, err)
	}
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	minutes, err := v1.NewMinutesServiceClient(http.DefaultClient, from).GetMinutes(ctx,
		connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: minutesID}))
	if err != nil {
		return fmt.Errorf("GetMinutes: %w", err)
	}
	start, err := time.Parse(time.RFC3339, fromTime)
	if err != nil {
		return err
	}
	end, err := time.Parse(time.RFC3339, toTime)
	if err != nil {
		return err
	}
	meetings, err := v1.NewMeetingServiceClient(http.DefaultClient, from).ListMeetings(ctx, connect.NewRequest(&alescov1.ListMeetingsRequest{
		CommitteeId: committee, StartTime: timestamppb.New(start), EndTime: timestamppb.New(end)}))
	if err != nil {
		return fmt.Errorf("ListMeetings: %w", err)
	}

	mux := http.NewServeMux()
	lastModified, _ := http.ParseTime(modified)
	mux.HandleFunc("GET /calendar/"+committee+".ics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		http.ServeContent(w, r, "", lastModified, bytes.NewReader(feed))
	})
	mux.Handle(v1.NewMinutesServiceHandler(&minutesHandler{msg: minutes.Msg}))
	mux.Handle(v1.NewMeetingServiceHandler(&meetingHandler{msg: meetings.Msg}))
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("baseline on %s: feed %d bytes, GetMinutes %s, ListMeetings %d meetings", ln.Addr(), len(feed), minutesID, len(meetings.Msg.Meetings))
	return (&http.Server{Handler: mux, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

type minutesHandler struct {
	v1.UnimplementedMinutesServiceHandler
	msg *alescov1.GetMinutesResponse
}

func (h *minutesHandler) GetMinutes(context.Context, *connect.Request[alescov1.GetMinutesRequest]) (*connect.Response[alescov1.GetMinutesResponse], error) {
	return connect.NewResponse(h.msg), nil
}

type meetingHandler struct {
	v1.UnimplementedMeetingServiceHandler
	msg *alescov1.ListMeetingsResponse
}

func (h *meetingHandler) ListMeetings(context.Context, *connect.Request[alescov1.ListMeetingsRequest]) (*connect.Response[alescov1.ListMeetingsResponse], error) {
	return connect.NewResponse(h.msg), nil
}
