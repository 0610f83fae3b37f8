package metrics

import "github.com/prometheus/client_golang/prometheus"

// The limits a refused WatchMinutes stream is counted under
// (alesco_watch_streams_rejected_total{limit}): the server's limit on open
// streams, and the limit per client address.
const (
	LimitServer = "server"
	LimitClient = "client"
)

// streams counts the live streams (WatchMinutes): how many are open, and
// how many a limit refused, for an alert before watchers are turned away.
type streams struct {
	open     prometheus.Gauge
	rejected *prometheus.CounterVec
}

func newStreams() streams {
	s := streams{
		open: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "alesco_watch_streams", Help: "Open WatchMinutes streams (live meeting watchers: consoles, pages, terminals).",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alesco_watch_streams_rejected_total", Help: "WatchMinutes streams refused by a limit: server (all streams) or client (one address).",
		}, []string{"limit"}),
	}
	// Both series exist from the start, so that increase() sees the first
	// refusal and the rules can name them before any happened.
	s.rejected.WithLabelValues(LimitServer)
	s.rejected.WithLabelValues(LimitClient)
	return s
}

// WatchStream counts a WatchMinutes stream as open until the function it
// returns is called.
func (m *Metrics) WatchStream() (done func()) {
	m.streams.open.Inc()
	return m.streams.open.Dec
}

// WatchRejected counts a WatchMinutes stream refused by limit (LimitServer
// or LimitClient).
func (m *Metrics) WatchRejected(limit string) {
	m.streams.rejected.WithLabelValues(limit).Inc()
}
