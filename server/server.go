// Package server serves alesco over HTTP: the Connect/gRPC/gRPC-Web API,
// gRPC health and reflection, iCal feeds, Markdown agendas and minutes,
// GitHub webhooks and the public web pages, all on one port.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/almalinux/alesco"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/sqlite"
	"github.com/rs/cors"
)

// MaxRequestBytes caps request bodies (RPCs and plain HTTP alike).
const MaxRequestBytes = 1 << 20

// ProposalSyncer reconciles a committee's proposals with GitHub.
type ProposalSyncer interface {
	Sync(ctx context.Context, committeeID string) (SyncResult, error)
}

// SyncResult reports one reconciliation.
type SyncResult struct {
	Requests    int
	NotModified int
	Changed     int
	SyncedAt    time.Time
}

// Options configure a Server.
type Options struct {
	Committees *alesco.Committees
	Store      *sqlite.DB
	// BaseURL is the public URL of the service (links, iCal UIDs).
	BaseURL string
	Logger  *slog.Logger
	// Now is the clock (defaults to time.Now).
	Now func() time.Time
	// Syncer syncs proposals from GitHub; nil disables SyncProposals.
	Syncer ProposalSyncer
	// Webhooks handles POST /webhooks/github; nil answers 404.
	Webhooks http.Handler
}

// Server is the HTTP face of alesco.
type Server struct {
	committees *alesco.Committees
	store      *sqlite.DB
	baseURL    *url.URL
	log        *slog.Logger
	now        func() time.Time
	syncer     ProposalSyncer
	webhooks   http.Handler
	handler    http.Handler
	cache      *cache

	feedMu     sync.Mutex
	feedStates map[string]feedState // by committee id; see feedState
}

// New builds a Server and its routes.
func New(o Options) (*Server, error) {
	if o.Committees == nil || o.Store == nil {
		return nil, errors.New("server: committees and store are required")
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost:8080"
	}
	u, err := url.Parse(strings.TrimSuffix(o.BaseURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("server: bad base URL %q: want http(s)://host[:port]", o.BaseURL)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{committees: o.Committees, store: o.Store, baseURL: u, log: o.Logger, now: o.Now,
		syncer: o.Syncer, webhooks: o.Webhooks, cache: newCache(), feedStates: map[string]feedState{}}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// serviceNames are the fully-qualified names health and reflection report.
var serviceNames = []string{
	v1.CommitteeServiceName,
	v1.MeetingServiceName,
	v1.ProposalServiceName,
	v1.AgendaServiceName,
	v1.MinutesServiceName,
}

func (s *Server) routes() http.Handler {
	opts := connect.WithHandlerOptions(
		connect.WithInterceptors(errorInterceptor(s.log), s.authInterceptor()),
		connect.WithReadMaxBytes(MaxRequestBytes),
		connect.WithCompressMinBytes(1024),
	)
	mux := http.NewServeMux()
	mux.Handle(v1.NewCommitteeServiceHandler(&committeeService{Server: s}, opts))
	mux.Handle(v1.NewMeetingServiceHandler(&meetingService{Server: s}, opts))
	mux.Handle(v1.NewProposalServiceHandler(&proposalService{Server: s}, opts))
	mux.Handle(v1.NewAgendaServiceHandler(&agendaService{Server: s}, opts))
	mux.Handle(v1.NewMinutesServiceHandler(&minutesService{Server: s}, opts))
	mux.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(serviceNames...)))
	reflector := grpcreflect.NewStaticReflector(append(serviceNames, grpchealth.HealthV1ServiceName)...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))

	s.plainRoutes(mux)

	c := cors.New(cors.Options{
		// Reads are public and writes need a Bearer token (never cookies),
		// so any origin may call.
		AllowedOrigins: []string{"*"},
		AllowedMethods: connectcors.AllowedMethods(),
		AllowedHeaders: append(connectcors.AllowedHeaders(), "Authorization"),
		ExposedHeaders: append(connectcors.ExposedHeaders(), "ETag", "Last-Modified"),
		MaxAge:         7200,
	})
	return s.accessLog(c.Handler(http.MaxBytesHandler(mux, MaxRequestBytes)))
}

// accessLog logs one line per request.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(rw, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rw.status),
			slog.String("proto", r.Proto), slog.Duration("duration", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushing
// for gRPC streaming responses and trailers).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher for the gRPC protocols.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully,
// letting requests in flight finish (up to 10 seconds).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c: gRPC without TLS
	srv := &http.Server{
		Handler:           s,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// URL returns an absolute URL for path under the base URL.
func (s *Server) URL(path string) string {
	return s.baseURL.String() + path
}

// Host is the host of the base URL (iCal UIDs use it).
func (s *Server) Host() string { return s.baseURL.Hostname() }
