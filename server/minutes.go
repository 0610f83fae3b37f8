package server

import (
	"net/http"

	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// minutesService implements MinutesService. (Minutes issue.)
type minutesService struct {
	*Server
	v1.UnimplementedMinutesServiceHandler
}

func (s *Server) handleMinutesMarkdown(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}
