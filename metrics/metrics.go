// Package metrics exposes alesco to Prometheus (client_golang): requests
// by route and status, RPCs by procedure and code, with latency
// histograms; the render cache; store write latency; GitHub sync age and
// errors; the Go runtime and the process. Counting happens on the request
// path (a few atomic adds); everything else is read when scraped.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/rendercache"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets reach from 100 µs (a cached feed) to about 6.5 s.
var latencyBuckets = prometheus.ExponentialBuckets(0.0001, 4, 9)

// Metrics holds alesco's collectors in their own registry.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	rpcs        *prometheus.CounterVec
	rpcLatency  *prometheus.HistogramVec
	writes      prometheus.Histogram
	writeErrors prometheus.Counter
	syncs       *prometheus.CounterVec
	streams     streams
}

// New makes the collectors and registers them, with Go's and the
// process's, in a new registry.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alesco_http_requests_total", Help: "HTTP requests served, by route (the pattern that matched) and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "alesco_http_request_duration_seconds", Help: "Time to serve an HTTP request, by route.", Buckets: latencyBuckets,
	}, []string{"route"})
	m.rpcs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alesco_rpc_requests_total", Help: "RPCs (Connect, gRPC, gRPC-Web) served, by procedure and code (ok, not_modified or the Connect error code).",
	}, []string{"procedure", "code"})
	m.rpcLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "alesco_rpc_duration_seconds", Help: "Time to handle an RPC, by procedure.", Buckets: latencyBuckets,
	}, []string{"procedure"})
	m.writes = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "alesco_store_write_duration_seconds", Help: "Time of a store write transaction, from begin to commit or rollback.", Buckets: latencyBuckets,
	})
	m.writeErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "alesco_store_write_errors_total", Help: "Store write transactions that failed (refused writes included).",
	})
	m.syncs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alesco_github_syncs_total", Help: "Reconciliations with GitHub, by committee and result (ok or error).",
	}, []string{"committee", "result"})
	m.streams = newStreams()
	m.reg.MustRegister(m.requests, m.latency, m.rpcs, m.rpcLatency, m.writes, m.writeErrors, m.syncs, m.streams.open, m.streams.rejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the collectors are; a front end may add its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus's text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// codes are the status labels, made once (strconv allocates for three
// digits).
var codes = func() (out [600]string) {
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}()

// ObserveHTTP counts and times one HTTP request: route is the ServeMux
// pattern that matched (r.Pattern, "" for none), so the route label takes
// only the handful of values the routes have. The server's access log,
// which already holds the status and the duration, calls it.
func (m *Metrics) ObserveHTTP(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	code := "other"
	if status >= 0 && status < len(codes) {
		code = codes[status]
	}
	m.requests.WithLabelValues(route, code).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Interceptor counts and times RPCs by procedure and code.
func (m *Metrics) Interceptor() connect.Interceptor { return &interceptor{m} }

type interceptor struct{ m *Metrics }

func (i *interceptor) observe(procedure string, start time.Time, err error) {
	code := "ok"
	switch {
	case err == nil:
	case connect.IsNotModifiedError(err):
		code = "not_modified"
	default:
		code = connect.CodeOf(err).String()
	}
	i.m.rpcs.WithLabelValues(procedure, code).Inc()
	i.m.rpcLatency.WithLabelValues(procedure).Observe(time.Since(start).Seconds())
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		start := time.Now()
		resp, err := next(ctx, req)
		i.observe(req.Spec().Procedure, start, err)
		return resp, err
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		start := time.Now()
		err := next(ctx, conn)
		i.observe(conn.Spec().Procedure, start, err)
		return err
	}
}

// ObserveWrite records one store write transaction (sqlite.DB.Timed).
func (m *Metrics) ObserveWrite(d time.Duration, err error) {
	m.writes.Observe(d.Seconds())
	if err != nil && !errors.Is(err, alesco.ErrUnchanged) {
		m.writeErrors.Inc()
	}
}

// Syncer counts s's reconciliations by committee and result.
func (m *Metrics) Syncer(s app.ProposalSyncer) app.ProposalSyncer { return syncer{s, m} }

type syncer struct {
	app.ProposalSyncer
	m *Metrics
}

func (s syncer) Fetch(ctx context.Context, c *alesco.Committee, known map[int]alesco.Proposal, filesRead map[int]string) ([]alesco.Proposal, alesco.SyncResult, error) {
	changed, r, err := s.ProposalSyncer.Fetch(ctx, c, known, filesRead)
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.m.syncs.WithLabelValues(c.ID, result).Inc()
	return changed, r, err
}

// FetchComments passes a comment sync through to the syncer when it reads
// comments (app.CommentSyncer); otherwise there is nothing to read.
func (s syncer) FetchComments(ctx context.Context, c *alesco.Committee, numbers []int) (map[int][]alesco.DiscussionComment, alesco.SyncResult, error) {
	cs, ok := s.ProposalSyncer.(app.CommentSyncer)
	if !ok {
		return nil, alesco.SyncResult{}, nil
	}
	return cs.FetchComments(ctx, c, numbers)
}

// Watch adds what is read from the application when scraped: the
// outbox's depth and each committee's GitHub sync state.
func (m *Metrics) Watch(a *app.App) {
	m.reg.MustRegister(appCollector{a})
}

// WatchCache adds the render cache's use, read when scraped (the server
// registers its cache).
func (m *Metrics) WatchCache(c *rendercache.Cache) {
	m.reg.MustRegister(cacheCollector{c})
}

var (
	cacheHitsDesc    = prometheus.NewDesc("alesco_cache_hits_total", "Reads answered from the render cache.", nil, nil)
	cacheMissesDesc  = prometheus.NewDesc("alesco_cache_misses_total", "Reads the render cache had to build.", nil, nil)
	cacheBytesDesc   = prometheus.NewDesc("alesco_cache_bytes", "Bytes the render cache holds.", nil, nil)
	cacheMaxDesc     = prometheus.NewDesc("alesco_cache_max_bytes", "The render cache's budget (serve --cache-size).", nil, nil)
	cacheEntriesDesc = prometheus.NewDesc("alesco_cache_entries", "Entries in the render cache.", nil, nil)
	syncAgeDesc      = prometheus.NewDesc("alesco_github_sync_age_seconds", "Time since the last successful reconciliation with GitHub (absent before the first).", []string{"committee"}, nil)
	syncFailingDesc  = prometheus.NewDesc("alesco_github_sync_failing", "1 when the last reconciliation with GitHub failed, else 0.", []string{"committee"}, nil)
	outboxDesc       = prometheus.NewDesc("alesco_outbox_depth", "Outbound effects (GitHub, wiki, chat, mail) not delivered: pending (to be tried) or parked (failed too often: alesco outbox retry).", []string{"status"}, nil)
)

type cacheCollector struct{ c *rendercache.Cache }

func (c cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cacheHitsDesc, cacheMissesDesc, cacheBytesDesc, cacheMaxDesc, cacheEntriesDesc} {
		ch <- d
	}
}

func (c cacheCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.c.Stats()
	ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(cacheMissesDesc, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(cacheBytesDesc, prometheus.GaugeValue, float64(st.Bytes))
	ch <- prometheus.MustNewConstMetric(cacheMaxDesc, prometheus.GaugeValue, float64(st.MaxBytes))
	ch <- prometheus.MustNewConstMetric(cacheEntriesDesc, prometheus.GaugeValue, float64(st.Entries))
}

type appCollector struct{ a *app.App }

func (c appCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{syncAgeDesc, syncFailingDesc, outboxDesc} {
		ch <- d
	}
}

func (c appCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if depth, err := c.a.OutboxDepth(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
	} else {
		for _, st := range []alesco.OutboxStatus{alesco.OutboxPending, alesco.OutboxParked} {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(depth[st]), string(st))
		}
	}
	for _, cm := range c.a.Committees().List() {
		if cm.GitHub.Repo == "" {
			continue
		}
		s, err := c.a.SyncState(ctx, cm.ID)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(syncAgeDesc, err)
			continue
		}
		if !s.LastSynced.IsZero() {
			ch <- prometheus.MustNewConstMetric(syncAgeDesc, prometheus.GaugeValue, c.a.Now().Sub(s.LastSynced).Seconds(), cm.ID)
		}
		failing := 0.0
		if s.LastError != "" {
			failing = 1
		}
		ch <- prometheus.MustNewConstMetric(syncFailingDesc, prometheus.GaugeValue, failing, cm.ID)
	}
}
