package server

import (
	"net/http"

	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// meetingService implements MeetingService. (Calendar issue.)
type meetingService struct {
	*Server
	v1.UnimplementedMeetingServiceHandler
}

func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}

func (s *Server) handleMeetingICS(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}
