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
	"sync"
	"time"

	"connectrpc.com/connect"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/almalinux/alesco/app"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/metrics"
	"github.com/almalinux/alesco/rendercache"
	"github.com/rs/cors"
)

// MaxRequestBytes caps request bodies (RPCs and plain HTTP alike).
const MaxRequestBytes = 1 << 20

// Options configure a Server.
type Options struct {
	// App holds the use cases the server serves.
	App    *app.App
	Logger *slog.Logger
	// Webhooks handles POST /webhooks/github; nil answers 404.
	Webhooks http.Handler
	// MattermostToken is the token of the committee's Mattermost slash
	// command (POST /integrations/mattermost); "" answers 404.
	MattermostToken string
	// Timeouts for clients (DefaultTimeouts where zero).
	Timeouts Timeouts
	// Metrics counts requests and RPCs and serves GET /metrics; nil
	// leaves both out.
	Metrics *metrics.Metrics
	// CacheBytes bounds the cache of rendered feeds, pages, Markdown and
	// answers (rendercache.DefaultBytes when 0).
	CacheBytes int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For tells
	// a request's client (none: the connection's address is the client).
	TrustedProxies TrustedProxies
	// Watch bounds the WatchMinutes streams (defaults where zero).
	Watch WatchLimits
}

// Server is the HTTP face of alesco: each handler decodes a request, calls
// one use case and encodes its result.
type Server struct {
	app      *app.App
	log      *slog.Logger
	webhooks http.Handler
	timeouts Timeouts
	metrics  *metrics.Metrics
	proxies  TrustedProxies
	handler  http.Handler
	// watchers counts the WatchMinutes streams open (watch.go).
	watchers *watchers
	// cache keeps what was rendered until the data changes (app.Version)
	// or it stops holding: a warm read touches no store.
	cache *rendercache.Cache
	// mattermostToken is the slash command's secret ("" when not set up).
	mattermostToken string
	// stopping is closed when the server starts shutting down: open
	// streams end then.
	stopping chan struct{}
	stopOnce sync.Once
}

// New builds a Server and its routes.
func New(o Options) (*Server, error) {
	if o.App == nil {
		return nil, errors.New("server: an app is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{app: o.App, log: o.Logger, webhooks: o.Webhooks, timeouts: o.Timeouts.orDefault(), metrics: o.Metrics,
		proxies: o.TrustedProxies, mattermostToken: o.MattermostToken, stopping: make(chan struct{}), cache: rendercache.New(o.CacheBytes)}
	s.watchers = &watchers{limits: o.Watch.orDefault(s.timeouts)}
	if o.Metrics != nil {
		o.Metrics.WatchCache(s.cache)
	}
	s.handler = s.routes()
	return s, nil
}

// Cache is the cache of what the server rendered (its stats are in the
// metrics).
func (s *Server) Cache() *rendercache.Cache { return s.cache }

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
	interceptors := []connect.Interceptor{errorInterceptor(s.log), s.authInterceptor()}
	if s.metrics != nil {
		// Outermost: it sees the code the client gets.
		interceptors = append([]connect.Interceptor{s.metrics.Interceptor()}, interceptors...)
	}
	opts := connect.WithHandlerOptions(
		connect.WithInterceptors(interceptors...),
		connect.WithReadMaxBytes(MaxRequestBytes),
		connect.WithCompressMinBytes(1024),
	)
	mux := http.NewServeMux()
	mux.Handle(v1.NewCommitteeServiceHandler(&committeeService{Server: s}, opts))
	mux.Handle(v1.NewMeetingServiceHandler(&meetingService{Server: s}, opts))
	mux.Handle(v1.NewProposalServiceHandler(&proposalService{Server: s}, opts))
	mux.Handle(v1.NewAgendaServiceHandler(&agendaService{Server: s}, opts))
	mux.Handle(v1.NewMinutesServiceHandler(&minutesService{Server: s}, opts))
	mux.Handle(watchHandler(&minutesService{Server: s}, opts))
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
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}
	return s.accessLog(noSniff(c.Handler(limitBody(s.guard(s.streamControl(mux))))))
}

// nosniff is the X-Content-Type-Options value, shared (full: len == cap).
var nosniff = []string{"nosniff"}

// noSniff tells browsers to take every answer for the type it declares
// (X-Content-Type-Options: nosniff), never to guess: a feed, a Markdown
// text or an error message holds words anyone may have written, and must
// not run as a script or a page. Set here once, for every route.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = nosniff
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies at MaxRequestBytes like
// http.MaxBytesHandler, but on the request itself rather than a copy (as
// the guard does): requests without a body (GETs, most of them) pass
// untouched, and the route the mux sets on the request (r.Pattern) stays
// visible to the access log, which counts requests by it.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// accessLog logs one line per request and counts it for the metrics.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(rw, r)
		end := time.Now()
		if s.metrics != nil {
			s.metrics.ObserveHTTP(r.Pattern, rw.status, end.Sub(start))
		}
		// The handler itself, not Logger.LogAttrs: that looks up its
		// caller's program counter, which costs more than the line.
		h := s.log.Handler()
		if !h.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rw.status),
			slog.String("proto", r.Proto), slog.Duration("duration", end.Sub(start)), slog.String("client", s.proxies.clientString(r)))
		h.Handle(r.Context(), rec)
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

// Stop ends the server's open streams (WatchMinutes); Serve calls it when
// it shuts down. Stopping again does nothing.
func (s *Server) Stop() { s.stopOnce.Do(func() { close(s.stopping) }) }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully,
// letting requests in flight finish (up to 10 seconds).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c: gRPC without TLS
	t := s.timeouts
	srv := &http.Server{
		Handler:           s,
		Protocols:         &protocols,
		ReadHeaderTimeout: t.Header,
		// ReadTimeout backs up the body timeout (guard) for HTTP/1, where it
		// also counts the headers; HTTP/2 applies it per stream.
		ReadTimeout:    t.Header + t.Body,
		WriteTimeout:   t.Write,
		IdleTimeout:    t.Idle,
		MaxHeaderBytes: 64 << 10,
		// HTTP/2 (h2c included) keeps the same bounds: a connection silent
		// for the header timeout is pinged and closed unless it answers
		// within the same time (a client that sent only its preface is gone
		// within twice the header timeout, not after IdleTimeout); a peer
		// that stops reading is cut off.
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams: 100,
			SendPingTimeout:      t.Header,
			PingTimeout:          t.Header,
			WriteByteTimeout:     t.Write,
		},
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(s.Stop)
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
