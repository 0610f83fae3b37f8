package server

import "net/http"

// webRoutes registers the public HTML pages. (Web page issue.)
func (s *Server) webRoutes(mux *http.ServeMux) {}
